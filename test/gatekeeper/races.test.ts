/**
 * 50 parallel requests at a cap never over-release: the count and the
 * reservation share one transaction (SQLite: one at a time; PostgreSQL: row
 * locks). Every decision, allowed or denied, is on the log.
 *
 * Parallel requests over HTTP overlap by chance only, so on PostgreSQL the
 * gated tests make them overlap for sure: a lock on the nonce table holds
 * every transaction at its nonce claim (after the vendor, campaign and item
 * rows are read) until as many as the pool runs at once are waiting there,
 * then lets them all go together.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { POSTGRES_URL } from '../storage/support/postgres.js';
import type { Harness } from './support/harness.js';
import { eachBackend } from './support/suite.js';

/** As many transactions as the harness's PostgreSQL pool (support/backends.ts) runs at once. */
const PG_POOL = 8;

/** Backends waiting on a lock held by `holder`, directly or behind another waiter. */
async function blockedBehind(client: pg.Client, holder: number): Promise<number> {
  // pg_locks, not pg_stat_activity: the latter is a snapshot frozen for the rest of the holder's transaction.
  const { rows } = await client.query<{ pid: number; blockers: number[] }>('select distinct pid, pg_blocking_pids(pid) as blockers from pg_locks where not granted');
  const behind = new Set<number>([holder]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) {
      if (behind.has(r.pid) || !r.blockers.some((b) => behind.has(b))) continue;
      behind.add(r.pid);
      grew = true;
    }
  }
  return behind.size - 1;
}

/** Runs `send` while the nonce table is locked; lets go once `waiters` transactions queue behind the lock (fails loudly after 60 s). */
async function releasedTogether<T>(h: Harness, waiters: number, send: () => Promise<T>): Promise<T> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(h.gk.db);
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`lock table "${rows[0]!.schema}".nonces in share mode`);
    const holder = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const answers = send();
    answers.catch(() => undefined);
    const deadline = Date.now() + 60_000;
    for (let queued = 0; queued < waiters; queued = await blockedBehind(client, holder)) {
      assert.ok(Date.now() < deadline, `only ${queued} of ${waiters} release transactions reached the nonce claim within 60 s`);
      await delay(20);
    }
    await client.query('commit');
    return await answers;
  } finally {
    await client.end();
  }
}

const N = 50;

async function race(h: Harness, items: (i: number) => number, gated = false): Promise<{ granted: number; codes: Map<string, number> }> {
  const devices = await Promise.all(Array.from({ length: N }, (_, i) => h.device(`ann-${i}`)));
  const requests = await Promise.all(devices.map(async (d, i) => h.request(d, await h.assign(d, items(i)))));
  const send = () => Promise.all(requests.map((r) => h.post('v1/release', r)));
  const answers = gated ? await releasedTogether(h, PG_POOL, send) : await send();
  const codes = new Map<string, number>();
  let granted = 0;
  for (const a of answers) {
    if (a.status === 200) granted++;
    else codes.set(a.body.error.code, (codes.get(a.body.error.code) ?? 0) + 1);
  }
  const records = await h.records();
  assert.equal(records.filter((r) => r.kind === 'release').length, granted, 'one release record per grant');
  assert.equal(records.filter((r) => r.kind === 'deny').length, N - granted, 'one deny record per denial');
  return { granted, codes };
}

eachBackend(`${N} parallel requests for one item at overlap 3: exactly 3 grants`, { campaign: { overlap: 3 } }, async (h) => {
  const { granted, codes } = await race(h, () => 0);
  assert.equal(granted, 3);
  assert.deepEqual([...codes], [['OVERLAP_CAP', N - 3]]);
  assert.equal(Number((await h.gk.db.selectFrom('releases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 3);
}, 120_000);

eachBackend(`${N} parallel requests against a vendor exposure budget of 7: exactly 7 grants`, { items: N, vendorBudget: 7, campaign: { overlap: 1 } }, async (h) => {
  const { granted, codes } = await race(h, (i) => i);
  assert.equal(granted, 7);
  assert.deepEqual([...codes], [['VENDOR_EXPOSURE', N - 7]]);
}, 120_000);

eachBackend(`${N} requests against a vendor exposure budget of 2, released together (PostgreSQL: at the nonce claim): exactly 2 grants`, { items: N, vendorBudget: 2, campaign: { overlap: 1 } }, async (h) => {
  const { granted, codes } = await race(h, (i) => i, h.gk.dialect === 'postgres');
  assert.equal(granted, 2);
  assert.deepEqual([...codes], [['VENDOR_EXPOSURE', N - 2]]);
}, 120_000);

eachBackend('two copies of one release request at once: one grant, the other refused as a REPLAY', {}, async (h) => {
  const d = await h.device('ann-1');
  const request = await h.request(d, await h.assign(d, 0));
  const send = () => Promise.all([h.post('v1/release', request), h.post('v1/release', request)]);
  const answers = h.gk.dialect === 'postgres' ? await releasedTogether(h, 2, send) : await send();
  // Refused (401, SPEC §7.3) or denied on the record (403): either way not a second key.
  assert.deepEqual(answers.map((a) => (a.status === 200 ? 'granted' : a.body.error.code)).sort(), ['REPLAY', 'granted']);
  assert.equal((await h.records()).filter((r) => r.kind === 'release').length, 1);
}, 120_000);
