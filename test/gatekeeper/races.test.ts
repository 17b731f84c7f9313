/**
 * 50 parallel requests at a cap never over-release: the count and the
 * reservation share one transaction (SQLite: one at a time; PostgreSQL: row
 * locks). Every decision, allowed or denied, is on the log.
 */
import assert from 'node:assert/strict';
import type { Harness } from './support/harness.js';
import { eachBackend } from './support/suite.js';

const N = 50;

async function race(h: Harness, items: (i: number) => number): Promise<{ granted: number; codes: Map<string, number> }> {
  const devices = await Promise.all(Array.from({ length: N }, (_, i) => h.device(`ann-${i}`)));
  const requests = await Promise.all(devices.map(async (d, i) => h.request(d, await h.assign(d, items(i)))));
  const answers = await Promise.all(requests.map((r) => h.post('v1/release', r)));
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
