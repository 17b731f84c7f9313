/**
 * `keyhole log ...` and `keyhole witness ...`: wiring only; the work is in src/log and src/core.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { fromHex, toHex, utf8 } from '../core/bytes.js';
import { ed25519Cosigner } from '../core/cosignature.js';
import { fail } from '../core/errors.js';
import { ed25519NoteSigner, ed25519NoteVerifier, formatSignerKey, parseSignerKey, type NoteVerifier } from '../core/note.js';
import { nodePrimitives as p } from '../platform/node-primitives.js';
import { FileSystemStorage } from '../log/fs-storage.js';
import { buildProofBundle } from '../log/proofs.js';
import { HttpObjectReader, type ObjectReader } from '../log/tile-reader.js';
import { auditLog } from '../log/verify-log.js';
import { witnessApp } from '../log/witness-server.js';
import { CHECKPOINT_PATH } from '../log/writer.js';

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
    .command('serve')
    .description('Serve POST /add-checkpoint, cosigning consistent checkpoints of the given logs')
    .requiredOption('--name <name>', 'the witness name, e.g. witness.example/w1')
    .requiredOption('--seed-file <file>', 'file holding the 32-byte Ed25519 seed as hex')
    .requiredOption('--log <vkey...>', 'verifier key(s) of the logs to witness; the key name is the origin')
    .option('--state <dir>', 'where the latest cosigned checkpoints are kept', '.keyhole/witness')
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--port <port>', 'listen port', '7380')
    .action(async (o: { name: string; seedFile: string; log: string[]; state: string; host: string; port: string }) => {
      const cosigner = await ed25519Cosigner(p, o.name, fromHex(await readText(o.seedFile, 'the witness seed'), 'witness seed'));
      const logs = new Map<string, NoteVerifier>();
      for (const vkey of o.log) {
        const v = await ed25519NoteVerifier(p, vkey);
        logs.set(v.name, v);
      }
      const app = witnessApp({ primitives: p, cosigner, logs, state: new FileSystemStorage(o.state) });
      const port = parsePort(o.port);
      serve({ fetch: app.fetch, hostname: o.host, port }, (info) => {
        console.error(`witness ${cosigner.verifierKey} listening on http://${o.host}:${info.port}/ for ${[...logs.keys()].join(', ')}`);
      });
    });
}
