/**
 * Issue 14 finding 3: 100 concurrent 32 MiB uploads that nobody signed once
 * took the hub from 116 MB to 3 GB and slowed its health check to 5 s. A real
 * hub runs in its own process on loopback; 100 clients stream 32 MiB bodies
 * at the lab upload endpoint at once (unsigned with a Content-Length, unsigned
 * chunked, and with a well-formed header carrying a forged signature), while
 * health checks keep asking. The hub's resident memory (sampled, and its
 * kernel-recorded peak) must stay under 300 MB and every health check must
 * be answered. Were the bound passed, the flood is stopped at once, so the
 * test fails without taking the machine's memory with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { utf8 } from '../../src/core/bytes.js';
import { LAB_SIGNATURE_HEADER, signLabRequest } from '../../src/hub/lab-request-signature.js';
import { p, seed } from '../support/fixtures.js';
import { Harness, makeLab, putCampaign, sealFixture, uploadItems } from './support/harness.js';

const CLIENTS = 100;
const BODY_BYTES = 32 * 1024 * 1024;
const RSS_BOUND = 300 * 1024 * 1024;
const CHUNK = new Uint8Array(64 * 1024).fill(0x41);
const UPLOAD_PATH = '/v1/labs/acme-lab/campaigns/c1/items';
/** Generous: a refusal on a loaded 2-core machine; never a timing assertion, only a loud failure. */
const DEADLINE_MS = 120_000;

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

type Outcome = { status: number } | { cut: string };

/** Streams `BODY_BYTES` of junk; resolves with the status, or how the hub cut the connection. */
function upload(base: URL, headers: Record<string, string>, chunked: boolean, live: Set<ClientRequest>): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(new URL(UPLOAD_PATH, base), {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', ...headers, ...(chunked ? {} : { 'content-length': String(BODY_BYTES) }) },
    });
    live.add(req);
    let settled = false;
    const settle = (o: Outcome) => {
      if (settled) return;
      settled = true;
      live.delete(req);
      resolve(o);
    };
    req.on('response', (res) => {
      res.resume();
      settle({ status: res.statusCode ?? 0 });
    });
    req.on('error', (err: NodeJS.ErrnoException) => settle({ cut: err.code ?? err.message }));
    req.on('close', () => settle({ cut: 'closed' }));
    let sent = 0;
    const pump = () => {
      while (sent < BODY_BYTES && !req.destroyed) {
        sent += CHUNK.length;
        if (!req.write(CHUNK)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

async function health(base: URL): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(new URL('/v1/health', base), { signal: AbortSignal.timeout(DEADLINE_MS) });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}

test(`${CLIENTS} concurrent unsigned 32 MiB uploads leave the hub under 300 MB and answering`, async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/hub/support/standalone-hub.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const live = new Set<ClientRequest>();
  try {
    const lines = createInterface({ input: child.stdout! });
    const base = await new Promise<URL>((resolve, reject) => {
      lines.on('line', (line) => line.startsWith('listening ') && resolve(new URL(line.slice('listening '.length))));
      child.once('exit', (code) => reject(new Error(`the hub exited (${code}) before listening`)));
    });
    const pid = child.pid!;
    assert.equal((await health(base)).status, 200);
    const before = memory(pid);

    const lab = await p.ed25519FromSeed(seed(40));
    const forged = await signLabRequest(p, await p.ed25519FromSeed(seed(99)), { hub: 'vendor-hub', lab: 'acme-lab', method: 'POST', path: UPLOAD_PATH, body: utf8('{}') }, Math.floor(Date.now() / 1000));
    const started = performance.now();
    const uploads = Array.from({ length: CLIENTS }, (_, i) => {
      if (i % 3 === 0) return upload(base, {}, false, live);
      if (i % 3 === 1) return upload(base, {}, true, live);
      return upload(base, { [LAB_SIGNATURE_HEADER]: forged }, false, live);
    });
    const done = Promise.all(uploads);

    // RSS is sampled on its own timer, so a slow health check cannot hide a climb.
    let maxRss = before.rss;
    let overBound = false;
    const sampler = setInterval(() => {
      maxRss = Math.max(maxRss, memory(pid).rss);
      if (maxRss > RSS_BOUND && !overBound) {
        overBound = true;
        for (const req of live) req.destroy();
      }
    }, 50);
    // Health is asked every 100 ms, without waiting for the previous answer, for as long as the flood runs.
    const healthChecks: Promise<{ status: number; ms: number }>[] = [];
    healthChecks.push(health(base));
    const asker = setInterval(() => healthChecks.push(health(base)), 100);
    try {
      await done;
    } finally {
      clearInterval(asker);
      clearInterval(sampler);
    }
    const outcomes = await done;
    const elapsed = performance.now() - started;
    const answered = await Promise.all(healthChecks);
    const after = memory(pid);
    const statuses = outcomes.map((o) => ('status' in o ? String(o.status) : `cut:${o.cut}`));
    const tally = Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length]));
    const ms = answered.map((h) => h.ms).sort((a, b) => a - b);
    t.diagnostic(
      `hub RSS before ${(before.rss / 2 ** 20).toFixed(0)} MB, max sampled ${(maxRss / 2 ** 20).toFixed(0)} MB, kernel peak (VmHWM) ${(after.peak / 2 ** 20).toFixed(0)} MB; ` +
        `flood ${(elapsed / 1000).toFixed(1)} s; ${answered.length} health checks, p50 ${ms[Math.floor(ms.length / 2)]?.toFixed(0)} ms, max ${ms.at(-1)?.toFixed(0)} ms; outcomes ${JSON.stringify(tally)}`,
    );

    assert.equal(overBound, false, `hub RSS passed ${RSS_BOUND / 2 ** 20} MB during the flood (${(maxRss / 2 ** 20).toFixed(0)} MB)`);
    assert.ok(after.peak < RSS_BOUND, `hub peak RSS ${(after.peak / 2 ** 20).toFixed(0)} MB`);
    assert.deepEqual(answered.filter((h) => h.status !== 200), [], 'every health check asked during the flood answered 200');
    assert.ok(!statuses.some((s) => /^[25]/.test(s)), `no upload was accepted and none failed the hub: ${JSON.stringify(tally)}`);

    // Still serving: health, and a request the lab really signed.
    assert.equal((await health(base)).status, 200);
    const path = '/v1/labs/acme-lab/devices';
    const header = await signLabRequest(p, lab, { hub: 'vendor-hub', lab: 'acme-lab', method: 'GET', path, body: new Uint8Array(0) }, Math.floor(Date.now() / 1000));
    const signed = await fetch(new URL(path, base), { headers: { [LAB_SIGNATURE_HEADER]: header } });
    assert.equal(signed.status, 200, await signed.text());
  } finally {
    for (const req of live) req.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
  }
});

test('a signed body that could take more than is left of the body budget is refused with BUSY before it is read', async () => {
  // In-process requests declare no length, so each reserves its endpoint's limit: 16 KiB for a campaign, 32 MiB for an upload.
  const h = await Harness.open('sqlite', { bodyBudget: 64 * 1024 });
  try {
    const acme = await makeLab(h, 'acme-lab', 40);
    assert.equal((await putCampaign(h, acme, 'c1')).status, 200, 'a small signed body fits');
    const big = await uploadItems(h, acme, 'c1', [await sealFixture(acme, 'c1', 'i-1'), await sealFixture(acme, 'c1', 'i-2')]);
    assert.equal(big.status, 503, JSON.stringify(big.json));
    assert.equal(big.json.error.code, 'BUSY');
    const stored = await h.ctx.store.db.selectFrom('items').select('item').execute();
    assert.deepEqual(stored, []);
  } finally {
    await h.close();
  }
});
