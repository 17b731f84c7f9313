/**
 * `keyhole monitor`: wiring only; the work is in src/monitor (docs/MONITOR.md).
 * Alerts go to stdout as JSON lines and nothing else is written there;
 * progress and problems go to stderr.
 */
import { readFile } from 'node:fs/promises';
import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { fromHex, utf8 } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { parseJsonText } from '../core/schema.js';
import { nodePrimitives as p } from '../platform/node-primitives.js';
import type { AlertSink } from '../monitor/alerts/alert.js';
import { stdoutAlertSink } from '../monitor/alerts/stdout-sink.js';
import { SuspensionClient, suspendEverywhere } from '../monitor/alerts/suspension-client.js';
import { webhookAlertSink } from '../monitor/alerts/webhook-sink.js';
import { auditApp } from '../monitor/audit/audit-app.js';
import { BoundedHttpReader } from '../monitor/follower/bounded-http-reader.js';
import { checkpointPolicy } from '../monitor/follower/checkpoint-policy.js';
import { Monitor } from '../monitor/monitor.js';
import { parseMonitorConfig } from '../monitor/monitor-config.js';
import { MonitorStore } from '../monitor/store/monitor-store.js';

interface MonitorFlags {
  log: string;
  vkey: string;
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

async function sinksFor(o: MonitorFlags): Promise<AlertSink[]> {
  const sinks: AlertSink[] = [stdoutAlertSink];
  if (o.webhook !== undefined) {
    if (o.webhookSecretFile === undefined) fail('BAD_FORMAT', '--webhook needs --webhook-secret-file (the HMAC key; never on the command line)');
    sinks.push(webhookAlertSink(o.webhook, utf8(await readText(o.webhookSecretFile, 'the webhook secret'))));
  }
  return sinks;
}

export function registerMonitorCommands(program: Command): void {
  program
    .command('monitor')
    .description("Follow the audit log, verify every checkpoint and entry, and raise integrity and misuse alerts (JSON lines on stdout)")
    .requiredOption('--log <url>', "base URL of the log's tlog-tiles read API")
    .requiredOption('--vkey <vkey>', "the log's verifier key; its name is the origin")
    .option('--witness <vkey...>', 'cosignature verifier keys of the witnesses in the trust policy')
    .option('--quorum <k>', 'cosignatures each checkpoint needs (default: all witnesses)')
    .option('--db <path>', "the monitor's SQLite state", '.keyhole/monitor.sqlite')
    .option('--config <file>', 'rule thresholds, campaigns and vendors (JSON; docs/MONITOR.md)')
    .option('--webhook <url>', 'also POST each alert here, HMAC-signed')
    .option('--webhook-secret-file <file>', 'file holding the webhook HMAC secret (at least 16 bytes)')
    .option('--suspend-url <url...>', "gatekeeper base URL(s) to suspend through, for rules set to suspend")
    .option('--monitor-name <id>', 'the name the lab registered this monitor\'s key under at the gatekeeper')
    .option('--monitor-key-file <file>', "file holding this monitor's 32-byte Ed25519 seed as hex")
    .option('--interval-ms <ms>', 'how often to poll the checkpoint', '500')
    .option('--serve <port>', 'serve the audit page on this port')
    .option('--serve-host <host>', 'listen address of the audit page', '127.0.0.1')
    .action(async (o: MonitorFlags) => {
      const witnesses = o.witness ?? [];
      const quorum = o.quorum === undefined ? witnesses.length : count(o.quorum, '--quorum', 0, witnesses.length);
      const policy = await checkpointPolicy(p, o.vkey, witnesses, quorum);
      const config = parseMonitorConfig(o.config === undefined ? {} : parseJsonText(await readText(o.config, 'the monitor config'), 'monitor config'));
      let suspender;
      if (o.suspendUrl !== undefined && o.suspendUrl.length > 0) {
        if (o.monitorName === undefined || o.monitorKeyFile === undefined) fail('BAD_FORMAT', '--suspend-url needs --monitor-name and --monitor-key-file');
        const signer = await p.ed25519FromSeed(fromHex(await readText(o.monitorKeyFile, 'the monitor key'), 'monitor key seed'));
        suspender = suspendEverywhere(o.suspendUrl.map((gatekeeper) => new SuspensionClient({ p, gatekeeper, monitor: o.monitorName!, signer, policy })));
      }
      const store = new MonitorStore(o.db);
      const monitor = Monitor.open({
        p,
        reader: new BoundedHttpReader(o.log),
        policy,
        config,
        store,
        sinks: await sinksFor(o),
        ...(suspender ? { suspender } : {}),
        onError: (m) => console.error(m),
      });
      monitor.start(count(o.intervalMs, '--interval-ms', 10, 3_600_000));
      console.error(`monitor: following ${policy.origin} at ${o.log} (quorum ${quorum} of ${witnesses.length} witnesses), verified size ${monitor.verifiedSize}`);
      let server: ReturnType<typeof serve> | undefined;
      if (o.serve !== undefined) {
        const vendorBudgets = config.rules['exposure-budget']?.vendorBudgets;
        const budgets = vendorBudgets !== null && typeof vendorBudgets === 'object' ? (vendorBudgets as Record<string, number>) : {};
        const app = auditApp({ p, monitor, budgets });
        server = serve({ fetch: app.fetch, hostname: o.serveHost, port: count(o.serve, '--serve', 0, 65535) }, (info) => console.error(`monitor: audit page on http://${o.serveHost}:${info.port}/`));
      }
      const stop = (): void => {
        server?.close();
        void monitor.stop().then(() => {
          store.close();
          process.exit(0);
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
