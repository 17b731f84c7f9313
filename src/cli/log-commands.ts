/**
 * `keyhole log ...` and `keyhole witness ...`: wiring only; the work is in src/log, src/core and
 * src/cli/services/witness-service.ts.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { toHex, utf8 } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { parseWith } from '../core/schema.js';
import { ed25519NoteSigner, ed25519NoteVerifier, formatSignerKey, parseSignerKey, type NoteVerifier } from '../core/note.js';
import { nodePrimitives as p } from '../platform/node-primitives.js';
import { FileSystemStorage } from '../log/fs-storage.js';
import { buildProofBundle } from '../log/proofs.js';
import { HttpObjectReader, type ObjectReader } from '../log/tile-reader.js';
import { auditLog } from '../log/verify-log.js';
import { CHECKPOINT_PATH } from '../log/writer.js';
import { fileExists, loadConfig } from './config/config-file.js';
import { jsonLog } from './services/json-log.js';
import { onStopSignal } from './services/stop-signal.js';
import { WitnessConfig, starterWitnessConfig } from './services/witness-config.js';
import { loadWitnessCosigner, startWitnessService } from './services/witness-service.js';

const DEFAULT_LOG_DIR = '.keyhole/log';

async function readText(path: string, what: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return fail('BAD_FORMAT', `cannot read ${what} from ${path}`);
  }
}

function readerFor(source: string): ObjectReader {
  return /^https?:\/\//.test(source) ? new HttpObjectReader(source) : new FileSystemStorage(source);
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];


function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail('BAD_FORMAT', `port "${text}" is not 0..65535`);
  return n;
}

export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('The audit log: a C2SP tlog-tiles transparency log');

  log
    .command('keygen')
    .description('Create a log signing key (PRIVATE+KEY+<origin>+...) in a new file; prints the verifier key')
    .requiredOption('--origin <name>', 'the log origin, e.g. lab.example/keyhole/audit/v1')
    .requiredOption('--out <file>', 'where to write the private key (mode 0600)')
    .action(async (o: { origin: string; out: string }) => {
      const { seed } = await p.ed25519Generate();
      const key = await ed25519NoteSigner(p, o.origin, seed);
      await mkdir(dirname(o.out), { recursive: true });
      await writeFile(o.out, `${formatSignerKey(key.name, key.keyId, seed)}\n`, { mode: 0o600, flag: 'wx' });
      console.log(key.verifierKey);
    });

  log
    .command('vkey')
    .description("Print the log's verifier key")
    .requiredOption('--key <file>', 'the log private key file')
    .action(async (o: { key: string }) => {
      console.log((await parseSignerKey(p, await readText(o.key, 'the log key'))).verifierKey);
    });

  log
    .command('verify')
    .argument('<dir-or-url>', 'a log directory or the base URL of its read API')
    .description('Check the checkpoint signature, recompute the whole tree from the entry bundles, and check consistency with the last checkpoint seen')
    .requiredOption('--vkey <vkey>', "the log's verifier key")
    .option('--state <file>', 'where the last verified checkpoint is kept (default ~/.keyhole/log-verify/<origin hash>)')
    .action(async (source: string, o: { vkey: string; state?: string }) => {
      const verifier: NoteVerifier = await ed25519NoteVerifier(p, o.vkey);
      const statePath = o.state ?? join(homedir(), '.keyhole', 'log-verify', `${toHex(await p.sha256(utf8(verifier.name)))}.checkpoint`);
      const previous = await readFile(statePath, 'utf8').catch(() => undefined);
      const audit = await auditLog(p, readerFor(source), verifier, previous);
      await mkdir(dirname(statePath), { recursive: true });
      await writeFile(statePath, audit.note);
      const seen = previous === undefined ? 'no earlier checkpoint seen' : 'consistent with the checkpoint seen before';
      console.log(`ok: ${audit.checkpoint.origin} size ${audit.checkpoint.size}, ${audit.bundlesChecked} entry bundles and ${audit.tilesChecked} tiles match the signed root; ${seen}`);
    });

  log
    .command('proof')
    .argument('<index>', 'the entry index')
    .description('Print the offline proof bundle (c2sp.org/tlog-proof@v1 with the entry) for an entry, against the current checkpoint')
    .option('--dir <dir>', 'the log directory', DEFAULT_LOG_DIR)
    .action(async (indexText: string, o: { dir: string }) => {
      if (!/^(0|[1-9][0-9]*)$/.test(indexText)) fail('BAD_FORMAT', `index "${indexText}" is not a decimal number`);
      const storage = new FileSystemStorage(o.dir);
      const note = await storage.read(CHECKPOINT_PATH);
      if (!note) fail('TRUNCATED', `${o.dir} has no checkpoint`);
      process.stdout.write(await buildProofBundle(p, storage, Number(indexText), new TextDecoder().decode(note)));
    });

  const witness = program.command('witness').description('A C2SP tlog-witness');
  witness
    .command('init')
    .description('Set up a witness: a commented config and the cosigning key (0600, never overwritten); prints the cosignature verifier key the lab puts in its gatekeeper config')
    .requiredOption('--name <name>', 'the witness name, e.g. witness.example/w1')
    .option('--config <file>', 'the config file to write', 'witness.yaml')
    .action(async (o: { name: string; config: string }) => {
      const file = resolve(o.config);
      if (await fileExists(file)) fail('CONFLICT', `${file} exists; init never overwrites (edit it, or init into another directory)`);
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, starterWitnessConfig(o.name), { flag: 'wx', mode: 0o600 });
      const { config, baseDir } = loadConfig('witness', WitnessConfig, file);
      const keyFile = resolve(baseDir, config.key);
      if (!(await fileExists(keyFile))) await writeFile(keyFile, `${toHex(p.randomBytes(32))}\n`, { flag: 'wx', mode: 0o600 });
      const cosigner = await loadWitnessCosigner(config.name, keyFile);
      console.log(`witness ${config.name} set up in ${baseDir}:\n  config  ${file}\n  key     ${keyFile}\n  vkey    ${cosigner.verifierKey}\ngive the lab the vkey (its gatekeeper config: witnesses); add the lab's log origin and vkey under logs:, then \`keyhole witness serve --config ${o.config}\``);
    });

  witness
    .command('serve')
    .description('Serve POST /add-checkpoint, cosigning consistent checkpoints of the configured logs; /healthz, /readyz, and /metrics on a listener of its own')
    .option('--config <file>', 'the config file (from `keyhole witness init`)')
    .option('--set <key=value>', 'override a config key (repeatable)', collect)
    .option('--name <name>', 'without --config: the witness name, e.g. witness.example/w1')
    .option('--seed-file <file>', 'without --config: file holding the 32-byte Ed25519 seed as hex')
    .option('--log <vkey...>', 'without --config: verifier key(s) of the logs to witness; the key name is the origin')
    .option('--state <dir>', 'without --config: where the latest cosigned checkpoints are kept', '.keyhole/witness')
    .option('--host <host>', 'without --config: listen address', '127.0.0.1')
    .option('--port <port>', 'without --config: listen port', '7380')
    .action(async (o: { config?: string; set?: string[]; name?: string; seedFile?: string; log?: string[]; state: string; host: string; port: string }) => {
      let loaded: { config: WitnessConfig; baseDir: string };
      if (o.config !== undefined) loaded = loadConfig('witness', WitnessConfig, o.config, o.set ?? []);
      else {
        if (o.set !== undefined) fail('BAD_FORMAT', '--set overrides a config file: give --config witness.yaml too');
        if (o.name === undefined || o.seedFile === undefined || o.log === undefined) fail('BAD_FORMAT', 'give --config witness.yaml (from `keyhole witness init`), or all of --name, --seed-file and --log');
        const logs = await Promise.all(o.log.map(async (vkey) => ({ origin: (await ed25519NoteVerifier(p, vkey)).name, vkey })));
        const raw = { name: o.name, key: o.seedFile, state: o.state, logs, listen: { host: o.host, port: parsePort(o.port) }, metrics: { port: 0 } };
        loaded = { config: parseWith(WitnessConfig, raw, 'witness flags'), baseDir: process.cwd() };
      }
      const log = jsonLog('witness');
      const running = await startWitnessService(loaded.config, loaded.baseDir, log);
      console.log(JSON.stringify({ witness: running.url, metrics: running.metricsUrl, vkey: running.verifierKey }));
      onStopSignal(async () => {
        log.info('stopping: finishing in-flight requests');
        await running.close();
      });
    });
}
