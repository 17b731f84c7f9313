/** `keyhole hub ...`: the vendor's service and its operator's administration. Wiring only; the logic lives in src/hub/. */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { nodePrimitives } from '../platform/node-primitives.js';
import { addAnnotator, addToRoster, revokeAllSessions, setSuspended } from '../hub/accounts.js';
import { systemClock, type AdminContext } from '../hub/hub-context.js';
import { createHubKeyFile, loadHubIdentity } from '../hub/hub-key.js';
import { startHub } from '../hub/hub-server.js';
import { registerLab } from '../hub/tenancy.js';
import { openHubDatabase } from '../storage/open-database.js';

async function withAdmin<T>(db: string, work: (ctx: AdminContext) => Promise<T>): Promise<T> {
  const store = await openHubDatabase(db);
  try {
    return await work({ store, p: nodePrimitives, clock: systemClock });
  } finally {
    await store.close();
  }
}

/** The new annotator's password: from KEYHOLE_ANNOTATOR_PASSWORD or the first line of stdin, never from argv (visible in ps). */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.KEYHOLE_ANNOTATOR_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new Error('no password: set KEYHOLE_ANNOTATOR_PASSWORD or pipe it on stdin');
}

const DB_HELP = 'sqlite:PATH or postgres://user@host/database';

export function registerHubCommands(program: Command): void {
  const hub = program.command('hub').description("The vendor's hub: stores sealed items and labels, leases work, manages annotator accounts. Holds no key that decrypts anything.");

  hub
    .command('keygen')
    .description("Creates the hub's Ed25519 assignment-signing key file (mode 600; never overwritten)")
    .requiredOption('--key <file>', 'where to write the key file')
    .requiredOption('--id <hub>', 'the hub id named in its assignments')
    .action(async (flags: { key: string; id: string }) => {
      await createHubKeyFile(flags.key, flags.id);
      const identity = await loadHubIdentity(nodePrimitives, flags.key);
      console.log(`hub ${identity.id}: key written to ${flags.key}; public key ${Buffer.from(identity.signer.publicKey).toString('base64url')}`);
    });

  hub
    .command('serve')
    .description('Runs the hub HTTP API (OpenAPI at /openapi.json)')
    .requiredOption('--db <location>', DB_HELP)
    .requiredOption('--blobs <location>', 'a directory, or s3://bucket/prefix')
    .requiredOption('--key <file>', 'the hub key file from `keyhole hub keygen`')
    .option('--port <port>', 'TCP port', '8787')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--workstation-origin <origin>', 'the only origin granted CORS, e.g. https://gatekeeper.lab.example')
    .option('--s3-endpoint <url>', 'an S3-compatible endpoint for s3:// blobs (AWS when absent)')
    .action(async (flags: { db: string; blobs: string; key: string; port: string; host: string; workstationOrigin?: string; s3Endpoint?: string }) => {
      const identity = await loadHubIdentity(nodePrimitives, flags.key);
      const running = await startHub({
        db: flags.db,
        blobs: flags.blobs,
        identity,
        port: Number(flags.port),
        host: flags.host,
        ...(flags.workstationOrigin === undefined ? {} : { workstationOrigin: flags.workstationOrigin }),
        ...(flags.s3Endpoint === undefined ? {} : { s3Endpoint: flags.s3Endpoint }),
        onInternalError: (err, where) => console.error(`keyhole hub: internal error in ${where}:`, err),
      });
      console.log(`keyhole hub ${identity.id} listening on ${running.url} (blobs: ${running.ctx.blobs.location})`);
      const stop = () => void running.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  hub
    .command('lab-add')
    .description("Registers a lab (tenant) with its Ed25519 public key, obtained from the lab out of band")
    .requiredOption('--db <location>', DB_HELP)
    .requiredOption('--lab <id>', 'lab id')
    .requiredOption('--signing-key <base64url>', "the lab's Ed25519 public key")
    .action(async (flags: { db: string; lab: string; signingKey: string }) => {
      await withAdmin(flags.db, (ctx) => registerLab(ctx, { lab: flags.lab, signingKey: flags.signingKey }));
      console.log(`lab ${flags.lab} registered`);
    });

  hub
    .command('annotator-add')
    .description('Creates an annotator account (password from KEYHOLE_ANNOTATOR_PASSWORD or stdin) and staffs it on labs')
    .requiredOption('--db <location>', DB_HELP)
    .requiredOption('--id <id>', 'annotator id (what labs see)')
    .requiredOption('--username <name>', 'login name')
    .option('--reviewer', 'may take review leases', false)
    .option('--lab <id...>', 'labs to staff the annotator on', [])
    .action(async (flags: { db: string; id: string; username: string; reviewer: boolean; lab: string[] }) => {
      const password = await readPassword();
      await withAdmin(flags.db, async (ctx) => {
        await addAnnotator(ctx, { id: flags.id, username: flags.username, password, reviewer: flags.reviewer });
        for (const lab of flags.lab) await addToRoster(ctx, lab, flags.id);
      });
      console.log(`annotator ${flags.id} created${flags.lab.length > 0 ? ` and staffed on ${flags.lab.join(', ')}` : ''}`);
    });

  hub
    .command('roster-add')
    .description("Staffs an annotator on a lab's campaigns")
    .requiredOption('--db <location>', DB_HELP)
    .requiredOption('--lab <id>', 'lab id')
    .requiredOption('--annotator <id>', 'annotator id')
    .action(async (flags: { db: string; lab: string; annotator: string }) => {
      await withAdmin(flags.db, (ctx) => addToRoster(ctx, flags.lab, flags.annotator));
      console.log(`annotator ${flags.annotator} staffed on ${flags.lab}`);
    });

  hub
    .command('annotator-suspend')
    .description('Suspends an annotator (every session refused) and revokes their sessions; --lift ends the suspension')
    .requiredOption('--db <location>', DB_HELP)
    .requiredOption('--id <id>', 'annotator id')
    .option('--lift', 'lift the suspension instead', false)
    .action(async (flags: { db: string; id: string; lift: boolean }) => {
      await withAdmin(flags.db, async (ctx) => {
        await setSuspended(ctx, flags.id, !flags.lift);
        if (!flags.lift) await revokeAllSessions(ctx, flags.id);
      });
      console.log(`annotator ${flags.id} ${flags.lift ? 'reinstated' : 'suspended; sessions revoked'}`);
    });
}
