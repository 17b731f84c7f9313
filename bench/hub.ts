/**
 * Hub throughput on loopback: leases/s and sealed-item fetches/s, with SQLite
 * and (when it answers) PostgreSQL, p50/p99 latency, and the ratio to a
 * baseline measured in the same run on the same server (GET /v1/health: the
 * full Hono stack with no storage). The hub runs in a child process so that
 * autocannon and the server do not share one event loop.
 *
 * Setup writes annotator, session and device rows directly (one shared scrypt
 * hash, random device public keys) so that 10,000 accounts take seconds, not
 * minutes of password hashing; everything measured goes through HTTP.
 *
 *   npm run bench:hub            last line: one JSON object with every figure
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import pg from 'pg';
import { toBase64Url, utf8 } from '../src/core/bytes.js';
import { signCampaignManifest } from '../src/core/campaign-manifest.js';
import { deviceId } from '../src/core/device.js';
import { sealLabSection } from '../src/core/lab-section.js';
import { inspectItem, sealItem } from '../src/core/sealed-item.js';
import { nodePrimitives as p } from '../src/platform/node-primitives.js';
import { hashPassword } from '../src/hub/password-hash.js';
import { createHubKeyFile, loadHubIdentity } from '../src/hub/hub-key.js';
import { startHub } from '../src/hub/hub-server.js';
import { uploadItems } from '../src/hub/item-upload.js';
import { putCampaign, registerLab } from '../src/hub/tenancy.js';
import { systemClock, type HubContext } from '../src/hub/hub-context.js';
import { FileBlobStore } from '../src/storage/fs-blob-store.js';
import { openHubDatabase, type OpenDatabaseOptions } from '../src/storage/open-database.js';
import { round } from './measure.js';

const POSTGRES_URL = process.env.KEYHOLE_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Annotators set up, each good for one fresh lease; the lease phase is time-bound and stops short of them. */
const ANNOTATORS = 12_000;
const OVERLAP = 3;
const ITEMS = Math.ceil(ANNOTATORS / OVERLAP) + 50;
const CONNECTIONS = 32;
const SECONDS = 5;
const LAB = 'bench-lab';
const CAMPAIGN = 'bench';

interface ServeConfig {
  db: string;
  blobs: string;
  key: string;
  database?: OpenDatabaseOptions;
}

/** Child mode: run the hub and print its URL. */
async function serveChild(config: ServeConfig): Promise<void> {
  const identity = await loadHubIdentity(p, config.key);
  const hub = await startHub({
    db: config.db,
    blobs: config.blobs,
    identity,
    port: 0,
    host: '127.0.0.1',
    accountLimit: { perSecond: 1e9, burst: 1e9 },
    ...(config.database === undefined ? {} : { database: config.database }),
    onInternalError: (err) => console.error(err),
  });
  console.log(`listening ${hub.url}`);
  process.once('SIGTERM', () => void hub.close().then(() => process.exit(0)));
}

interface Worker {
  token: string;
  device: string;
}

async function setUp(config: ServeConfig): Promise<Worker[]> {
  const store = await openHubDatabase(config.db, config.database);
  const identity = await loadHubIdentity(p, config.key);
  const ctx: HubContext = { store, blobs: new FileBlobStore(config.blobs), p, identity, clock: systemClock };
  const labSigner = await p.ed25519FromSeed(new Uint8Array(32).fill(1));
  const labKex = await p.x25519FromSecret(new Uint8Array(32).fill(2));
  const now = systemClock();
  await registerLab(ctx, { lab: LAB, signingKey: toBase64Url(labSigner.publicKey) });
  const manifest = await signCampaignManifest(labSigner, {
    v: 1, lab: LAB, campaign: CAMPAIGN, title: 'bench', task: 'pairwise', policy: 'a'.repeat(64),
    resultKey: toBase64Url(labKex.publicKey), overlap: OVERLAP, leaseSeconds: 3600, opens: now - 60, closes: now + 86_400,
    gatekeeper: 'https://gatekeeper.bench.example', log: { vkey: 'bench-log+9e08b508+AQcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH', witnesses: [], quorum: 0 }, workstation: 'b'.repeat(64),
  });
  await putCampaign(ctx, LAB, CAMPAIGN, manifest, {});

  const kek = { id: 'kek-1', key: new Uint8Array(32).fill(3) };
  for (let start = 0; start < ITEMS; start += 256) {
    const batch = [];
    for (let i = start; i < Math.min(ITEMS, start + 256); i++) {
      const item = `item-${String(i).padStart(6, '0')}`;
      const sealed = await sealItem(p, { lab: LAB, dataset: 'd', batch: 'b', item, campaign: CAMPAIGN, policy: 'a'.repeat(64), expires: now + 86_400, labSigner, kek }, utf8(`{"prompt":"item ${i}","a":"first answer","b":"second answer"}`));
      const head = await inspectItem(p, sealed);
      batch.push({ sealed: toBase64Url(sealed), labSection: toBase64Url(await sealLabSection(p, labKex.publicKey, head.digest, utf8('{}'))), gold: false });
    }
    await uploadItems(ctx, LAB, CAMPAIGN, { items: batch });
  }

  const hash = await hashPassword('bench password, never used to log in');
  const workers: Worker[] = [];
  for (let start = 0; start < ANNOTATORS; start += 500) {
    const rows: { id: string; token: string; device: string; signing: string; kex: string }[] = [];
    for (let i = start; i < Math.min(ANNOTATORS, start + 500); i++) {
      const token = `khs_${toBase64Url(randomBytes(32))}`;
      const signing = randomBytes(32);
      const kex = randomBytes(32);
      const device = await deviceId(p, { signing, kex });
      rows.push({ id: `ann-${i}`, token, device, signing: toBase64Url(signing), kex: toBase64Url(kex) });
      workers.push({ token, device });
    }
    await store.db.transaction().execute(async (trx) => {
      await trx.insertInto('annotators').values(rows.map((r) => ({ id: r.id, username: r.id, password_hash: hash, reviewer: 0, suspended_at: null, created_at: now }))).execute();
      await trx.insertInto('roster').values(rows.map((r) => ({ lab: LAB, annotator: r.id }))).execute();
      await trx.insertInto('sessions').values(rows.map((r) => ({ token_hash: createHash('sha256').update(r.token).digest('hex'), annotator: r.id, created_at: now, expires_at: now + 86_400, revoked_at: null }))).execute();
      await trx.insertInto('devices').values(rows.map((r) => ({ id: r.device, annotator: r.id, signing_key: r.signing, kex_key: r.kex, registered_at: now }))).execute();
      await trx.insertInto('device_decisions').values(rows.map((r) => ({ lab: LAB, device: r.device, state: 'approved' as const, decided_at: now }))).execute();
    });
  }
  await store.close();
  return workers;
}

async function startChild(config: ServeConfig): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve', JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.startsWith('listening ')) return { url: line.slice('listening '.length), child };
  }
  throw new Error('the hub child process exited before listening');
}

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
}

function figures(r: autocannon.Result): Figures {
  return { perSecond: round(r['2xx'] / r.duration, 0), p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], failed: r.non2xx + r.errors };
}

async function measure(kind: string, config: ServeConfig) {
  const workers = await setUp(config);
  const { url, child } = await startChild(config);
  try {
    const baseline = figures(await autocannon({ url: `${url}/v1/health`, connections: CONNECTIONS, duration: SECONDS }));

    let next = 0;
    let granted = 0;
    const leaseIds: { token: string; lease: string }[] = [];
    const leaseRun = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          path: `/v1/labs/${LAB}/campaigns/${CAMPAIGN}/leases`,
          setupRequest: (req, context) => {
            const w = workers[next++];
            // Past the last fresh annotator a repeat would measure the cheaper "you already hold a lease" path:
            // send the baseline request instead, which is not counted as a lease and flags the run as exhausted.
            if (w === undefined) return { ...req, method: 'GET', path: '/v1/health' };
            (context as { token?: string }).token = w.token;
            return { ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${w.token}` }, body: JSON.stringify({ device: w.device }) };
          },
          onResponse: (status, body, context) => {
            if (status === 200 && body.startsWith('{"assignment"')) granted++;
            if (status === 200 && body.startsWith('{"assignment"') && leaseIds.length < 2000) leaseIds.push({ token: (context as { token: string }).token, lease: (JSON.parse(body) as { assignment: { body: { lease: string } } }).assignment.body.lease });
          },
        },
      ],
    });
    const leases = { ...figures(leaseRun), perSecond: round(granted / leaseRun.duration, 0), ok: granted };
    const exhausted = next > workers.length;

    let k = 0;
    const fetches = figures(
      await autocannon({
        url,
        connections: CONNECTIONS,
        duration: SECONDS,
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => {
              const l = leaseIds[k++ % leaseIds.length]!;
              return { ...req, path: `/v1/labs/${LAB}/campaigns/${CAMPAIGN}/leases/${l.lease}/item`, headers: { authorization: `Bearer ${l.token}` } };
            },
          },
        ],
      }),
    );
    const result = {
      baselinePerSecond: baseline.perSecond,
      leasesPerSecond: leases.perSecond,
      leaseP50Ms: leases.p50,
      leaseP99Ms: leases.p99,
      leasesGranted: leases.ok,
      leasesRefused: leases.failed,
      fetchesPerSecond: fetches.perSecond,
      fetchP50Ms: fetches.p50,
      fetchP99Ms: fetches.p99,
      fetchesFailed: fetches.failed,
      leasePhaseExhaustedAnnotators: exhausted,
      leaseToBaseline: round(leases.perSecond / baseline.perSecond, 3),
      fetchToBaseline: round(fetches.perSecond / baseline.perSecond, 3),
    };
    console.log(`${kind}: baseline ${baseline.perSecond}/s (p50 ${baseline.p50} ms, p99 ${baseline.p99} ms)`);
    console.log(`${kind}: leases ${leases.perSecond}/s (p50 ${leases.p50} ms, p99 ${leases.p99} ms; ${leases.ok} granted, ${leases.failed} refused) = ${result.leaseToBaseline} x baseline`);
    console.log(`${kind}: sealed-item fetches ${fetches.perSecond}/s (p50 ${fetches.p50} ms, p99 ${fetches.p99} ms; ${fetches.failed} failed) = ${result.fetchToBaseline} x baseline`);
    return result;
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-bench-hub-'));
  const key = join(dir, 'hub.key');
  await createHubKeyFile(key, 'bench-hub');
  const out: Record<string, unknown> = { bench: 'hub', annotators: ANNOTATORS, secondsPerPhase: SECONDS, overlap: OVERLAP, connections: CONNECTIONS, goal: { leasesPerSecond: 3000, fetchesPerSecond: 10_000 } };
  try {
    out.sqlite = await measure('sqlite', { db: `sqlite:${join(dir, 'hub.db')}`, blobs: join(dir, 'blobs-sqlite'), key });
    if (await postgresAvailable()) {
      const schema = `keyhole_bench_${randomBytes(4).toString('hex')}`;
      try {
        out.postgres = await measure('postgres', { db: POSTGRES_URL, blobs: join(dir, 'blobs-pg'), key, database: { pgSchema: schema, pgPoolSize: 10 } });
      } finally {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    } else {
      console.log('postgres: SKIPPED (no PostgreSQL at 127.0.0.1:5432)');
      out.postgres = null;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(out));
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt !== -1) await serveChild(JSON.parse(process.argv[serveAt + 1]!) as ServeConfig);
else await main();
