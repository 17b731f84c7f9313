/**
 * `keyhole gatekeeper ...`, `keyhole shred`, `keyhole suspend`, `keyhole reinstate`:
 * wiring only; the work is in src/gatekeeper.
 */
import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { cosignatureVerifier } from '../core/cosignature.js';
import { fail } from '../core/errors.js';
import { openGatekeeperDatabase } from '../gatekeeper/db/database.js';
import { approveDevice, importDevice, refuseDevice } from '../gatekeeper/enrollment.js';
import { openGatekeeper, type Gatekeeper } from '../gatekeeper/gatekeeper.js';
import { gatekeeperApp } from '../gatekeeper/http.js';
import { kmsRootKey } from '../gatekeeper/keystore/kms-root-key.js';
import { createKeystoreFile, openKeystoreFile } from '../gatekeeper/keystore/passphrase-keystore.js';
import type { RootKey } from '../gatekeeper/keystore/root-key.js';
import { purgeExpiredNonces } from '../gatekeeper/policy/nonce-unused.js';
import { setVendor } from '../gatekeeper/registry.js';
import { shredBatch } from '../gatekeeper/shred.js';
import { formatStatus, gatekeeperStatus } from '../gatekeeper/status.js';
import { reinstate, suspend, type SuspensionTarget } from '../gatekeeper/suspension.js';
import { lockLogDirectory } from '../gatekeeper/writer-lock.js';
import { FileSystemStorage } from '../log/fs-storage.js';
import { WitnessQuorum } from '../log/witness-client.js';
import { nodePrimitives as p } from '../platform/node-primitives.js';

interface GatekeeperFlags {
  lab: string;
  db: string;
  keystore?: string;
  kmsKey?: string;
  passphraseEnv: string;
  logDir: string;
  origin: string;
  witness?: string[];
  quorum?: string;
}

function withGatekeeperOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--lab <id>', 'the lab this gatekeeper serves')
    .option('--db <location>', 'sqlite:PATH or postgres://...', 'sqlite:.keyhole/gatekeeper.db')
    .option('--keystore <file>', 'passphrase-sealed root key file', '.keyhole/gatekeeper.keystore')
    .option('--kms-key <id>', 'use this AWS KMS key as the root key instead of the keystore file')
    .option('--passphrase-env <name>', 'environment variable holding the keystore passphrase', 'KEYHOLE_KEYSTORE_PASSPHRASE')
    .option('--log-dir <dir>', 'the audit log directory', '.keyhole/gatekeeper-log')
    .option('--origin <name>', 'the audit log origin', 'keyhole.local/audit')
    .option('--witness <url=vkey...>', 'witness endpoint and cosignature vkey, repeatable')
    .option('--quorum <n>', 'cosignatures each checkpoint needs (default: all witnesses)');
}

function passphrase(envName: string): string {
  const value = process.env[envName];
  if (!value) fail('BAD_FORMAT', `set the keystore passphrase in $${envName} (it is never read from the command line)`);
  return value;
}

async function rootKey(o: GatekeeperFlags): Promise<RootKey> {
  if (o.kmsKey) return kmsRootKey({ keyId: o.kmsKey });
  return openKeystoreFile(p, o.keystore!, passphrase(o.passphraseEnv));
}

async function open(o: GatekeeperFlags): Promise<{ gk: Gatekeeper; storage: FileSystemStorage; close(): Promise<void> }> {
  const lock = await lockLogDirectory(o.logDir);
  try {
    const root = await rootKey(o);
    const database = await openGatekeeperDatabase(o.db);
    const storage = new FileSystemStorage(o.logDir);
    const witnesses = await Promise.all(
      (o.witness ?? []).map(async (w) => {
        const at = w.indexOf('=');
        if (at < 0) fail('BAD_FORMAT', `--witness ${w}: expected URL=VKEY`);
        return { url: w.slice(0, at), verifier: await cosignatureVerifier(p, w.slice(at + 1)) };
      }),
    );
    const quorum = o.quorum === undefined ? witnesses.length : Number(o.quorum);
    const witnessing = witnesses.length > 0 ? new WitnessQuorum({ witnesses, quorum }) : undefined;
    const gk = await openGatekeeper({ primitives: p, lab: o.lab, database, root, logStorage: storage, logOrigin: o.origin, ...(witnessing ? { witnessing } : {}) });
    return {
      gk,
      storage,
      async close() {
        await gk.close();
        await database.close();
        await lock.release();
      },
    };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

async function withGatekeeper<T>(o: GatekeeperFlags, fn: (gk: Gatekeeper) => Promise<T>): Promise<T> {
  const g = await open(o);
  try {
    return await fn(g.gk);
  } finally {
    await g.close();
  }
}

function target(kind: string, args: string[]): SuspensionTarget {
  if (kind === 'vendor' && args.length === 1) return { kind, vendor: args[0]! };
  if (kind === 'annotator' && args.length === 2) return { kind, vendor: args[0]!, annotator: args[1]! };
  if (kind === 'device' && args.length === 1) return { kind, device: args[0]! };
  return fail('BAD_FORMAT', 'expected: vendor VENDOR | annotator VENDOR ANNOTATOR | device DEVICE_ID');
}

export function registerGatekeeperCommands(program: Command): void {
  const gatekeeper = program.command('gatekeeper').description("The lab's key-release service: no log, no key");

  gatekeeper
    .command('init')
    .description('Create the passphrase-sealed root keystore (scrypt N=2^17, AES-256-GCM); the passphrase comes from the environment')
    .option('--keystore <file>', 'where to write it (mode 0600, never overwritten)', '.keyhole/gatekeeper.keystore')
    .option('--passphrase-env <name>', 'environment variable holding the passphrase', 'KEYHOLE_KEYSTORE_PASSPHRASE')
    .action(async (o: { keystore: string; passphraseEnv: string }) => {
      await createKeystoreFile(p, o.keystore, passphrase(o.passphraseEnv));
      console.log(`created ${o.keystore}; keep the passphrase apart from it`);
    });

  withGatekeeperOptions(gatekeeper.command('serve').description('Serve key release, submit receipts, monitor suspension and the log read API'))
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--port <port>', 'listen port', '7390')
    .action(async (o: GatekeeperFlags & { host: string; port: string }) => {
      const g = await open(o);
      const app = gatekeeperApp(g.gk, g.storage, (err) => console.error(`gatekeeper internal error: ${err instanceof Error ? err.message : String(err)}`));
      const purge = setInterval(() => void purgeExpiredNonces(g.gk.db, Math.floor(Date.now() / 1000)).catch(() => undefined), 60_000);
      const server = serve({ fetch: app.fetch, hostname: o.host, port: Number(o.port) }, (info) => {
        console.error(`gatekeeper for ${g.gk.lab} on http://${o.host}:${info.port}/; log ${g.gk.logKey.verifierKey}`);
      });
      const stop = (): void => {
        clearInterval(purge);
        server.close(() => void g.close().then(() => process.exit(0)));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  withGatekeeperOptions(gatekeeper.command('status').description('Exposure figures at a glance: open items against budgets, per vendor and campaign'))
    .option('--json', 'print JSON')
    .action(async (o: GatekeeperFlags & { json?: boolean }) => {
      await withGatekeeper(o, async (gk) => {
        const s = await gatekeeperStatus(gk);
        console.log(o.json ? JSON.stringify(s) : formatStatus(s));
      });
    });

  withGatekeeperOptions(gatekeeper.command('vendor').description("Add a vendor (or change its hub key and budget)"))
    .requiredOption('--vendor <id>', 'the hub id that signs assignments')
    .requiredOption('--hub-key <b64u>', "the hub's Ed25519 public key")
    .requiredOption('--budget <n>', 'exposure budget: open items at most')
    .action(async (o: GatekeeperFlags & { vendor: string; hubKey: string; budget: string }) => {
      await withGatekeeper(o, (gk) => setVendor(gk, { vendor: o.vendor, hubKey: o.hubKey, exposureBudget: Number(o.budget) }));
    });

  withGatekeeperOptions(gatekeeper.command('device').description('Import a device (keys from the hub) and approve or refuse it'))
    .argument('<action>', 'import | approve | refuse')
    .option('--vendor <id>')
    .option('--annotator <id>')
    .option('--signing <b64u>', 'device Ed25519 public key')
    .option('--kex <b64u>', 'device X25519 public key')
    .option('--id <device>', 'device id (approve, refuse)')
    .action(async (action: string, o: GatekeeperFlags & { vendor?: string; annotator?: string; signing?: string; kex?: string; id?: string }) => {
      await withGatekeeper(o, async (gk) => {
        if (action === 'import') console.log(await importDevice(gk, { vendor: o.vendor ?? '', annotator: o.annotator ?? '', signing: o.signing ?? '', kex: o.kex ?? '' }));
        else if (action === 'approve') console.log(`approved; log index ${(await approveDevice(gk, o.id ?? '')).index}`);
        else if (action === 'refuse') console.log(`refused; log index ${(await refuseDevice(gk, o.id ?? '')).index}`);
        else fail('BAD_FORMAT', `unknown action ${action}: import | approve | refuse`);
      });
    });

  withGatekeeperOptions(program.command('shred').description("Destroy a batch's KEKs; logs a lab-signed deletion receipt, prints it"))
    .argument('<batch>')
    .action(async (batch: string, o: GatekeeperFlags) => {
      await withGatekeeper(o, async (gk) => {
        const r = await shredBatch(gk, batch);
        console.log(JSON.stringify({ receipt: r.receipt, logIndex: r.logIndex, shreddedNow: r.shreddedNow }));
      });
    });

  for (const [name, fn] of [['suspend', suspend], ['reinstate', reinstate]] as const) {
    withGatekeeperOptions(program.command(name).description(`${name === 'suspend' ? 'Suspend' : 'Reinstate'} a vendor, an annotator or a device (logged)`))
      .argument('<kind>', 'vendor | annotator | device')
      .argument('<ids...>', 'VENDOR | VENDOR ANNOTATOR | DEVICE_ID')
      .action(async (kind: string, ids: string[], o: GatekeeperFlags) => {
        await withGatekeeper(o, async (gk) => console.log(`${name}: log index ${(await fn(gk, target(kind, ids))).index}`));
      });
  }
}
