/**
 * `keyhole gatekeeper serve --config FILE`: the lab's service as deployed
 * (DESIGN §8). Two listeners:
 *
 *   public  POST /v1/release, /v1/submit, /v1/monitor/suspend, GET /v1/lab,
 *           /log/ (tlog-tiles), /workstation/ (the annotator app, from the
 *           lab's origin), /healthz, /readyz
 *   admin   /admin/v1/... (operator-signed, src/gatekeeper/admin), /metrics,
 *           /healthz, /readyz — loopback by default
 *
 * The log needs a witness quorum unless the config says noWitness, which is
 * warned about at every start and shown by status. SIGINT/SIGTERM finish
 * in-flight requests, then close the log and the database.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Hono, type Context } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { cosignatureVerifier } from '../../core/cosignature.js';
import { fail } from '../../core/errors.js';
import { Sha256Hex, parseJsonText, parseWith } from '../../core/schema.js';
import { adminApp } from '../../gatekeeper/admin/admin-app.js';
import { openGatekeeperDatabase, type GatekeeperDatabase } from '../../gatekeeper/db/database.js';
import { openGatekeeper, type Gatekeeper } from '../../gatekeeper/gatekeeper.js';
import { gatekeeperApp } from '../../gatekeeper/http.js';
import { kmsRootKey } from '../../gatekeeper/keystore/kms-root-key.js';
import { createKeystoreFile, openKeystoreFile } from '../../gatekeeper/keystore/passphrase-keystore.js';
import { RotatingRootKey, rewrapStoredValues, rootOpensDatabase, type RewrapCounts } from '../../gatekeeper/keystore/root-rotation.js';
import type { RootKey } from '../../gatekeeper/keystore/root-key.js';
import { purgeExpiredNonces } from '../../gatekeeper/policy/nonce-unused.js';
import { lockLogDirectory } from '../../gatekeeper/writer-lock.js';
import { FileSystemStorage } from '../../log/fs-storage.js';
import { WitnessQuorum } from '../../log/witness-client.js';
import { nodePrimitives as p } from '../../platform/node-primitives.js';
import { serveWorkstation } from '../../workstation/serve.js';
import { listenOn, type Listening } from './listen.js';
import type { GatekeeperConfig } from './gatekeeper-config.js';
import { databaseIn, fileExists } from '../config/config-file.js';
import { errorFields, type JsonLog } from './json-log.js';
import { GatekeeperMetrics, serviceRegistry } from './metrics.js';

/** Where `npm run prepare` builds the workstation app in the installed package. */
export const PACKAGED_WORKSTATION = new URL('../../../dist/workstation-app', import.meta.url).pathname;

export interface RunningGatekeeper {
  readonly gk: Gatekeeper;
  readonly database: GatekeeperDatabase;
  readonly publicUrl: string;
  readonly adminUrl: string;
  readonly logVkey: string;
  readonly metrics: GatekeeperMetrics;
  close(): Promise<void>;
}

export interface GatekeeperServiceOptions {
  readonly config: GatekeeperConfig;
  readonly baseDir: string;
  readonly log: JsonLog;
  readonly env?: NodeJS.ProcessEnv;
}

const at = (baseDir: string, path: string): string => resolve(baseDir, path);

export async function openRootKey(config: GatekeeperConfig, baseDir: string, env: NodeJS.ProcessEnv): Promise<RootKey> {
  if (config.keystore.kmsKey !== undefined) return kmsRootKey({ keyId: config.keystore.kmsKey });
  const passphrase = env[config.keystore.passphraseEnv];
  if (!passphrase) fail('BAD_FORMAT', `set the keystore passphrase in $${config.keystore.passphraseEnv} (it is never read from the config or the command line)`);
  return openKeystoreFile(p, at(baseDir, config.keystore.file), passphrase);
}

export function openConfiguredDatabase(config: GatekeeperConfig, baseDir: string): Promise<GatekeeperDatabase> {
  return openGatekeeperDatabase(databaseIn(baseDir, config.database), config.databaseSchema === undefined ? {} : { pgSchema: config.databaseSchema });
}

const nextKeystore = (config: GatekeeperConfig, baseDir: string): string => `${at(baseDir, config.keystore.file)}.next`;

/**
 * Opens the root key, finishing a root rewrap a crash interrupted: the new
 * keystore is written beside the old one (`<file>.next`) before the database
 * is rewrapped, and renamed over it after. So if `.next` is there, either the
 * database was not rewrapped yet (the old key opens it: `.next` is dropped)
 * or it was (the new key opens it: `.next` replaces the old file).
 */
async function settleRootRewrap(config: GatekeeperConfig, baseDir: string, env: NodeJS.ProcessEnv, database: GatekeeperDatabase, log: JsonLog): Promise<RootKey> {
  const root = await openRootKey(config, baseDir, env);
  const next = nextKeystore(config, baseDir);
  if (config.keystore.kmsKey !== undefined || !(await fileExists(next))) return root;
  if (await rootOpensDatabase(database.db, root)) {
    await rm(next, { force: true });
    log.warn('root rewrap: an interrupted rewrap had not reached the database; its new keystore was removed');
    return root;
  }
  const newRoot = await openKeystoreFile(p, next, env[config.keystore.passphraseEnv]!);
  if (!(await rootOpensDatabase(database.db, newRoot))) fail('DECRYPT_FAILED', `neither ${at(baseDir, config.keystore.file)} nor ${next} opens the database's keys`);
  await renameDurably(next, at(baseDir, config.keystore.file));
  log.warn('root rewrap: finished a rewrap a crash interrupted; the new keystore replaced the old one');
  return newRoot;
}

/** Admin API `POST /admin/v1/root/rewrap`: a new root key in a new keystore file, every stored value rewrapped under it. */
async function rewrapRoot(config: GatekeeperConfig, baseDir: string, env: NodeJS.ProcessEnv, gk: Gatekeeper, root: RotatingRootKey): Promise<RewrapCounts> {
  if (config.keystore.kmsKey !== undefined) fail('UNSUPPORTED', 'the root key is in AWS KMS: rotate it there (KMS keeps old key versions for unwrapping)');
  const file = at(baseDir, config.keystore.file);
  const next = nextKeystore(config, baseDir);
  await rm(next, { force: true });
  const old = root.active;
  const fresh = await createKeystoreFile(p, next, env[config.keystore.passphraseEnv]!);
  root.begin(fresh);
  let counts: RewrapCounts;
  try {
    counts = await rewrapStoredValues(gk.db, root, fresh);
  } catch (err) {
    root.rollback();
    await rm(next, { force: true });
    throw err;
  }
  await renameDurably(next, file);
  root.finish();
  if (!(await rootOpensDatabase(gk.db, fresh)) || (await rootOpensDatabase(gk.db, old))) fail('MISMATCH', 'root rewrap: the database does not open with the new root key alone');
  await gk.audit.append({ kind: 'policy', decision: 'none', reason: `ROOT_REWRAPPED secrets=${counts.secrets} keks=${counts.keks}` }, gk.now());
  return counts;
}


async function renameDurably(from: string, to: string): Promise<void> {
  await rename(from, to);
  const dir = await open(dirname(to), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

async function bundleHash(bundleDir: string): Promise<string> {
  const path = join(bundleDir, 'bundle.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return fail('NOT_FOUND', `the workstation app is not built in ${bundleDir} (no bundle.json); run \`npm run prepare\`, or set workstation.bundle`);
  }
  return parseWith(z.object({ sha256: Sha256Hex }).passthrough(), parseJsonText(text, path), path).sha256;
}

export async function startGatekeeperService(o: GatekeeperServiceOptions): Promise<RunningGatekeeper> {
  const { config, baseDir, log } = o;
  const env = o.env ?? process.env;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => log.error('close failed', errorFields(err)));
    closers.length = 0;
  };
  try {
    const witnesses = await Promise.all(config.witnesses.map(async (w) => ({ url: w.url, verifier: await cosignatureVerifier(p, w.vkey) })));
    if (witnesses.length === 0 && !config.noWitness) {
      fail('BAD_FORMAT', 'no witnesses configured: every checkpoint needs a witness quorum (DESIGN §1). Add witnesses to the config, or set noWitness: true (or --no-witness) to run unwitnessed, which is warned about at every start');
    }
    if (witnesses.length === 0) log.warn('running WITHOUT witnesses: nothing stops this gatekeeper from rewriting its log unseen; `status` says so too');
    const quorum = config.quorum ?? witnesses.length;
    const bundleDir = at(baseDir, config.workstation.bundle ?? PACKAGED_WORKSTATION);
    const workstationHash = await bundleHash(bundleDir);

    const logDir = at(baseDir, config.log.dir);
    const lock = await lockLogDirectory(logDir);
    closers.push(() => lock.release());
    const database = await openConfiguredDatabase(config, baseDir);
    closers.push(() => database.close());
    const root = new RotatingRootKey(await settleRootRewrap(config, baseDir, env, database, log));
    const storage = new FileSystemStorage(logDir);
    const metrics = new GatekeeperMetrics(serviceRegistry('gatekeeper'));
    const gk = await openGatekeeper({
      primitives: p,
      lab: config.lab,
      database,
      root,
      logStorage: storage,
      logOrigin: config.log.origin,
      ...(witnesses.length > 0 ? { witnessing: new WitnessQuorum({ witnesses, quorum }) } : {}),
      alert: (a) => {
        metrics.alerts.inc({ code: a.code });
        log.warn('alert', { code: a.code, message: a.message, ...(a.campaign === undefined ? {} : { campaign: a.campaign }) });
      },
      onLogBatch: (entries, ms, ok) => metrics.logBatch(entries, ms, ok),
    });
    closers.push(() => gk.close());

    const publicServer = await listenOn(() => new Response(null, { status: 503 }), config.listen.port, config.listen.host);
    closers.push(() => publicServer.close());
    const publicUrl = config.listen.publicUrl ?? publicServer.url;
    const facts = { gatekeeperUrl: publicUrl, logVkey: gk.logKey.verifierKey, witnesses: config.witnesses.map((w) => w.vkey), quorum: witnesses.length === 0 ? 0 : quorum, workstation: workstationHash };

    const ready = async (): Promise<Response> => {
      try {
        await sql`select 1`.execute(gk.db);
        return Response.json({ ready: true });
      } catch (err) {
        log.error('not ready', errorFields(err));
        return Response.json({ ready: false }, { status: 503 });
      }
    };
    const healthz = (): Response => Response.json({ ok: true });

    const workstations = new Map<string, Hono>();
    const workstationFor = async (): Promise<Hono | undefined> => {
      let hub = config.workstation.hub;
      if (hub === undefined) {
        const hubs = (await gk.db.selectFrom('vendors').select('hub_url').where('hub_url', 'is not', null).execute()).map((v) => v.hub_url!);
        if (hubs.length !== 1) return undefined;
        hub = hubs[0]!;
      }
      let app = workstations.get(hub);
      if (app === undefined) {
        app = new Hono().route('/workstation', serveWorkstation({ bundleDir, hub, gatekeeper: publicUrl }));
        workstations.set(hub, app);
      }
      return app;
    };

    const internal = (err: unknown): void => log.error('internal error', errorFields(err));
    const publicApp = new Hono();
    publicApp.get('/healthz', healthz);
    publicApp.get('/readyz', ready);
    const workstation = async (c: Context): Promise<Response> => {
      const app = await workstationFor();
      if (app === undefined) return c.json({ error: { code: 'UNAVAILABLE', message: 'the workstation app needs one vendor hub: add a vendor with a hub URL, or set workstation.hub' } }, 503);
      return app.fetch(c.req.raw);
    };
    publicApp.all('/workstation', workstation);
    publicApp.all('/workstation/*', workstation);
    const gkApp = gatekeeperApp(gk, storage, internal);
    publicApp.all('*', (c) => gkApp.fetch(c.req.raw));
    publicServer.mount(publicApp.fetch);

    const admin = adminApp(gk, {
      facts,
      witnessed: witnesses.length > 0,
      onRefused: (reason) => metrics.adminRefused.inc({ reason }),
      onChange: (operator, method, path) => {
        metrics.adminChanges.inc();
        log.info('admin change', { operator, method, path });
      },
      onInternalError: internal,
      rewrapRoot: () => rewrapRoot(config, baseDir, env, gk, root),
    });
    const adminRoot = new Hono();
    adminRoot.get('/healthz', healthz);
    adminRoot.get('/readyz', ready);
    adminRoot.get('/metrics', async (c) => c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
    adminRoot.all('*', (c) => admin.fetch(c.req.raw));
    const adminServer: Listening = await listenOn(adminRoot.fetch, config.admin.port, config.admin.host);
    closers.push(() => adminServer.close());

    const purge = setInterval(() => void purgeExpiredNonces(gk.db, Math.floor(Date.now() / 1000)).catch((err: unknown) => log.error('nonce purge failed', errorFields(err))), 60_000);
    closers.push(async () => clearInterval(purge));
    log.info('gatekeeper serving', { lab: gk.lab, public: publicUrl, admin: adminServer.url, log: gk.logKey.verifierKey, witnesses: witnesses.length, quorum: facts.quorum });
    return { gk, database, publicUrl, adminUrl: adminServer.url, logVkey: gk.logKey.verifierKey, metrics, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
