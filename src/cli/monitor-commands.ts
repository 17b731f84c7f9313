/**
 * `keyhole monitor [--config monitor.yaml]` and `keyhole monitor init`: wiring
 * only; the work is in src/monitor (docs/MONITOR.md) and
 * src/cli/services/monitor-service.ts.
 * Alerts go to stdout as JSON lines and nothing else is written there;
 * progress and problems go to stderr.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { fromHex, toBase64Url, toHex } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { parseJsonText, parseWith } from '../core/schema.js';
import { nodePrimitives as p } from '../platform/node-primitives.js';
import { fileExists, loadConfig } from './config/config-file.js';
import { jsonLog } from './services/json-log.js';
import { MonitorServiceConfig, starterMonitorConfig } from './services/monitor-service-config.js';
import { startMonitorService } from './services/monitor-service.js';
import { onStopSignal } from './services/stop-signal.js';

interface MonitorFlags {
  set?: string[];
  log?: string;
  vkey?: string;
  witness?: string[];
  quorum?: string;
  db: string;
  config?: string;
  webhook?: string;
  webhookSecretFile?: string;
  suspendUrl?: string[];
  monitorName?: string;
  monitorKeyFile?: string;
  intervalMs: string;
  serve?: string;
  serveHost: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];


async function readText(path: string, what: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return fail('BAD_FORMAT', `cannot read ${what} from ${path}`);
  }
}

function count(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) fail('BAD_FORMAT', `${what} "${text}" is not an integer in ${min}..${max}`);
  return n;
}

/** The command line as before config files: `--config` names the rule thresholds (JSON), the rest are flags. */
async function configFromFlags(o: MonitorFlags & { log: string }): Promise<MonitorServiceConfig> {
  if (o.vkey === undefined) fail('BAD_FORMAT', '--log needs --vkey');
  if (o.webhook !== undefined && o.webhookSecretFile === undefined) fail('BAD_FORMAT', '--webhook needs --webhook-secret-file (the HMAC key; never on the command line)');
  const suspendUrls = o.suspendUrl ?? [];
  if (suspendUrls.length > 0 && (o.monitorName === undefined || o.monitorKeyFile === undefined)) fail('BAD_FORMAT', '--suspend-url needs --monitor-name and --monitor-key-file');
  const witnesses = o.witness ?? [];
  const raw = {
    log: { url: o.log, vkey: o.vkey },
    witnesses,
    ...(o.quorum === undefined ? {} : { quorum: count(o.quorum, '--quorum', 0, witnesses.length) }),
    store: o.db,
    pollIntervalMs: count(o.intervalMs, '--interval-ms', 10, 3_600_000),
    listen: { host: o.serveHost, port: o.serve === undefined ? 0 : count(o.serve, '--serve', 0, 65535) },
    ...(o.webhook === undefined ? {} : { webhook: { url: o.webhook, secretFile: o.webhookSecretFile } }),
    ...(suspendUrls.length === 0 ? {} : { suspension: { gatekeepers: suspendUrls, name: o.monitorName, keyFile: o.monitorKeyFile } }),
    policy: o.config === undefined ? {} : parseJsonText(await readText(o.config, 'the monitor config'), 'monitor config'),
  };
  return parseWith(MonitorServiceConfig, raw, 'monitor flags');
}

export function registerMonitorCommands(program: Command): void {
  // `monitor init` has options of the same names as `monitor`: each command reads only the options
  // given after its own name (commander needs this on every parent, the program too).
  program.enablePositionalOptions();
  const monitor = program
    .command('monitor')
    .description("Follow the audit log, verify every checkpoint and entry, and raise integrity and misuse alerts (JSON lines on stdout)")
    .enablePositionalOptions()
    .option('--config <file>', 'the config file (from `keyhole monitor init`); with --log, the rule thresholds instead (JSON; docs/MONITOR.md)')
    .option('--set <key=value>', 'override a config key (repeatable)', collect)
    .option('--log <url>', "without a config file: base URL of the log's tlog-tiles read API")
    .option('--vkey <vkey>', "with --log: the log's verifier key; its name is the origin")
    .option('--witness <vkey...>', 'with --log: cosignature verifier keys of the witnesses in the trust policy')
    .option('--quorum <k>', 'with --log: cosignatures each checkpoint needs (default: all witnesses)')
    .option('--db <path>', "with --log: the monitor's SQLite state", '.keyhole/monitor.sqlite')
    .option('--webhook <url>', 'with --log: also POST each alert here, HMAC-signed')
    .option('--webhook-secret-file <file>', 'with --log: file holding the webhook HMAC secret (at least 16 bytes)')
    .option('--suspend-url <url...>', "with --log: gatekeeper base URL(s) to suspend through, for rules set to suspend")
    .option('--monitor-name <id>', "with --log: the name the lab registered this monitor's key under at the gatekeeper")
    .option('--monitor-key-file <file>', "with --log: file holding this monitor's 32-byte Ed25519 seed as hex")
    .option('--interval-ms <ms>', 'with --log: how often to poll the checkpoint', '500')
    .option('--serve <port>', 'with --log: serve the audit page, /healthz, /readyz and /metrics on this port')
    .option('--serve-host <host>', 'with --log: listen address of the audit page', '127.0.0.1')
    .action(async (o: MonitorFlags) => {
      const log = jsonLog('monitor');
      let running;
      if (o.log !== undefined && o.set !== undefined) fail('BAD_FORMAT', '--set overrides a config file; with --log, give the settings as flags');
      if (o.log !== undefined) running = await startMonitorService({ config: await configFromFlags({ ...o, log: o.log }), baseDir: process.cwd(), log, serve: o.serve !== undefined });
      else {
        const { config, baseDir } = loadConfig('monitor', MonitorServiceConfig, o.config ?? 'monitor.yaml', o.set ?? []);
        running = await startMonitorService({ config, baseDir, log });
      }
      if (running.url !== undefined) process.stderr.write(`${JSON.stringify({ monitor: running.url, origin: running.origin })}\n`);
      onStopSignal(async () => {
        log.info('stopping: finishing raised alerts');
        await running.close();
      });
    });

  monitor
    .command('init')
    .description("Set up a monitor: a commented config and the monitor's suspension key (0600, never overwritten); prints the public key for the lab's `keyhole monitor-key`")
    .requiredOption('--log <url>', "base URL of the log's tlog-tiles read API (the gatekeeper's /log/)")
    .requiredOption('--vkey <vkey>', "the log's verifier key (`keyhole gatekeeper init` prints it)")
    .option('--name <id>', 'the name the lab registers this monitor under', 'monitor')
    .option('--config <file>', 'the config file to write', 'monitor.yaml')
    .action(async (o: { log: string; vkey: string; name: string; config: string }) => {
      const file = resolve(o.config);
      if (await fileExists(file)) fail('CONFLICT', `${file} exists; init never overwrites (edit it, or init into another directory)`);
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, starterMonitorConfig(o.log, o.vkey, o.name), { flag: 'wx', mode: 0o600 });
      const { baseDir } = loadConfig('monitor', MonitorServiceConfig, file);
      const keyFile = join(baseDir, 'monitor.key');
      if (!(await fileExists(keyFile))) await writeFile(keyFile, `${toHex(p.randomBytes(32))}\n`, { flag: 'wx', mode: 0o600 });
      const signer = await p.ed25519FromSeed(fromHex(await readText(keyFile, 'the monitor key'), 'monitor key seed'));
      const publicKey = toBase64Url(signer.publicKey);
      console.log(`monitor set up in ${baseDir}:\n  config      ${file}\n  key         ${keyFile}\n  public key  ${publicKey}\nthe lab authorizes it with \`keyhole monitor-key ${o.name} --public-key ${publicKey}\`; then uncomment suspension: in the config, and \`keyhole monitor --config ${o.config}\``);
    });
}
