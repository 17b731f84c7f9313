/**
 * bench:release: key releases per second through the gatekeeper's HTTP API on
 * loopback, with durable logging (every decision fsynced into the tlog-tiles
 * log before the answer), SQLite, 64 concurrent keep-alive clients, each
 * request distinct and signed (pre-generated), p50/p99 latency; and, in the
 * same run, the raw crypto ceiling of one Ed25519 verify + one HPKE seal per
 * release, and the ratio between the two. The load generator runs in
 * a worker thread of the same process. Ends with one line of JSON.
 *
 *   npm run bench:release [-- --seconds 10 --clients 64]
 */
import { Worker } from 'node:worker_threads';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { signAssignment } from '../src/core/assignment.js';
import { canonicalJsonBytes } from '../src/core/canonical-json.js';
import { fromBase64Url, toBase64Url } from '../src/core/bytes.js';
import { deviceId } from '../src/core/device.js';
import { sealGrant, signReleaseRequest, type ReleaseRequest } from '../src/core/release.js';
import { signedMessage } from '../src/core/signing.js';
import { inspectItem, sealItem } from '../src/core/sealed-item.js';
import { openGatekeeperDatabase } from '../src/gatekeeper/db/database.js';
import { approveDevice, importDevice } from '../src/gatekeeper/enrollment.js';
import { openGatekeeper } from '../src/gatekeeper/gatekeeper.js';
import { gatekeeperApp } from '../src/gatekeeper/http.js';
import { createKeystoreFile } from '../src/gatekeeper/keystore/passphrase-keystore.js';
import { registerItem, setCampaign, setVendor } from '../src/gatekeeper/registry.js';
import { FileSystemStorage } from '../src/log/fs-storage.js';
import { nodePrimitives as p } from '../src/platform/node-primitives.js';
import { rate, round } from './measure.js';

/** The load generator: CLIENTS keep-alive connections, each posting its pre-signed requests in turn. */
const CLIENT_LOOP = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { port, requests, seconds } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: requests.length });
const post = (body) => new Promise((resolve, reject) => {
  const req = http.request({ host: '127.0.0.1', port, path: '/v1/release', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode || 0));
  });
  req.on('error', reject);
  req.end(body);
});
const latencies = [];
const statuses = {};
const until = performance.now() + seconds * 1000;
Promise.all(requests.map(async (list) => {
  for (const body of list) {
    if (performance.now() >= until) return;
    const t0 = performance.now();
    const status = await post(body);
    latencies.push(performance.now() - t0);
    statuses[status] = (statuses[status] || 0) + 1;
  }
})).then(() => { agent.destroy(); parentPort.postMessage({ latencies, statuses }); });
`;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const SECONDS = arg('seconds', 10);
const CLIENTS = arg('clients', 64);
const ITEMS = arg('items', 256);
const LAB = 'bench-lab';
const HUB = 'bench-hub';
const CAMPAIGN = 'bench-campaign';

const dir = await mkdtemp(join(tmpdir(), 'keyhole-bench-release-'));
try {
  const root = await createKeystoreFile(p, join(dir, 'keystore.json'), 'benchmark passphrase');
  const database = await openGatekeeperDatabase(`sqlite:${join(dir, 'gatekeeper.db')}`);
  const logStorage = new FileSystemStorage(join(dir, 'log'));
  const gk = await openGatekeeper({ primitives: p, lab: LAB, database, root, logStorage, logOrigin: 'bench.keyhole.local/audit', alert: () => {} });
  const hub = await p.ed25519FromSeed(new Uint8Array(32).fill(5));
  await setVendor(gk, { vendor: HUB, hubKey: toBase64Url(hub.publicKey), exposureBudget: 1_000_000_000 });
  const now = Math.floor(Date.now() / 1000);
  const big = 1_000_000_000;
  await setCampaign(gk, { campaign: CAMPAIGN, policy: 'd'.repeat(64), opens: now - 60, closes: now + 86400, overlap: 16, pacePerMinute: big, pacePerHour: big, maxOutstanding: big, exposureBudget: big });
  const kek = await gk.keks.createBatch('batch-1', CAMPAIGN);
  const digests: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const head = await inspectItem(p, await sealItem(p, { lab: LAB, dataset: 'ds', batch: 'batch-1', item: `item-${i}`, campaign: CAMPAIGN, policy: 'd'.repeat(64), expires: now + 86400, labSigner: gk.labSigner, kek }, new Uint8Array(2000)));
    await registerItem(gk, head);
    digests.push(toBase64Url(head.digest));
  }
  // One device per client; overlap 16 means each item may go to 16 annotators, so clients are spread over items.
  const devices = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const signer = await p.ed25519FromSeed(new Uint8Array(32).fill(c + 1).map((b, i) => (i === 0 ? 222 : b)));
      const kex = await p.x25519FromSecret(new Uint8Array(32).fill(c + 1).map((b, i) => (i === 0 ? 223 : b)));
      const keys = { signing: signer.publicKey, kex: kex.publicKey };
      await approveDevice(gk, await importDevice(gk, { vendor: HUB, annotator: `ann-${c}`, signing: toBase64Url(keys.signing), kex: toBase64Url(keys.kex) }));
      return { signer, kex, keys, id: await deviceId(p, keys) };
    }),
  );
  const perClient = Math.floor((ITEMS * 16) / CLIENTS);
  const pregenStart = performance.now();
  const requests: string[][] = [];
  for (let c = 0; c < CLIENTS; c++) {
    const list: string[] = [];
    for (let k = 0; k < perClient; k++) {
      const item = (c * Math.ceil(ITEMS / CLIENTS) + k) % ITEMS;
      const a = await signAssignment(hub, { v: 1, hub: HUB, lab: LAB, campaign: CAMPAIGN, item: `item-${item}`, digest: digests[item]!, lease: `l-${c}-${k}`, annotator: `ann-${c}`, device: devices[c]!.id, issued: now, expires: now + 3600 });
      list.push(JSON.stringify(await signReleaseRequest(p, devices[c]!, a, now)));
    }
    requests.push(list);
  }
  const pregenSeconds = (performance.now() - pregenStart) / 1000;

  const app = gatekeeperApp(gk, logStorage);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const logStart = gk.audit.size;
  const start = performance.now();
  // The clients run in a worker thread, so the gatekeeper's event loop serves requests and nothing else.
  const { latencies, statuses } = await new Promise<{ latencies: number[]; statuses: Record<number, number> }>((resolve, reject) => {
    const worker = new Worker(CLIENT_LOOP, { eval: true, workerData: { port, requests, seconds: SECONDS } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const elapsed = (performance.now() - start) / 1000;
  const granted = statuses[200] ?? 0;
  const releasesPerSecond = granted / elapsed;
  latencies.sort((a, b) => a - b);
  const pct = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const logged = gk.audit.size - logStart;
  await new Promise((r) => server.close(r));
  await gk.close();
  await database.close();

  // The crypto ceiling: what a release must compute at least, alone in a loop.
  const sample = JSON.parse(requests[0]![0]!) as ReleaseRequest;
  const message = signedMessage('release-request', canonicalJsonBytes(sample.body));
  const sig = fromBase64Url(sample.sig);
  const dek = p.randomBytes(32);
  const ceiling = await rate(async () => {
    if (!(await p.ed25519Verify(devices[0]!.keys.signing, message, sig))) throw new Error('verify failed');
    await sealGrant(p, sample, devices[0]!.keys.kex, dek);
  }, 3);

  const ratio = releasesPerSecond / ceiling.perSecond;
  console.log(`release: ${granted} grants in ${round(elapsed)} s with ${CLIENTS} clients = ${round(releasesPerSecond, 0)} releases/s (statuses ${JSON.stringify(statuses)}; ${logged} log entries)`);
  console.log(`latency: p50 ${round(pct(0.5))} ms, p99 ${round(pct(0.99))} ms`);
  console.log(`crypto ceiling (1 Ed25519 verify + 1 HPKE seal): ${round(ceiling.perSecond, 0)}/s on one core; gatekeeper reaches ${round(ratio * 100, 1)}% of it`);
  console.log(`(${cpus().length} CPUs, load average ${cpus().length ? (await import('node:os')).loadavg()[0]!.toFixed(2) : '?'}; request pre-generation ${round(pregenSeconds)} s)`);
  console.log(
    JSON.stringify({
      bench: 'release',
      clients: CLIENTS,
      seconds: round(elapsed),
      grants: granted,
      releasesPerSecond: round(releasesPerSecond, 1),
      p50Ms: round(pct(0.5)),
      p99Ms: round(pct(0.99)),
      cryptoCeilingPerSecond: round(ceiling.perSecond, 1),
      ratioToCeiling: round(ratio, 3),
      logEntries: logged,
      database: 'sqlite',
      witnessed: false,
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
