/**
 * The whole exchange in one process, on loopback (DESIGN §8, issue 9): a hub
 * (the vendor), a gatekeeper serving the workstation app and its audit log,
 * a witness, a monitor following the log, and a lab that has ingested a
 * dataset into one campaign. `keyhole demo`, the end-to-end tests, the
 * exchange bench and `keyhole drill` all start it through `startExchange`.
 *
 *   const ex = await startExchange({ dataDir, dataset, format: 'auto', bundleDir });
 *   ex.urls.workstation            // open in a browser, sign in with ex.logins[0]
 *   const bot = await ex.addAnnotator('bot-1');   // a hub account on the lab's roster
 *   await ex.approvePending();     // the lab approves devices registered since (demo: automatic)
 *   const report = await ex.collect();   // = `keyhole results pull`
 *   await ex.close();
 *
 * State lives under `dataDir` (see `DataDirLayout`), so a second start with
 * the same directory resumes: keys, accounts, ingested items and collected
 * results are reused; the campaign manifest is re-signed for the current
 * addresses. `db` and `blobs` move the hub's and gatekeeper's tables to
 * PostgreSQL (schemas `<pgSchemaPrefix>_hub`, `<pgSchemaPrefix>_gatekeeper`)
 * and sealed items to S3; keys, tiles and lab files stay in `dataDir`.
 *
 * For the drill: `hub`, `hubDb` and `blobs` are the vendor's whole state;
 * `gk` is the lab's gatekeeper; `monitor` (with `alerts`) watches the log and,
 * with `monitor.suspend`, asks the gatekeeper to suspend offenders.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../../core/bytes.js';
import type { CampaignManifest, TaskType } from '../../core/campaign-manifest.js';
import { ed25519Cosigner } from '../../core/cosignature.js';
import { fail } from '../../core/errors.js';
import { ed25519NoteVerifier } from '../../core/note.js';
import { Identifier, parseWith } from '../../core/schema.js';
import { openGatekeeperDatabase, type GatekeeperDatabase } from '../../gatekeeper/db/database.js';
import { openGatekeeper, type Gatekeeper } from '../../gatekeeper/gatekeeper.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import { createKeystoreFile, openKeystoreFile } from '../../gatekeeper/keystore/passphrase-keystore.js';
import type { RootKey } from '../../gatekeeper/keystore/root-key.js';
import { registerMonitor } from '../../gatekeeper/monitor-request.js';
import { putOperator } from '../../gatekeeper/admin/operators.js';
import { lockLogDirectory, type WriterLock } from '../../gatekeeper/writer-lock.js';
import { addAnnotator, addToRoster } from '../../hub/accounts.js';
import type { HubContext } from '../../hub/hub-context.js';
import { createHubKeyFile } from '../../hub/hub-key.js';
import { registerLab } from '../../hub/tenancy.js';
import { GatekeeperAdminClient } from '../../lab/admin-client.js';
import { createOperatorKey, readOperatorKey } from '../lab-operator.js';
import { collectResults, type CollectReport } from '../../lab/collect.js';
import { HubLabClient } from '../../lab/hub-lab-client.js';
import { defaultPolicy, ingestDataset, policyHash, taskForFormat, type IngestReport } from '../../lab/ingest.js';
import { readLabConfig, writeLabConfig, type LabConfig } from '../../lab/lab-config.js';
import { CampaignStore, readJsonFile } from '../../lab/lab-store.js';
import { FileSystemStorage } from '../../log/fs-storage.js';
import { detectFormat } from '../../minimize/formats/registry.js';
import { readLines } from '../../minimize/line-reader.js';
import { witnessApp } from '../../log/witness-server.js';
import type { Alert, AlertSink } from '../../monitor/alerts/alert.js';
import { SuspensionClient } from '../../monitor/alerts/suspension-client.js';
import { BoundedHttpReader } from '../../monitor/follower/bounded-http-reader.js';
import { checkpointPolicy } from '../../monitor/follower/checkpoint-policy.js';
import { auditApp } from '../../monitor/audit/audit-app.js';
import { Monitor } from '../../monitor/monitor.js';
import { parseMonitorConfig } from '../../monitor/monitor-config.js';
import { MonitorStore } from '../../monitor/store/monitor-store.js';
import { nodePrimitives as p } from '../../platform/node-primitives.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { HubDatabase } from '../../storage/open-database.js';
import { GatekeeperConfig } from '../services/gatekeeper-config.js';
import { startGatekeeperService } from '../services/gatekeeper-service.js';
import { HubConfig } from '../services/hub-config.js';
import { startHubService } from '../services/hub-service.js';
import { jsonLog } from '../services/json-log.js';
import { listenOn, type Listening } from '../services/listen.js';


export const DEMO_LAB = 'demo-lab';
export const DEMO_VENDOR = 'demo-vendor';
export const DEMO_CAMPAIGN = 'demo';
export const LOG_ORIGIN = 'keyhole.demo/audit/v1';
const WITNESS_NAME = 'witness.demo/w1';
const MONITOR_NAME = 'demo-monitor';
export const PASSPHRASE_ENV = 'KEYHOLE_KEYSTORE_PASSPHRASE';
export const DEMO_OPERATOR = 'demo-admin';

/**
 * Files under `dataDir`: one directory per party, as each would have on its own host (the lab's
 * keystore and passphrase never sit beside the vendor's files).
 */
export const DataDirLayout = {
  /** The lab: gatekeeper, keys, log, operator, and the lab's own state (ingest ledgers, results). */
  lab: 'lab',
  keystore: 'lab/gatekeeper.keystore',
  /** Only when $KEYHOLE_KEYSTORE_PASSPHRASE is unset: a generated passphrase, for the demo only. */
  passphrase: 'lab/demo-passphrase',
  gatekeeperDb: 'lab/gatekeeper.db',
  logDir: 'lab/log',
  /** The demo lab's first admin operator key (`gatekeeper init` makes one on a real gatekeeper host). */
  operatorKey: 'lab/operator.key',
  /** The lab config for the CLI (src/cli/lab-operator.ts), at the top for `--config <dataDir>/lab.yaml`. */
  labYaml: 'lab.yaml',
  /** The vendor: the hub's database, key, sealed items and the accounts it made for people. */
  vendor: 'vendor',
  hubDb: 'vendor/hub.db',
  hubKey: 'vendor/hub.key',
  blobs: 'vendor/blobs',
  logins: 'vendor/logins.json',
  witness: 'witness',
  witnessKey: 'witness/witness.key',
  witnessDir: 'witness/state',
  monitor: 'monitor',
  monitorDb: 'monitor/monitor.sqlite',
  monitorKey: 'monitor/monitor.key',
} as const;

export interface ExchangeOptions {
  readonly dataDir: string;
  /** JSONL dataset file the lab ingests. */
  readonly dataset: string;
  /** A format of src/minimize/formats, or "auto". */
  readonly format: string;
  /** Built workstation app (src/workstation/build.ts), served by the gatekeeper at /workstation/. */
  readonly bundleDir: string;
  /** postgres://… for the hub's and gatekeeper's tables; default SQLite files in dataDir. */
  readonly db?: string;
  readonly pgSchemaPrefix?: string;
  /** s3://bucket/prefix or a directory for sealed items; default dataDir/blobs. */
  readonly blobs?: string;
  readonly s3Endpoint?: string;
  readonly campaign?: string;
  readonly task?: TaskType;
  readonly overlap?: number;
  /** Gatekeeper on `port`, hub on port+1, witness on port+2, audit page on port+3, admin API on port+4; 0 (default) picks free ports. */
  readonly port?: number;
  /** Hub accounts made at first start for people to sign in with (default 1). */
  readonly humans?: number;
  /** The lab approves every device its rostered annotators register (the demo's stand-in for a person). Default true. */
  readonly autoApprove?: boolean;
  /** false: no monitor. `suspend`: let it suspend offenders through the gatekeeper. */
  readonly monitor?: false | { readonly config?: unknown; readonly suspend?: boolean };
  readonly onAlert?: (alert: Alert) => void;
  /** Per-annotator pace limits at the gatekeeper (defaults suit a person; bots and benches raise them). */
  readonly pace?: { readonly perMinute: number; readonly perHour: number };
}

export interface Login {
  readonly annotator: string;
  readonly username: string;
  readonly password: string;
}

export interface Exchange {
  readonly urls: {
    readonly hub: string;
    readonly gatekeeper: string;
    /** The workstation app, served from the gatekeeper's origin. */
    readonly workstation: string;
    readonly witness: string;
    /** The monitor's audit page (src/monitor/audit); undefined without a monitor. */
    readonly audit: string | undefined;
    /** The gatekeeper's admin API (the lab's operators). */
    readonly admin: string;
  };
  readonly lab: string;
  readonly vendor: string;
  readonly campaign: string;
  readonly manifest: CampaignManifest;
  readonly ingest: IngestReport;
  /** Accounts for people, made at first start and kept in dataDir. */
  readonly logins: readonly Login[];
  readonly hub: HubContext;
  readonly hubDb: HubDatabase;
  readonly blobs: BlobStore;
  readonly gk: Gatekeeper;
  readonly gatekeeperDb: GatekeeperDatabase;
  readonly labClient: HubLabClient;
  /** The lab's operator's client of the gatekeeper's admin API (what the lab's CLI uses). */
  readonly admin: GatekeeperAdminClient;
  readonly store: CampaignStore;
  readonly monitor: Monitor | undefined;
  readonly alerts: readonly Alert[];
  /** A new hub account on the lab's roster (the vendor's operator does this). */
  addAnnotator(id: string): Promise<Login>;
  /** The lab approves pending devices of rostered annotators; returns how many. */
  approvePending(): Promise<number>;
  /** `keyhole results pull`: verify, open, un-blind and store every new submission. */
  collect(): Promise<CollectReport>;
  close(): Promise<void>;
}

async function fileOrCreate(path: string, make: () => Promise<void>): Promise<void> {
  try {
    await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await make();
  }
}

/**
 * The lab's root key from its keystore in dataDir, with the passphrase from
 * $KEYHOLE_KEYSTORE_PASSPHRASE or, for the demo only, a generated one kept in
 * the lab's directory. `create`: make both on first start; otherwise a
 * missing keystore is an error that says to run the demo first.
 */
export async function demoRootKey(dataDir: string, create: boolean): Promise<{ root: RootKey; passphrase: string }> {
  const keystore = join(dataDir, DataDirLayout.keystore);
  if (!create) await access(keystore).catch(() => fail('NOT_FOUND', `no keystore in ${dataDir}; run \`keyhole demo --data-dir ${dataDir}\` first`));
  let passphrase = process.env[PASSPHRASE_ENV];
  if (!passphrase) {
    const file = join(dataDir, DataDirLayout.passphrase);
    await fileOrCreate(file, () => writeFileAtomic(file, `${randomBytes(24).toString('base64url')}\n`, { exclusive: true }));
    passphrase = (await readFile(file, 'utf8')).trim();
  }
  let created: RootKey | undefined;
  await fileOrCreate(keystore, async () => {
    created = await createKeystoreFile(p, keystore, passphrase);
  });
  try {
    return { root: created ?? (await openKeystoreFile(p, keystore, passphrase)), passphrase };
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'DECRYPT_FAILED') {
      fail('DECRYPT_FAILED', `${keystore} does not open with the passphrase from ${process.env[PASSPHRASE_ENV] ? `$${PASSPHRASE_ENV}` : join(dataDir, DataDirLayout.passphrase)}; use the passphrase it was made with, or another --data-dir`);
    }
    throw err;
  }
}

async function seedFile(path: string): Promise<Uint8Array> {
  await fileOrCreate(path, () => writeFileAtomic(path, `${toBase64Url(randomBytes(32))}\n`, { exclusive: true }));
  return fromBase64Url((await readFile(path, 'utf8')).trim(), path);
}

const Logins = z.array(z.object({ annotator: Identifier, username: z.string(), password: z.string() }).strict());

export async function startExchange(o: ExchangeOptions): Promise<Exchange> {
  const dataDir = resolve(o.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (await access(join(dataDir, 'gatekeeper.keystore')).then(() => true, () => false)) {
    fail('CONFLICT', `${dataDir} was made by an older keyhole, with every party's files in one directory; remove it (or use another --data-dir) to start afresh`);
  }
  for (const party of [DataDirLayout.lab, DataDirLayout.vendor, DataDirLayout.witness, DataDirLayout.monitor]) await mkdir(join(dataDir, party), { recursive: true, mode: 0o700 });
  const campaign = parseWith(Identifier, o.campaign ?? DEMO_CAMPAIGN, 'campaign id');
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    closers.length = 0;
  };
  try {
    const existing = await readLabConfig(dataDir);
    if (existing !== undefined && existing.campaign !== campaign) {
      fail('CONFLICT', `${dataDir} holds campaign ${existing.campaign}, not ${campaign}; use another --data-dir (or the same campaign)`);
    }
    const db = o.db ?? existing?.db;
    const blobLocation = o.blobs ?? existing?.blobs;
    if (existing !== undefined && (db !== existing.db || blobLocation !== existing.blobs)) {
      fail('CONFLICT', `${dataDir} was set up with ${existing.db ?? 'SQLite'} and ${existing.blobs ?? 'blobs on disk'}; start it with the same --db and --blobs, or use another --data-dir`);
    }
    const { root, passphrase } = await demoRootKey(dataDir, true);
    const schemaPrefix = o.pgSchemaPrefix ?? existing?.pgSchemaPrefix ?? 'keyhole';
    const pgSchema = (part: string): { pgSchema?: string } => (db?.startsWith('postgres') ? { pgSchema: `${schemaPrefix}_${part}` } : {});
    const basePort = o.port ?? 0;
    const at = (offset: number): number => (basePort === 0 ? 0 : basePort + offset);

    // What `keyhole gatekeeper init` does on the lab's host: the log key (the witness must know it
    // before the witnessed gatekeeper starts) and the first admin operator, with its key file.
    const operatorKeyPath = join(dataDir, DataDirLayout.operatorKey);
    await fileOrCreate(operatorKeyPath, async () => void (await createOperatorKey(operatorKeyPath)));
    const operatorSigner = await readOperatorKey(operatorKeyPath);
    const logVkey = await (async () => {
      const lock: WriterLock = await lockLogDirectory(join(dataDir, DataDirLayout.logDir));
      const database = await openGatekeeperDatabase(db ?? `sqlite:${join(dataDir, DataDirLayout.gatekeeperDb)}`, pgSchema('gatekeeper'));
      try {
        const first = await openGatekeeper({ primitives: p, lab: DEMO_LAB, database, root, logStorage: new FileSystemStorage(join(dataDir, DataDirLayout.logDir)), logOrigin: LOG_ORIGIN, alert: () => {} });
        await putOperator(first, { id: DEMO_OPERATOR, publicKey: toBase64Url(operatorSigner.publicKey), role: 'admin' }, 'init');
        await first.close();
        return first.logKey.verifierKey;
      } finally {
        await database.close();
        await lock.release();
      }
    })();

    const cosigner = await ed25519Cosigner(p, WITNESS_NAME, await seedFile(join(dataDir, DataDirLayout.witnessKey)));
    const witnessServer = await listenOn(
      witnessApp({ primitives: p, cosigner, logs: new Map([[LOG_ORIGIN, await ed25519NoteVerifier(p, logVkey)]]), state: new FileSystemStorage(join(dataDir, DataDirLayout.witnessDir)) }).fetch,
      at(2),
    );
    closers.push(() => witnessServer.close());

    // The lab's gatekeeper as `keyhole gatekeeper serve` runs it: the same service, config and listeners.
    const gatekeeperConfig = parseWith(
      GatekeeperConfig,
      {
        lab: DEMO_LAB,
        database: db ?? `sqlite:${DataDirLayout.gatekeeperDb}`,
        ...(db?.startsWith('postgres') ? { databaseSchema: `${schemaPrefix}_gatekeeper` } : {}),
        keystore: { file: DataDirLayout.keystore, passphraseEnv: PASSPHRASE_ENV },
        log: { dir: DataDirLayout.logDir, origin: LOG_ORIGIN },
        listen: { host: '127.0.0.1', port: at(0) },
        admin: { host: '127.0.0.1', port: at(4) },
        witnesses: [{ url: witnessServer.url, vkey: cosigner.verifierKey }],
        quorum: 1,
        workstation: { bundle: resolve(o.bundleDir) },
      },
      'demo gatekeeper config',
    );
    const gatekeeperLog = createWriteStream(join(dataDir, DataDirLayout.lab, 'gatekeeper.log'), { flags: 'a', mode: 0o600 });
    closers.push(() => new Promise<void>((done) => gatekeeperLog.end(done)));
    const gatekeeperService = await startGatekeeperService({ config: gatekeeperConfig, baseDir: dataDir, log: jsonLog('gatekeeper', (line) => void gatekeeperLog.write(line)), env: { [PASSPHRASE_ENV]: passphrase } });
    closers.push(() => gatekeeperService.close());
    const gk = gatekeeperService.gk;
    const gatekeeperDb = gatekeeperService.database;
    const gatekeeperServer = { url: gatekeeperService.publicUrl };
    const adminServer = { url: gatekeeperService.adminUrl };

    const hubKeyPath = join(dataDir, DataDirLayout.hubKey);
    await fileOrCreate(hubKeyPath, () => createHubKeyFile(hubKeyPath, DEMO_VENDOR));
    // The vendor's hub as `keyhole hub serve` runs it: the same service and config schema.
    const hubConfig = parseWith(
      HubConfig,
      {
        id: DEMO_VENDOR,
        key: DataDirLayout.hubKey,
        database: db ?? `sqlite:${DataDirLayout.hubDb}`,
        ...(db?.startsWith('postgres') ? { databaseSchema: `${schemaPrefix}_hub` } : {}),
        blobs: { location: blobLocation ?? DataDirLayout.blobs, ...(o.s3Endpoint === undefined ? {} : { s3Endpoint: o.s3Endpoint }) },
        listen: { host: '127.0.0.1', port: at(1) },
        metrics: { host: '127.0.0.1', port: 0 },
        workstationOrigin: new URL(gatekeeperServer.url).origin,
        // Everyone is on 127.0.0.1 here, so per-address limits would throttle all annotators as one.
        limits: { account: { perSecond: 10_000, burst: 10_000 }, loginPerSource: { perSecond: 10_000, burst: 10_000 } },
      },
      'demo hub config',
    );
    const hubLog = createWriteStream(join(dataDir, DataDirLayout.vendor, 'hub.log'), { flags: 'a', mode: 0o600 });
    closers.push(() => new Promise<void>((done) => hubLog.end(done)));
    const hubService = await startHubService(hubConfig, dataDir, jsonLog('hub', (line) => void hubLog.write(line)));
    closers.push(() => hubService.close());
    const hub: HubContext = hubService.context;
    const hubDb = hubService.database;
    const blobs = hub.blobs;
    const hubServer = { url: hubService.url };

    const admin = new GatekeeperAdminClient(adminServer.url, DEMO_LAB, DEMO_OPERATOR, operatorSigner, p);
    // What `keyhole gatekeeper init` writes for the lab's tools: `keyhole results pull --config <dataDir>/lab.yaml` etc.
    await writeFileAtomic(
      join(dataDir, DataDirLayout.labYaml),
      `# keyhole demo: the lab's tools as operator ${DEMO_OPERATOR} (rewritten at each start).\ngatekeeper: ${adminServer.url}\nlab: ${DEMO_LAB}\noperator: ${DEMO_OPERATOR}\noperatorKey: ${DataDirLayout.operatorKey}\nstate: ${DataDirLayout.lab}\ncampaign: ${campaign}\n`,
    );

    // The vendor registers the lab; the lab registers the vendor (its hub, hub key and exposure budget).
    await registerLab(hub, { lab: DEMO_LAB, signingKey: toBase64Url(gk.labSigner.publicKey) });
    await admin.putVendor(DEMO_VENDOR, { hubUrl: hubServer.url, hubKey: toBase64Url(hub.identity.signer.publicKey), exposureBudget: 1_000_000 });
    const labClient = new HubLabClient(hubServer.url, DEMO_VENDOR, DEMO_LAB, gk.labSigner, p);

    const format = o.format;
    const store = new CampaignStore(join(dataDir, DataDirLayout.lab), campaign);
    const ledger = await store.ledger();
    const dataset = resolve(o.dataset);
    await access(dataset).catch(() => fail('NOT_FOUND', `dataset ${o.dataset}: cannot read it (does the file exist?)`));
    if (ledger !== undefined && ledger.dataset !== dataset) {
      fail('CONFLICT', `${dataDir} already holds campaign ${campaign} ingested from ${ledger.dataset}; use another --data-dir for ${dataset}`);
    }
    const task = o.task ?? existing?.task ?? taskForFormat(format === 'auto' ? await sniffFormat(dataset) : format);
    const policy = defaultPolicy(task, campaign, DEMO_VENDOR);
    const now = Math.floor(Date.now() / 1000);
    const overlap = o.overlap ?? existing?.overlap ?? 1;
    const config: LabConfig = existing ?? {
      v: 1,
      lab: DEMO_LAB,
      vendor: DEMO_VENDOR,
      campaign,
      task,
      overlap,
      opens: now - 3600,
      closes: now + 30 * 86_400,
      hub: hubServer.url,
      ...(db === undefined ? {} : { db }),
      ...(db?.startsWith('postgres') ? { pgSchemaPrefix: schemaPrefix } : {}),
      ...(blobLocation === undefined ? {} : { blobs: blobLocation }),
    };
    await writeLabConfig(dataDir, { ...config, hub: hubServer.url });
    const pace = o.pace ?? { perMinute: 60, perHour: 1200 };
    const manifest = await admin.putCampaign(campaign, {
      vendor: DEMO_VENDOR,
      title: `keyhole demo: ${task} on ${dataset.split('/').pop() ?? 'dataset'}`,
      task,
      leaseSeconds: 900,
      settings: {
        campaign,
        policy: policyHash(policy),
        overlap: config.overlap,
        opens: config.opens,
        closes: config.closes,
        pacePerMinute: pace.perMinute,
        pacePerHour: pace.perHour,
        maxOutstanding: 4,
        exposureBudget: 1_000_000,
      },
    });
    const ingest = await ingestDataset({ p, admin, store, dataset, format, task, policy, batch: `${campaign}-batch-1`, expires: config.closes + 30 * 86_400 });

    const loginsPath = join(dataDir, DataDirLayout.logins);
    const logins: Login[] = (await readJsonFile(loginsPath, Logins)) ?? [];
    const roster = new Set<string>(logins.map((l) => l.annotator));
    const addLogin = async (id: string): Promise<Login> => {
      const login = { annotator: id, username: id.toLowerCase(), password: randomBytes(12).toString('base64url') };
      await addAnnotator(hub, { id, username: login.username, password: login.password });
      await addToRoster(hub, DEMO_LAB, id);
      roster.add(id);
      return login;
    };
    for (let i = logins.length; i < (o.humans ?? 1); i++) logins.push(await addLogin(`annotator-${i + 1}`));
    await writeFileAtomic(loginsPath, JSON.stringify(logins));

    const alerts: Alert[] = [];
    let monitor: Monitor | undefined;
    let auditServer: Listening | undefined;
    if (o.monitor !== false) {
      const policyOfLog = await checkpointPolicy(p, logVkey, [cosigner.verifierKey], 1);
      const monitorStore = new MonitorStore(join(dataDir, DataDirLayout.monitorDb));
      const sinks: AlertSink[] = [
        async (a) => {
          alerts.push(a);
          o.onAlert?.(a);
        },
      ];
      let suspender: SuspensionClient | undefined;
      if (o.monitor?.suspend) {
        const signer = await p.ed25519FromSeed(await seedFile(join(dataDir, DataDirLayout.monitorKey)));
        await registerMonitor(gk, MONITOR_NAME, toBase64Url(signer.publicKey));
        suspender = new SuspensionClient({ p, gatekeeper: gatekeeperServer.url, monitor: MONITOR_NAME, signer, policy: policyOfLog });
      }
      monitor = Monitor.open({
        p,
        reader: new BoundedHttpReader(new URL('log/', gatekeeperServer.url).href),
        policy: policyOfLog,
        config: parseMonitorConfig(o.monitor?.config ?? { defaultVendor: DEMO_VENDOR, campaigns: { [campaign]: { vendor: DEMO_VENDOR, leaseSeconds: 900 } } }),
        store: monitorStore,
        sinks,
        ...(suspender === undefined ? {} : { suspender }),
        onError: (m) => console.error(`monitor: ${m}`),
      });
      monitor.start(250);
      const started = monitor;
      closers.push(async () => {
        await started.stop();
        monitorStore.close();
      });
      auditServer = await listenOn(auditApp({ p, monitor }).fetch, at(3));
      closers.push(() => auditServer!.close());
    }

    let approving: Promise<number> = Promise.resolve(0);
    const approvePending = (): Promise<number> => {
      // One pass at a time: two overlapping passes would import the same device twice. A failed pass
      // (a refusal, e.g. a device the lab approves only by invitation) must not fail every later one.
      approving = approving.catch(() => 0).then(async () => {
        let approved = 0;
        for (const d of await admin.devices(DEMO_VENDOR)) {
          if (d.state !== 'pending' || d.registered === null || !roster.has(d.annotator)) continue;
          await admin.decideDevice(DEMO_VENDOR, d.device, 'approve');
          approved++;
        }
        return approved;
      });
      return approving;
    };
    if (o.autoApprove !== false) {
      const timer = setInterval(() => void approvePending().catch((e: unknown) => console.error(`device approval: ${e instanceof Error ? e.message : String(e)}`)), 500);
      closers.push(async () => {
        clearInterval(timer);
        await approving.catch(() => undefined);
      });
    }

    const exchange: Exchange = {
      urls: { hub: hubServer.url, gatekeeper: gatekeeperServer.url, workstation: new URL('workstation/', gatekeeperServer.url).href, witness: witnessServer.url, audit: auditServer?.url, admin: adminServer.url },
      lab: DEMO_LAB,
      vendor: DEMO_VENDOR,
      campaign,
      manifest,
      ingest,
      logins,
      hub,
      hubDb,
      blobs,
      gk,
      gatekeeperDb,
      labClient,
      admin,
      store,
      monitor,
      alerts,
      addAnnotator: addLogin,
      approvePending,
      collect: () => collectResults({ task, admin, store }),
      close,
    };
    return exchange;
  } catch (err) {
    await close();
    throw err;
  }
}

/** The format of the dataset's first record, for choosing the task when --format is auto. */
async function sniffFormat(dataset: string): Promise<string> {
  for await (const line of readLines(dataset, 64 * 1024 * 1024)) {
    if (line.kind !== 'text' || line.text.trim() === '') continue;
    try {
      return detectFormat(JSON.parse(line.text), undefined).name;
    } catch {
      return 'auto';
    }
  }
  return 'auto';
}
