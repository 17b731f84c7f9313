/**
 * `keyhole hub ...`: the vendor's service and its operator's administration.
 * Wiring only; the logic lives in src/hub/ and src/cli/services/hub-service.ts.
 * The administration commands open the same database as the running hub
 * (`--config hub.yaml`, or `--db`): SQLite in WAL mode with a busy timeout,
 * or PostgreSQL, so an operator adds or suspends annotators while it serves.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { toBase64Url } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { parseWith } from '../core/schema.js';
import { nodePrimitives } from '../platform/node-primitives.js';
import { addAnnotator, addToRoster, revokeAllSessions, setSuspended } from '../hub/accounts.js';
import { systemClock, type AdminContext } from '../hub/hub-context.js';
import { createHubKeyFile, loadHubIdentity } from '../hub/hub-key.js';
import { registerLab } from '../hub/tenancy.js';
import { openHubDatabase, type HubDatabase } from '../storage/open-database.js';
import { fileExists, loadConfig } from './config/config-file.js';
import { HubConfig, starterHubConfig } from './services/hub-config.js';
import { openConfiguredHubDatabase, startHubService } from './services/hub-service.js';
import { jsonLog } from './services/json-log.js';
import { onStopSignal } from './services/stop-signal.js';

interface DatabaseFlags {
  db?: string;
  config: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `--db` when given, else the database of the hub's config file (with its KEYHOLE_HUB_DATABASE override). */
interface ServeFlags {
  config?: string;
  set?: string[];
  db?: string;
  blobs?: string;
  key?: string;
  port: string;
  host: string;
  workstationOrigin?: string;
  s3Endpoint?: string;
}


/** `hub serve --db --blobs --key …` without a config file, as before config files: the same service, metrics on any free loopback port. */
async function configFromFlags(flags: ServeFlags): Promise<{ config: HubConfig; baseDir: string }> {
  if (flags.set !== undefined) fail('BAD_FORMAT', '--set overrides a config file: give --config hub.yaml too');
  if (flags.db === undefined || flags.blobs === undefined || flags.key === undefined) fail('BAD_FORMAT', 'give --config hub.yaml (from `keyhole hub init`), or all of --db, --blobs and --key');
  const identity = await loadHubIdentity(nodePrimitives, flags.key);
  const raw = {
    id: identity.id,
    key: flags.key,
    database: flags.db,
    blobs: { location: flags.blobs, ...(flags.s3Endpoint === undefined ? {} : { s3Endpoint: flags.s3Endpoint }) },
    listen: { host: flags.host, port: Number(flags.port) },
    metrics: { port: 0 },
    ...(flags.workstationOrigin === undefined ? {} : { workstationOrigin: flags.workstationOrigin }),
  };
  return { config: parseWith(HubConfig, raw, 'hub flags'), baseDir: process.cwd() };
}

function openAdminDatabase(flags: DatabaseFlags): Promise<HubDatabase> {
  if (flags.db !== undefined) return openHubDatabase(flags.db);
  const { config, baseDir } = loadConfig('hub', HubConfig, flags.config);
  return openConfiguredHubDatabase(config, baseDir);
}

async function withAdmin<T>(flags: DatabaseFlags, work: (ctx: AdminContext) => Promise<T>): Promise<T> {
  const store = await openAdminDatabase(flags);
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

const DB_HELP = 'sqlite:PATH or postgres://user@host/database (instead of the config file\'s)';
const CONFIG_HELP = "the hub's config file, for its database";

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
    .command('init')
    .description("Set up a hub: a commented config, the assignment-signing key (0600, never overwritten) and the database; prints the hub's public key for the lab's `keyhole vendor add`")
    .requiredOption('--id <hub>', 'the hub id named in its assignments (the vendor id the lab uses)')
    .option('--config <file>', 'the config file to write', 'hub.yaml')
    .action(async (o: { id: string; config: string }) => {
      const file = resolve(o.config);
      if (await fileExists(file)) fail('CONFLICT', `${file} exists; init never overwrites (edit it, or init into another directory)`);
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, starterHubConfig(o.id), { flag: 'wx', mode: 0o600 });
      const { config, baseDir } = loadConfig('hub', HubConfig, file);
      const keyFile = resolve(baseDir, config.key);
      if (!(await fileExists(keyFile))) await createHubKeyFile(keyFile, config.id);
      const identity = await loadHubIdentity(nodePrimitives, keyFile);
      if (identity.id !== config.id) fail('CONFLICT', `${keyFile} already holds the key of hub "${identity.id}", not ${config.id}; init into another directory`);
      const store = await openConfiguredHubDatabase(config, baseDir);
      await store.close();
      console.log(`hub ${identity.id} set up in ${baseDir}:\n  config      ${file}\n  key         ${keyFile}\n  public key  ${toBase64Url(identity.signer.publicKey)}\ngive the lab the public key (keyhole vendor add ${identity.id} --hub-url URL --hub-key ${toBase64Url(identity.signer.publicKey)} --budget N); set workstationOrigin to the lab's gatekeeper URL, then \`keyhole hub serve --config ${o.config}\``);
    });

  hub
    .command('serve')
    .description('Runs the hub HTTP API (OpenAPI at /openapi.json), /healthz, /readyz, and /metrics on a listener of its own')
    .option('--config <file>', 'the config file (from `keyhole hub init`)')
    .option('--set <key=value>', 'override a config key (repeatable)', collect)
    .option('--db <location>', 'without --config: sqlite:PATH or postgres://user@host/database')
    .option('--blobs <location>', 'without --config: a directory, or s3://bucket/prefix')
    .option('--key <file>', 'without --config: the hub key file from `keyhole hub keygen`')
    .option('--port <port>', 'without --config: TCP port', '8787')
    .option('--host <host>', 'without --config: address to listen on', '127.0.0.1')
    .option('--workstation-origin <origin>', 'without --config: the only origin granted CORS, e.g. https://gatekeeper.lab.example')
    .option('--s3-endpoint <url>', 'without --config: an S3-compatible endpoint for s3:// blobs (AWS when absent)')
    .action(async (flags: ServeFlags) => {
      const log = jsonLog('hub');
      if (flags.config !== undefined && (flags.db ?? flags.blobs ?? flags.key) !== undefined) fail('BAD_FORMAT', 'with --config, set the database, blobs and key in the file (or --set database=…), not with --db, --blobs, --key');
      const { config, baseDir } = flags.config !== undefined ? loadConfig('hub', HubConfig, flags.config, flags.set ?? []) : await configFromFlags(flags);
      const running = await startHubService(config, baseDir, log);
      if (flags.config !== undefined) console.log(JSON.stringify({ hub: running.url, metrics: running.metricsUrl, id: running.hub }));
      else console.log(`keyhole hub ${running.hub} listening on ${running.url} (metrics: ${running.metricsUrl})`);
      onStopSignal(async () => {
        log.info('stopping: finishing in-flight requests');
        await running.close();
      });
    });

  hub
    .command('lab-add')
    .description("Registers a lab (tenant) with its Ed25519 public key, obtained from the lab out of band")
    .option('--config <file>', CONFIG_HELP, 'hub.yaml')
    .option('--db <location>', DB_HELP)
    .requiredOption('--lab <id>', 'lab id')
    .requiredOption('--signing-key <base64url>', "the lab's Ed25519 public key")
    .action(async (flags: { db?: string; config: string; lab: string; signingKey: string }) => {
      await withAdmin(flags, (ctx) => registerLab(ctx, { lab: flags.lab, signingKey: flags.signingKey }));
      console.log(`lab ${flags.lab} registered`);
    });

  hub
    .command('annotator-add')
    .description('Creates an annotator account (password from KEYHOLE_ANNOTATOR_PASSWORD or stdin) and staffs it on labs')
    .option('--config <file>', CONFIG_HELP, 'hub.yaml')
    .option('--db <location>', DB_HELP)
    .requiredOption('--id <id>', 'annotator id (what labs see)')
    .requiredOption('--username <name>', 'login name')
    .option('--reviewer', 'may take review leases', false)
    .option('--lab <id...>', 'labs to staff the annotator on', [])
    .action(async (flags: { db?: string; config: string; id: string; username: string; reviewer: boolean; lab: string[] }) => {
      const password = await readPassword();
      await withAdmin(flags, async (ctx) => {
        await addAnnotator(ctx, { id: flags.id, username: flags.username, password, reviewer: flags.reviewer });
        for (const lab of flags.lab) await addToRoster(ctx, lab, flags.id);
      });
      console.log(`annotator ${flags.id} created${flags.lab.length > 0 ? ` and staffed on ${flags.lab.join(', ')}` : ''}`);
    });

  hub
    .command('roster-add')
    .description("Staffs an annotator on a lab's campaigns")
    .option('--config <file>', CONFIG_HELP, 'hub.yaml')
    .option('--db <location>', DB_HELP)
    .requiredOption('--lab <id>', 'lab id')
    .requiredOption('--annotator <id>', 'annotator id')
    .action(async (flags: { db?: string; config: string; lab: string; annotator: string }) => {
      await withAdmin(flags, (ctx) => addToRoster(ctx, flags.lab, flags.annotator));
      console.log(`annotator ${flags.annotator} staffed on ${flags.lab}`);
    });

  hub
    .command('annotator-suspend')
    .description('Suspends an annotator (every session refused) and revokes their sessions; --lift ends the suspension')
    .option('--config <file>', CONFIG_HELP, 'hub.yaml')
    .option('--db <location>', DB_HELP)
    .requiredOption('--id <id>', 'annotator id')
    .option('--lift', 'lift the suspension instead', false)
    .action(async (flags: { db?: string; config: string; id: string; lift: boolean }) => {
      await withAdmin(flags, async (ctx) => {
        await setSuspended(ctx, flags.id, !flags.lift);
        if (!flags.lift) await revokeAllSessions(ctx, flags.id);
      });
      console.log(`annotator ${flags.id} ${flags.lift ? 'reinstated' : 'suspended; sessions revoked'}`);
    });
}
