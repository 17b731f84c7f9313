/**
 * bench:monitor — how fast the monitor verifies and evaluates a log, and how
 * soon it raises an alert while the log grows at ~1,000 releases/s.
 *
 * 1. Throughput: a log of N access records (2,000 annotators, each release
 *    followed by its submit, human pace per annotator) is served over HTTP on
 *    loopback; one monitor follows it from empty: checkpoint signature, entry
 *    bundles, leaf hashes, consistency proofs per chunk, record decoding,
 *    every rule, SQLite state; then again reading the log's directory
 *    directly, which leaves out the HTTP server and client. Baseline in the
 *    same run, on the same entries in memory: SHA-256 leaf hash +
 *    JSON.parse, the least any verifier does.
 * 2. Alert latency: a writer appends ~1,000 releases/s (10 every 10 ms) and a
 *    tripwire touch every 100 ms; the monitor polls every 50 ms; latency is
 *    each tripwire alert's `latencyMs` (record time → alert stored).
 *
 * Writer, HTTP server and monitor share one process (and this machine's
 * cores), so the figures are floors; the throughput is also given per CPU
 * second of this process. Ends with one line of JSON.
 *
 *   npm run bench:monitor [-- --entries 100000 --seconds 10]
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { encodeAccessRecord, GENESIS_PREV, type AccessRecord } from '../src/core/access-record.js';
import { fromUtf8, toBase64Url } from '../src/core/bytes.js';
import { ed25519NoteSigner } from '../src/core/note.js';
import { FileSystemStorage } from '../src/log/fs-storage.js';
import { logReadApi } from '../src/log/http-read-api.js';
import { LogWriter } from '../src/log/writer.js';
import type { Alert } from '../src/monitor/alerts/alert.js';
import { BoundedHttpReader } from '../src/monitor/follower/bounded-http-reader.js';
import { checkpointPolicy } from '../src/monitor/follower/checkpoint-policy.js';
import { Monitor } from '../src/monitor/monitor.js';
import { parseMonitorConfig } from '../src/monitor/monitor-config.js';
import { MonitorStore } from '../src/monitor/store/monitor-store.js';
import { nodePrimitives as p } from '../src/platform/node-primitives.js';
import { round } from './measure.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const ENTRIES = arg('entries', 100_000);
const SECONDS = arg('seconds', 10);
const ORIGIN = 'bench.keyhole.local/audit/monitor';
const ANNOTATORS = 2_000;
const devices = Array.from({ length: 256 }, (_, i) => toBase64Url(new Uint8Array(32).fill(i)));

type Input = Omit<AccessRecord, 'v' | 'seq' | 'prev'>;

/** Fills seq/prev per annotator the way the gatekeeper does. */
function chainer(): (r: Input) => Uint8Array {
  const heads = new Map<string, { seq: number; prev: string }>();
  return (r) => {
    const key = r.annotator ?? '';
    const head = heads.get(key) ?? { seq: 0, prev: GENESIS_PREV };
    const entry = encodeAccessRecord({ v: 1, ...r, seq: head.seq, prev: head.prev } as AccessRecord);
    heads.set(key, { seq: head.seq + 1, prev: createHash('sha256').update(entry).digest('base64url') });
    return entry;
  };
}

async function openLog(dir: string): Promise<{ writer: LogWriter; url: string; vkey: string; close(): Promise<void> }> {
  const signer = await ed25519NoteSigner(p, ORIGIN, new Uint8Array(32).fill(3));
  const storage = new FileSystemStorage(join(dir, 'log'));
  const writer = await LogWriter.open({ primitives: p, storage, signer, batchSize: 1024, batchDelayMs: 5 });
  const app = logReadApi(storage);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve({ server: s, port: info.port }));
  });
  return {
    writer,
    url: `http://127.0.0.1:${port}/`,
    vkey: signer.verifierKey,
    async close() {
      await writer.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function openMonitor(dir: string, log: { url: string; vkey: string }, config: unknown, sinks: ((a: Alert) => Promise<void>)[] = []): Promise<{ monitor: Monitor; store: MonitorStore; errors: string[] }> {
  const store = new MonitorStore(join(dir, 'monitor.sqlite'));
  const errors: string[] = [];
  const monitor = Monitor.open({ p, reader: new BoundedHttpReader(log.url), policy: await checkpointPolicy(p, log.vkey, [], 0), config: parseMonitorConfig(config), store, sinks, onError: (m) => errors.push(m) });
  return { monitor, store, errors };
}

const pct = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

const root = await mkdtemp(join(tmpdir(), 'keyhole-bench-monitor-'));
try {
  // 1. Throughput.
  const chain = chainer();
  const start = Date.now() - 2 * 3_600_000;
  const entries: Uint8Array[] = [];
  for (let i = 0; entries.length < ENTRIES; i++) {
    const a = i % ANNOTATORS;
    const annotator = `vendor-${a % 7}:ann-${a}`;
    const item = createHash('sha256').update(`item ${i}`).digest('hex').slice(0, 16);
    const t = start + i * 30;
    const common = { campaign: `camp-${a % 5}`, item, annotator, deviceKeyHash: devices[a % devices.length]! };
    entries.push(chain({ ...common, kind: 'release', decision: 'allow', time: new Date(t).toISOString() }));
    if (entries.length < ENTRIES) entries.push(chain({ ...common, kind: 'submit', decision: 'none', time: new Date(t + 20_000).toISOString() }));
  }
  const bytes = entries.reduce((n, e) => n + e.length, 0);
  const logDir = join(root, 'throughput');
  const log = await openLog(logDir);
  const writeStart = performance.now();
  for (let i = 0; i < entries.length; i += 8192) await Promise.all(entries.slice(i, i + 8192).map((e) => log.writer.append(e)));
  const writeSeconds = (performance.now() - writeStart) / 1000;

  const followed = await openMonitor(logDir, log, {});
  const followCpu = process.cpuUsage();
  const followStart = performance.now();
  while (followed.monitor.verifiedSize < entries.length) {
    const before = followed.monitor.verifiedSize;
    await followed.monitor.poll();
    if (followed.monitor.verifiedSize === before) throw new Error(`monitor stuck at ${before}: ${followed.errors.join('; ')}`);
  }
  await followed.monitor.settled();
  const followSeconds = (performance.now() - followStart) / 1000;
  const cpu = process.cpuUsage(followCpu);
  // CPU time of this process (monitor and the log's HTTP server): the rate per core-second, less sensitive to other load on the machine.
  const perCpuSecond = entries.length / ((cpu.user + cpu.system) / 1e6);
  const monitorPerSecond = entries.length / followSeconds;
  const throughputAlerts = followed.store.alertCount();
  followed.store.close();
  await log.close();

  // The same follow reading the tiles from the log's directory: the monitor's own cost, without HTTP.
  const localDir = join(root, 'local');
  await mkdir(localDir);
  const localStore = new MonitorStore(join(localDir, 'monitor.sqlite'));
  const local = Monitor.open({ p, reader: new FileSystemStorage(join(logDir, 'log')), policy: await checkpointPolicy(p, log.vkey, [], 0), config: parseMonitorConfig({}), store: localStore, sinks: [] });
  const localCpu = process.cpuUsage();
  const localStart = performance.now();
  while (local.verifiedSize < entries.length) await local.poll();
  const localSeconds = (performance.now() - localStart) / 1000;
  const localUsage = process.cpuUsage(localCpu);
  const localPerSecond = entries.length / localSeconds;
  const localPerCpuSecond = entries.length / ((localUsage.user + localUsage.system) / 1e6);
  localStore.close();

  // Baseline: leaf hash + JSON.parse of the same entries, in memory, best of three passes.
  let baselineSeconds = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = performance.now();
    let sink = 0;
    for (const e of entries) {
      sink ^= createHash('sha256').update(new Uint8Array([0])).update(e).digest()[0]!;
      sink ^= (JSON.parse(fromUtf8(e)) as { seq: number }).seq;
    }
    baselineSeconds = Math.min(baselineSeconds, (performance.now() - t0) / 1000);
    if (sink === -1) console.log('unreachable');
  }
  const baselinePerSecond = entries.length / baselineSeconds;

  // 2. Alert latency under ~1,000 releases/s.
  const latencyDir = join(root, 'latency');
  const live = await openLog(latencyDir);
  const alerts: Alert[] = [];
  const watched = await openMonitor(latencyDir, live, { rules: { tripwire: { items: ['trip-0001x'] }, velocity: { perMinute: 1_000_000, perHour: 1_000_000 } } }, [
    async (a) => {
      alerts.push(a);
    },
  ]);
  watched.monitor.start(50);
  const liveChain = chainer();
  let releases = 0;
  let touches = 0;
  let tick = 0;
  const pending: Promise<unknown>[] = [];
  const runStart = performance.now();
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const time = new Date().toISOString();
      for (let k = 0; k < 10; k++) {
        const a = (releases + k) % ANNOTATORS;
        pending.push(live.writer.append(liveChain({ kind: 'release', decision: 'allow', time, campaign: 'camp-live', item: `live-${releases + k}x`, annotator: `vendor-${a % 7}:ann-${a}`, deviceKeyHash: devices[a % devices.length]! })));
      }
      releases += 10;
      if (++tick % 10 === 0) {
        pending.push(live.writer.append(liveChain({ kind: 'deny', decision: 'deny', reason: 'TRIPWIRE', time, campaign: 'camp-live', item: 'trip-0001x', annotator: 'intruder:x', deviceKeyHash: devices[255]! })));
        touches++;
      }
      if (performance.now() - runStart >= SECONDS * 1000) {
        clearInterval(timer);
        done();
      }
    }, 10);
  });
  const runSeconds = (performance.now() - runStart) / 1000;
  await Promise.all(pending);
  const drainUntil = Date.now() + 10_000;
  while (alerts.filter((a) => a.rule === 'tripwire').length < touches && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
  await watched.monitor.stop();
  const latencies = alerts.filter((a) => a.rule === 'tripwire').map((a) => a.latencyMs!).sort((x, y) => x - y);
  watched.store.close();
  await live.close();

  const ratio = monitorPerSecond / baselinePerSecond;
  console.log(`log: ${entries.length} records (${round(bytes / entries.length, 0)} B each) written in ${round(writeSeconds)} s`);
  console.log(`monitor: verified and evaluated ${entries.length} entries over HTTP in ${round(followSeconds)} s = ${round(monitorPerSecond, 0)} entries/s; ${round(perCpuSecond, 0)} entries per CPU-second (${throughputAlerts} alerts raised)`);
  console.log(`monitor reading the log directory (no HTTP): ${round(localPerSecond, 0)} entries/s; ${round(localPerCpuSecond, 0)} entries per CPU-second`);
  console.log(`baseline (SHA-256 leaf hash + JSON.parse, in memory): ${round(baselinePerSecond, 0)} entries/s; the monitor runs at ${round(ratio * 100, 1)}% of it`);
  console.log(`alert latency at ${round(releases / runSeconds, 0)} releases/s: ${latencies.length}/${touches} tripwire touches alerted, p50 ${round(pct(latencies, 0.5))} ms, p99 ${round(pct(latencies, 0.99))} ms, max ${round(latencies.at(-1) ?? NaN)} ms`);
  console.log(`goal: 50,000 entries/s (${monitorPerSecond >= 50_000 ? 'met' : 'not met'}), alert p99 < 2,000 ms (${pct(latencies, 0.99) < 2000 ? 'met' : 'not met'}); ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}`);
  console.log(
    JSON.stringify({
      bench: 'monitor',
      entries: entries.length,
      entriesPerSecond: round(monitorPerSecond, 0),
      entriesPerCpuSecond: round(perCpuSecond, 0),
      localEntriesPerSecond: round(localPerSecond, 0),
      localEntriesPerCpuSecond: round(localPerCpuSecond, 0),
      baselinePerSecond: round(baselinePerSecond, 0),
      ratioToBaseline: round(ratio, 3),
      releasesPerSecond: round(releases / runSeconds, 0),
      tripwireTouches: touches,
      alerted: latencies.length,
      alertP50Ms: round(pct(latencies, 0.5)),
      alertP99Ms: round(pct(latencies, 0.99)),
      witnessed: false,
      cpus: cpus().length,
    }),
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
