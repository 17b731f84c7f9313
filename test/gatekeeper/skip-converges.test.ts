/**
 * Issue 16, "a workflow that converges", end to end: the demo's exchange
 * (hub, gatekeeper, witness) with five SDK bots that skip most of what they
 * are given. A skip returns the item to the hub's queue, and the device's
 * release-ended notice frees its overlap place at the gatekeeper, so the next
 * bot gets the key: every item ends up labelled, no bot is refused a key, and
 * the log holds one `skip` record per skip. Before the notice, the next bot
 * was refused with OVERLAP_CAP and the run stalled at "28 of 30".
 * On SQLite, and on PostgreSQL when it answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAccessRecord } from '../../src/core/access-record.js';
import { botSkips, runBots } from '../../src/cli/demo/bots.js';
import { DataDirLayout, startExchange } from '../../src/cli/demo/exchange.js';
import { DEMO_DATASET } from '../../src/cli/demo-command.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { readEntry } from '../../src/log/tile-reader.js';
import { buildWorkstation } from '../../src/workstation/build.js';
import { needs } from '../support/environment.js';
import { POSTGRES_URL, dropSchema, freshSchemaName, postgresAvailable } from '../storage/support/postgres.js';

let bundleDir = '';
const temps: string[] = [];

before(async () => {
  bundleDir = await mkdtemp(join(tmpdir(), 'keyhole-skip-bundle-'));
  temps.push(bundleDir);
  await buildWorkstation(bundleDir);
});

after(async () => {
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

async function converges(db: { db: string; pgSchemaPrefix: string } | undefined): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyhole-skip-'));
  temps.push(dataDir);
  const ex = await startExchange({ dataDir, dataset: DEMO_DATASET, format: 'auto', bundleDir, monitor: false, overlap: 1, pace: { perMinute: 100_000, perHour: 1_000_000 }, ...(db ?? {}) });
  try {
    // Item ids (so which bot first leases which item) differ per run; at this rate about half the items are skipped at
    // least once, and a run with no skip at all has odds near 1e-9, so the scenario is always exercised.
    const run = await runBots(ex, { count: 5, skipRate: 0.6 });
    assert.deepEqual(run.results.map((r) => String(r.stopped)), Array(5).fill('queue-empty'), 'no bot was refused a key or stopped early');
    assert.ok(run.skips.length >= 1, `the bots skipped (${run.skips.length} skips)`);
    const labelled = new Set(run.choices.map((c) => c.item));
    const items = (await ex.store.requireLedger()).items.map((i) => i.item);
    assert.equal(items.length, 30);
    assert.deepEqual([...items].filter((i) => !labelled.has(i)), [], 'every item is labelled');
    assert.equal(run.choices.length, items.length, 'once each (overlap 1)');
    for (const s of run.skips) assert.ok(!run.choices.some((c) => c.item === s.item && c.annotator === s.annotator), `${s.annotator} skipped ${s.item} and did not label it`);

    const report = await ex.collect();
    assert.equal(report.total.itemsLabelled, items.length);

    const size = ex.gk.audit.size;
    const storage = new FileSystemStorage(join(dataDir, DataDirLayout.logDir));
    const records = [];
    for (let i = 0; i < size; i++) records.push(decodeAccessRecord(await readEntry(storage, i, size)));
    assert.equal(records.filter((r) => r.kind === 'skip').length, run.skips.length, 'each skip is on the log');
    assert.deepEqual(records.filter((r) => r.kind === 'deny').map((r) => r.reason), [], 'no key was refused');
  } finally {
    await ex.close();
  }
}

test('every item keeps `overlap` bots that never skip it, and the others skip about skipRate of it', () => {
  for (const [count, overlap] of [[5, 1], [4, 2], [3, 3]] as const) {
    let skips = 0;
    for (let i = 0; i < 2000; i++) {
      const skippers = Array.from({ length: count }, (_, b) => botSkips(`item-${i}`, b, count, overlap, 0.5)).filter(Boolean).length;
      assert.ok(count - skippers >= overlap, `item-${i}: only ${count - skippers} of ${count} bots would label it, overlap ${overlap}`);
      skips += skippers;
    }
    const rate = skips / (2000 * (count - overlap) || 1);
    assert.ok(overlap === count ? skips === 0 : Math.abs(rate - 0.5) < 0.05, `skip rate ${rate} for ${count} bots, overlap ${overlap}`);
  }
});

test('SQLite: bots that skip still label every item', { timeout: 300_000 }, async () => {
  await converges(undefined);
});

test('PostgreSQL: bots that skip still label every item', { timeout: 300_000 }, async (t) => {
  if (!needs(t, await postgresAvailable(), 'PostgreSQL at 127.0.0.1:5432')) return;
  const prefix = freshSchemaName();
  try {
    await converges({ db: POSTGRES_URL, pgSchemaPrefix: prefix });
  } finally {
    for (const part of ['hub', 'gatekeeper']) await dropSchema(`${prefix}_${part}`);
  }
});
