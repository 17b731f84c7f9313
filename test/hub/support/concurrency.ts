/**
 * 50 annotators ask for work at the same moment, twice: the overlap is never
 * exceeded and nobody gets an item twice, whatever order the database serves
 * them in. With `hubs: 2` (PostgreSQL) the annotators are split between two
 * hubs, each with its own connection pool, over one schema: the rules hold
 * across processes because they rest on row claims, not on anything in one
 * process's memory.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Assignment } from '../../../src/core/assignment.js';
import { Harness, lease, makeLab, makeWorker, putCampaign, sealFixture, uploadItems, type DbKind, type Lab, type Worker } from './harness.js';
import { labelFor, submit } from './hub-suite.js';

const ANNOTATORS = 50;
const ITEMS = 20;
const OVERLAP = 3;

export function defineConcurrency(kind: DbKind, available: () => Promise<boolean>, gate: (t: TestContext) => Promise<boolean>, hubs: 1 | 2 = 1) {
  describe(`concurrent leases on ${kind}${hubs === 2 ? ', two hubs over one schema' : ''}`, () => {
    let h: Harness;
    let second: Harness | undefined;
    const hubOf = (i: number): Harness => (i % 2 === 1 && second !== undefined ? second : h);
    let acme: Lab;
    let workers: Worker[] = [];
    before(async () => {
      if (!(await available())) return;
      h = await Harness.open(kind);
      acme = await makeLab(h, 'acme-lab', 40);
      await putCampaign(h, acme, 'rush', { overlap: OVERLAP });
      const items = await Promise.all(Array.from({ length: ITEMS }, (_, i) => sealFixture(acme, 'rush', `r-${String(i).padStart(2, '0')}`)));
      assert.equal((await uploadItems(h, acme, 'rush', items)).status, 200);
      workers = await Promise.all(Array.from({ length: ANNOTATORS }, (_, i) => makeWorker(h, [acme], `ann-${i}`, 100 + 2 * i, { direct: true })));
      if (hubs === 2) second = await h.peer();
    });
    after(async () => {
      await second?.close();
      await h?.close();
    });

    test(`${ANNOTATORS} annotators at once never exceed overlap ${OVERLAP} and never get an item twice`, async (t) => {
      if (!(await gate(t))) return;
      const rounds: Map<string, string[]> = new Map(workers.map((w) => [w.id, []]));
      let granted = 0;
      for (let round = 0; round < 2; round++) {
        const answers = await Promise.all(workers.map((w, i) => lease(hubOf(i), w, acme, 'rush')));
        const perItem = new Map<string, number>();
        for (const [i, r] of answers.entries()) {
          if (r.status === 404) {
            assert.equal(r.json.error.code, 'NO_ITEM_AVAILABLE');
            continue;
          }
          assert.equal(r.status, 200, JSON.stringify(r.json));
          const a = r.json.assignment as Assignment;
          granted++;
          rounds.get(workers[i]!.id)!.push(a.body.item);
          perItem.set(a.body.item, (perItem.get(a.body.item) ?? 0) + 1);
        }
        // Everyone who got an item submits, so the next round sees filled slots.
        await Promise.all(
          answers.map(async (r, i) => {
            if (r.status !== 200) return;
            const w = workers[i]!;
            const done = await submit(hubOf(i), w, acme, r.json.assignment, await labelFor(w, acme, r.json.assignment));
            assert.equal(done.status, 201, JSON.stringify(done.json));
          }),
        );
      }
      assert.equal(granted, ITEMS * OVERLAP, 'every slot was filled exactly once');
      for (const [who, items] of rounds) assert.equal(new Set(items).size, items.length, `${who} got an item twice: ${items.join(', ')}`);
      const counts = await h.ctx.store.db
        .selectFrom('leases')
        .select(['item', (f) => f.fn.countAll<number>().as('n')])
        .where('campaign', '=', 'rush')
        .groupBy('item')
        .execute();
      assert.equal(counts.length, ITEMS);
      for (const c of counts) assert.equal(Number(c.n), OVERLAP, `item ${c.item} was leased ${c.n} times`);
    });

    test('one annotator asking 12 times at once gets one lease, whichever hub answers', async (t) => {
      if (!(await gate(t))) return;
      await putCampaign(h, acme, 'solo', { overlap: OVERLAP });
      const items = await Promise.all(Array.from({ length: 12 }, (_, i) => sealFixture(acme, 'solo', `s-${String(i).padStart(2, '0')}`)));
      assert.equal((await uploadItems(h, acme, 'solo', items)).status, 200);
      const w = workers[0]!;
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => lease(hubOf(i), w, acme, 'solo')));
      for (const r of answers) assert.equal(r.status, 200, JSON.stringify(r.json));
      const leases = new Set(answers.map((r) => (r.json.assignment as Assignment).body.lease));
      assert.equal(leases.size, 1, `one annotator got ${leases.size} leases at once`);
    });
  });
}
