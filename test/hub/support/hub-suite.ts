/**
 * The hub's behaviour, defined once and run against each database
 * (test/hub/sqlite.test.ts, test/hub/postgres.test.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyAssignment, type Assignment } from '../../../src/core/assignment.js';
import { toBase64Url, utf8 } from '../../../src/core/bytes.js';
import { openLabel, sealLabel, type SealedLabel } from '../../../src/core/label.js';
import { openLabSection } from '../../../src/core/lab-section.js';
import { openItem } from '../../../src/core/sealed-item.js';
import { unwrapDek, inspectItem } from '../../../src/core/sealed-item.js';
import { setSuspended, revokeAllSessions } from '../../../src/hub/accounts.js';
import { labFixture, p } from '../../support/fixtures.js';
import { Harness, lease, makeLab, makeWorker, putCampaign, sealFixture, uploadItems, type DbKind, type Lab, type Worker } from './harness.js';

export async function labelFor(w: Worker, lab: Lab, a: Assignment, text = 'A is better'): Promise<SealedLabel> {
  const b = a.body;
  return sealLabel(
    p,
    { v: 1, lab: b.lab, campaign: b.campaign, item: b.item, digest: b.digest, lease: b.lease, annotator: b.annotator, device: b.device, resultKey: toBase64Url(lab.resultKey.publicKey) },
    utf8(text),
    w.signer,
  );
}

export function submit(h: Harness, w: Worker, lab: Lab, a: Assignment, label: unknown) {
  return h.session(w.token, 'POST', `/v1/labs/${lab.id}/campaigns/${a.body.campaign}/leases/${a.body.lease}/submission`, label);
}

export function defineHubSuite(kind: DbKind, available: () => Promise<boolean>, gate: (t: import('node:test').TestContext) => Promise<boolean>) {
  describe(`hub on ${kind}`, () => {
    let h: Harness;
    let acme: Lab;
    let other: Lab;
    before(async () => {
      if (!(await available())) return;
      h = await Harness.open(kind);
      acme = await makeLab(h, 'acme-lab', 40);
      other = await makeLab(h, 'other-lab', 50);
    });
    after(async () => {
      await h?.close();
    });

    test('an item goes from upload through lease, fetch, renewal and submission to the lab', async (t) => {
      if (!(await gate(t))) return;
      assert.equal((await putCampaign(h, acme, 'flow')).status, 200);
      const items = [await sealFixture(acme, 'flow', 'item-1'), await sealFixture(acme, 'flow', 'item-2')];
      const up = await uploadItems(h, acme, 'flow', items);
      assert.equal(up.status, 200, JSON.stringify(up.json));
      assert.deepEqual(up.json.items.map((i: { status: string }) => i.status), ['stored', 'stored']);
      const again = await uploadItems(h, acme, 'flow', items);
      assert.deepEqual(again.json.items.map((i: { status: string }) => i.status), ['exists', 'exists'], 'a re-upload is idempotent');
      const third = await sealFixture(acme, 'flow', 'item-3');
      const missing = await h.labRequest(acme, 'POST', `/v1/labs/acme-lab/campaigns/flow/items/missing`, { items: [...items, third].map((i) => ({ item: i.item, digest: i.digest })) });
      assert.deepEqual(missing.json, { missing: ['item-3'] });

      const w = await makeWorker(h, [acme], 'ann-flow', 60, { approve: false });
      const pending = await h.labRequest(acme, 'GET', '/v1/labs/acme-lab/devices?state=pending');
      assert.deepEqual(pending.json.devices.map((d: { device: string }) => d.device), [w.device]);
      assert.equal((await lease(h, w, acme, 'flow')).status, 403, 'a pending device gets no lease');
      assert.equal((await h.labRequest(acme, 'PUT', `/v1/labs/acme-lab/devices/${w.device}`, { state: 'approved' })).status, 200);

      const campaigns = await h.session(w.token, 'GET', '/v1/campaigns');
      assert.deepEqual(campaigns.json.campaigns.map((c: { body: { campaign: string } }) => c.body.campaign), ['flow']);

      const granted = await lease(h, w, acme, 'flow');
      assert.equal(granted.status, 200, JSON.stringify(granted.json));
      const assignment = await verifyAssignment(p, h.ctx.identity.signer.publicKey, granted.json.assignment, h.now);
      assert.equal(assignment.body.item, 'item-1');
      assert.equal(assignment.body.digest, items[0]!.digest);
      assert.equal(assignment.body.device, w.device);
      assert.deepEqual((await lease(h, w, acme, 'flow')).json, granted.json, 'asking again returns the same lease');

      const fetched = await h.session(w.token, 'GET', `/v1/labs/acme-lab/campaigns/flow/leases/${assignment.body.lease}/item`);
      assert.equal(fetched.status, 200);
      assert.deepEqual(fetched.bytes, items[0]!.sealed);
      // The workstation opens it with the DEK the gatekeeper releases (here unwrapped with the fixture KEK).
      const { kek } = await labFixture();
      const dek = await unwrapDek(p, kek, await inspectItem(p, fetched.bytes));
      assert.equal(new TextDecoder().decode(await openItem(p, fetched.bytes, { labPublicKey: acme.signer.publicKey, dek, now: h.now })), 'plaintext of item-1');

      h.now += 300;
      const renewed = await h.session(w.token, 'POST', `/v1/labs/acme-lab/campaigns/flow/leases/${assignment.body.lease}/renew`);
      assert.equal(renewed.status, 200);
      assert.equal(renewed.json.assignment.body.expires, h.now + 600);

      const label = await labelFor(w, acme, renewed.json.assignment);
      const receipt = await submit(h, w, acme, renewed.json.assignment, label);
      assert.equal(receipt.status, 201, JSON.stringify(receipt.json));
      assert.deepEqual((await submit(h, w, acme, renewed.json.assignment, label)).json, receipt.json, 'the same label again gets the same receipt');
      const relabel = await labelFor(w, acme, renewed.json.assignment, 'B is better');
      assert.equal((await submit(h, w, acme, renewed.json.assignment, relabel)).status, 409);

      const pulled = await h.labRequest(acme, 'GET', '/v1/labs/acme-lab/campaigns/flow/submissions?after=0&limit=10');
      assert.equal(pulled.status, 200);
      assert.equal(pulled.json.submissions.length, 1);
      const opened = await openLabel(p, pulled.json.submissions[0].label, w.keys, acme.resultKey);
      assert.equal(new TextDecoder().decode(opened.plaintext), 'A is better');

      const section = await h.labRequest(acme, 'GET', '/v1/labs/acme-lab/campaigns/flow/items/item-1/lab-section');
      assert.equal(new TextDecoder().decode(await openLabSection(p, acme.kex, (await inspectItem(p, items[0]!.sealed)).digest, section.bytes)), '{"source":"item-1"}');
    });

    test('overlap, never twice, skip, expiry and the end of the queue', async (t) => {
      if (!(await gate(t))) return;
      await putCampaign(h, acme, 'queue', { overlap: 2, leaseSeconds: 60 });
      await uploadItems(h, acme, 'queue', [await sealFixture(acme, 'queue', 'q-1'), await sealFixture(acme, 'queue', 'q-2')]);
      const [a, b, c] = [await makeWorker(h, [acme], 'ann-qa', 61), await makeWorker(h, [acme], 'ann-qb', 62), await makeWorker(h, [acme], 'ann-qc', 63)];
      const la = (await lease(h, a, acme, 'queue')).json.assignment as Assignment;
      const lb = (await lease(h, b, acme, 'queue')).json.assignment as Assignment;
      assert.equal(la.body.item, 'q-1');
      assert.equal(lb.body.item, 'q-1', 'overlap 2: two annotators on q-1');
      const lc = (await lease(h, c, acme, 'queue')).json.assignment as Assignment;
      assert.equal(lc.body.item, 'q-2', 'q-1 is full, so the third annotator gets q-2');

      const skipped = await h.session(a.token, 'POST', `/v1/labs/acme-lab/campaigns/queue/leases/${la.body.lease}/skip`, { reason: 'cannot-judge' });
      assert.equal(skipped.status, 200);
      const la2 = (await lease(h, a, acme, 'queue')).json.assignment as Assignment;
      assert.equal(la2.body.item, 'q-2', 'a skipped item is never offered again to the same annotator');
      assert.equal((await h.session(a.token, 'POST', `/v1/labs/acme-lab/campaigns/queue/leases/${la.body.lease}/skip`, { reason: 'other' })).status, 409);

      assert.equal((await submit(h, b, acme, lb, await labelFor(b, acme, lb))).status, 201);
      const none = await lease(h, b, acme, 'queue');
      assert.equal(none.status, 404);
      assert.equal(none.json.error.code, 'NO_ITEM_AVAILABLE');

      h.now += 61; // c's lease on q-2 expires; its slot frees up
      assert.equal((await submit(h, c, acme, lc, await labelFor(c, acme, lc))).status, 409, 'an expired lease takes no label');
      assert.equal((await h.session(c.token, 'GET', `/v1/labs/acme-lab/campaigns/queue/leases/${lc.body.lease}/item`)).status, 409);
      const d = await makeWorker(h, [acme], 'ann-qd', 64);
      const ld = (await lease(h, d, acme, 'queue')).json.assignment as Assignment;
      assert.equal(ld.body.item, 'q-1', 'skip freed a slot on q-1');
      const le = await lease(h, c, acme, 'queue');
      assert.equal(le.json.error.code, 'NO_ITEM_AVAILABLE', 'q-1 is full again, and c never gets q-2 again although its lease expired');
    });

    test('gold items are mixed in, and reviewed items go to a reviewer', async (t) => {
      if (!(await gate(t))) return;
      await putCampaign(h, acme, 'gold', { overlap: 1 }, { goldEvery: 2, review: true });
      await uploadItems(h, acme, 'gold', await Promise.all(['g-1', 'g-2', 'g-3', 'g-4'].map((i) => sealFixture(acme, 'gold', i))));
      assert.equal((await uploadItems(h, acme, 'gold', [await sealFixture(acme, 'gold', 'gold-1')], true)).status, 200);
      const w = await makeWorker(h, [acme], 'ann-gold', 65);
      const seen: string[] = [];
      for (let i = 0; i < 4; i++) {
        const a = (await lease(h, w, acme, 'gold')).json.assignment as Assignment;
        seen.push(a.body.item);
        assert.equal((await submit(h, w, acme, a, await labelFor(w, acme, a))).status, 201);
      }
      assert.deepEqual(seen, ['g-1', 'g-2', 'gold-1', 'g-3']);
      const notReviewer = await lease(h, w, acme, 'gold', 'review');
      assert.equal(notReviewer.status, 403);
      const r = await makeWorker(h, [acme], 'ann-review', 66, { reviewer: true });
      const review = await lease(h, r, acme, 'gold', 'review');
      assert.equal(review.status, 200, JSON.stringify(review.json));
      assert.equal(review.json.stage, 'review');
      assert.equal(review.json.assignment.body.item, 'g-1');
      assert.equal((await submit(h, r, acme, review.json.assignment, await labelFor(r, acme, review.json.assignment))).status, 201);
      const pulled = await h.labRequest(acme, 'GET', '/v1/labs/acme-lab/campaigns/gold/submissions');
      assert.deepEqual(pulled.json.submissions.map((s: { stage: string }) => s.stage), ['annotate', 'annotate', 'annotate', 'annotate', 'review']);
    });

    test('sessions: expired, revoked and suspended are refused; logout works', async (t) => {
      if (!(await gate(t))) return;
      const w = await makeWorker(h, [acme], 'ann-sess', 67);
      assert.equal((await h.session(w.token, 'GET', '/v1/campaigns')).status, 200);
      assert.equal((await h.request('POST', '/v1/sessions', { body: { username: 'ann-sess', password: 'wrong password here' } })).status, 401);
      assert.equal((await h.request('POST', '/v1/sessions', { body: { username: 'nobody-here', password: 'wrong password here' } })).status, 401);
      await setSuspended(h.ctx, w.id, true);
      const suspended = await h.session(w.token, 'GET', '/v1/campaigns');
      assert.equal(suspended.json.error.code, 'SUSPENDED');
      assert.equal((await h.request('POST', '/v1/sessions', { body: { username: 'ann-sess', password: 'correct horse battery staple' } })).status, 403);
      await setSuspended(h.ctx, w.id, false);
      assert.equal((await h.session(w.token, 'DELETE', '/v1/sessions/current')).status, 200);
      assert.equal((await h.session(w.token, 'GET', '/v1/campaigns')).status, 401);
      const w2 = await h.request('POST', '/v1/sessions', { body: { username: 'ann-sess', password: 'correct horse battery staple' } });
      assert.equal(await revokeAllSessions(h.ctx, w.id), 1);
      assert.equal((await h.session(w2.json.token, 'GET', '/v1/campaigns')).status, 401);
      const w3 = await h.request('POST', '/v1/sessions', { body: { username: 'ann-sess', password: 'correct horse battery staple' } });
      h.now += 12 * 3600;
      const expired = await h.session(w3.json.token, 'GET', '/v1/campaigns');
      assert.equal(expired.status, 401);
      assert.match(expired.json.error.message, /expired/);
    });

    test('lab requests: forged, replayed, stale and foreign signatures are refused', async (t) => {
      if (!(await gate(t))) return;
      const path = '/v1/labs/acme-lab/devices';
      assert.equal((await h.labRequest(acme, 'GET', path)).status, 200);
      assert.equal((await h.labRequest(acme, 'GET', path, undefined, { signer: other.signer })).status, 401, 'signed with another key');
      assert.equal((await h.labRequest(acme, 'GET', path, undefined, { time: h.now - 61 })).status, 401, 'stale');
      assert.equal((await h.labRequest(other, 'GET', path)).status, 403, 'another lab');
      assert.equal((await h.request('GET', path)).status, 401, 'unsigned');
      const { signLabRequest, LAB_SIGNATURE_HEADER } = await import('../../../src/hub/lab-request-signature.js');
      const header = await signLabRequest(p, acme.signer, { hub: 'vendor-hub', lab: 'acme-lab', method: 'GET', path, body: new Uint8Array(0) }, h.now);
      assert.equal((await h.request('GET', path, { headers: { [LAB_SIGNATURE_HEADER]: header } })).status, 200);
      const replay = await h.request('GET', path, { headers: { [LAB_SIGNATURE_HEADER]: header } });
      assert.equal(replay.status, 401);
      assert.match(replay.json.error.message, /replay/);
      const elsewhere = await h.request('GET', `${path}?state=approved`, { headers: { [LAB_SIGNATURE_HEADER]: header } });
      assert.equal(elsewhere.status, 401, 'a signature covers the exact path and query');
      const otherHub = await signLabRequest(p, acme.signer, { hub: 'another-hub', lab: 'acme-lab', method: 'GET', path, body: new Uint8Array(0) }, h.now);
      assert.equal((await h.request('GET', path, { headers: { [LAB_SIGNATURE_HEADER]: otherHub } })).status, 401, 'signed for another hub');
    });
  });
}
