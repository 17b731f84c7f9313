/**
 * Issue 14 finding 5: a suspended device kept its open lease (renew returned
 * a fresh signed assignment, the item fetch answered 200). Suspension, by the
 * lab (device or annotator, through its signed API) or by the vendor
 * (annotator account), ends open leases at once: renewal, item fetch and
 * submission are refused, the slot is given back, and nothing of another
 * lab's work changes.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Assignment } from '../../../src/core/assignment.js';
import { setSuspended } from '../../../src/hub/accounts.js';
import { HubLabClient } from '../../../src/lab/hub-lab-client.js';
import { p } from '../../support/fixtures.js';
import { HUB_ID, Harness, lease, makeLab, makeWorker, putCampaign, sealFixture, uploadItems, type DbKind, type Lab, type Response, type Worker } from './harness.js';
import { labelFor, submit } from './hub-suite.js';

const leasePath = (lab: Lab, a: Assignment) => `/v1/labs/${lab.id}/campaigns/${a.body.campaign}/leases/${a.body.lease}`;

function refused(r: Response, what: string): void {
  assert.ok(r.status >= 400 && r.status < 500, `${what}: ${r.status} ${JSON.stringify(r.json)}`);
}

export function defineSuspension(kind: DbKind, available: () => Promise<boolean>, gate: (t: TestContext) => Promise<boolean>) {
  describe(`suspension ends open leases on ${kind}`, () => {
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

    /** A one-item campaign at overlap 1, and `w` holding its only lease. */
    async function holding(campaign: string, w: Worker, lab = acme): Promise<Assignment> {
      await putCampaign(h, lab, campaign, { overlap: 1 });
      await uploadItems(h, lab, campaign, [await sealFixture(lab, campaign, `${campaign}-1`)]);
      const granted = await lease(h, w, lab, campaign);
      assert.equal(granted.status, 200, JSON.stringify(granted.json));
      return granted.json.assignment;
    }

    async function leaseState(a: Assignment): Promise<string> {
      return (await h.ctx.store.db.selectFrom('leases').select('state').where('id', '=', a.body.lease).executeTakeFirstOrThrow()).state;
    }

    async function assertEnded(w: Worker, lab: Lab, a: Assignment): Promise<void> {
      refused(await h.session(w.token, 'POST', `${leasePath(lab, a)}/renew`), 'renew');
      refused(await h.session(w.token, 'GET', `${leasePath(lab, a)}/item`), 'item fetch');
      refused(await submit(h, w, lab, a, await labelFor(w, lab, a)), 'submission');
      assert.equal(await leaseState(a), 'revoked');
    }

    test('a device the lab suspends loses its open lease at once, and the slot goes to someone else', async (t) => {
      if (!(await gate(t))) return;
      const w = await makeWorker(h, [acme], 'ann-dev', 60, { direct: true });
      const a = await holding('dev', w);
      assert.equal((await h.session(w.token, 'GET', `${leasePath(acme, a)}/item`)).status, 200);
      assert.equal((await h.labRequest(acme, 'PUT', `/v1/labs/acme-lab/devices/${w.device}`, { state: 'suspended' })).status, 200);
      await assertEnded(w, acme, a);
      const next = await makeWorker(h, [acme], 'ann-dev-2', 61, { direct: true });
      const taken = await lease(h, next, acme, 'dev');
      assert.equal(taken.status, 200, 'the revoked lease gave its slot back');
      assert.equal(taken.json.assignment.body.item, a.body.item);
      // Reapproval does not revive the ended lease.
      assert.equal((await h.labRequest(acme, 'PUT', `/v1/labs/acme-lab/devices/${w.device}`, { state: 'approved' })).status, 200);
      refused(await h.session(w.token, 'POST', `${leasePath(acme, a)}/renew`), 'renew after reapproval');
    });

    test("an annotator the lab suspends loses their leases in that lab only, until reinstated", async (t) => {
      if (!(await gate(t))) return;
      const w = await makeWorker(h, [acme, other], 'ann-lab', 62, { direct: true });
      const a = await holding('ann', w);
      const b = await holding('ann-other', w, other);
      const suspended = await h.labRequest(acme, 'PUT', '/v1/labs/acme-lab/annotators/ann-lab', { state: 'suspended' });
      assert.equal(suspended.status, 200, JSON.stringify(suspended.json));
      assert.deepEqual(suspended.json, { annotator: 'ann-lab', state: 'suspended', leasesEnded: 1 });
      await assertEnded(w, acme, a);
      const again = await lease(h, w, acme, 'ann');
      assert.equal(again.json.error.code, 'SUSPENDED');
      const campaigns = await h.session(w.token, 'GET', '/v1/campaigns');
      assert.deepEqual(campaigns.json.campaigns.map((c: { body: { lab: string } }) => c.body.lab), ['other-lab'], "the lab's campaigns are hidden");
      // The other lab's work is untouched.
      assert.equal((await h.session(w.token, 'POST', `${leasePath(other, b)}/renew`)).status, 200);
      assert.equal((await submit(h, w, other, b, await labelFor(w, other, b))).status, 201);

      await putCampaign(h, acme, 'ann-2', { overlap: 1 });
      await uploadItems(h, acme, 'ann-2', [await sealFixture(acme, 'ann-2', 'ann-2-1')]);
      assert.equal((await h.labRequest(acme, 'PUT', '/v1/labs/acme-lab/annotators/ann-lab', { state: 'active' })).status, 200);
      assert.equal((await lease(h, w, acme, 'ann-2')).status, 200, 'reinstated');
    });

    test("a lab can only suspend annotators of its own roster, with its own signature", async (t) => {
      if (!(await gate(t))) return;
      await makeWorker(h, [other], 'ann-foreign', 63, { direct: true });
      const foreign = await h.labRequest(acme, 'PUT', '/v1/labs/acme-lab/annotators/ann-foreign', { state: 'suspended' });
      assert.equal(foreign.status, 404);
      assert.equal((await h.labRequest(other, 'PUT', '/v1/labs/acme-lab/annotators/ann-foreign', { state: 'suspended' })).status, 403);
      assert.equal((await h.request('PUT', '/v1/labs/other-lab/annotators/ann-foreign', { body: { state: 'suspended' } })).status, 401);
      const row = await h.ctx.store.db.selectFrom('roster').select('suspended_at').where('lab', '=', 'other-lab').where('annotator', '=', 'ann-foreign').executeTakeFirstOrThrow();
      assert.equal(row.suspended_at, null);
    });

    test('the vendor suspending an account ends its open leases in every lab', async (t) => {
      if (!(await gate(t))) return;
      const w = await makeWorker(h, [acme, other], 'ann-vendor', 64, { direct: true });
      const a = await holding('vendor', w);
      const b = await holding('vendor-other', w, other);
      await setSuspended(h.ctx, w.id, true);
      assert.equal(await leaseState(a), 'revoked');
      assert.equal(await leaseState(b), 'revoked');
      const next = await makeWorker(h, [acme], 'ann-vendor-2', 65, { direct: true });
      assert.equal((await lease(h, next, acme, 'vendor')).status, 200, 'the slot was given back');
    });

    test("the lab's client suspends and reinstates through the signed endpoint", async (t) => {
      if (!(await gate(t))) return;
      const w = await makeWorker(h, [acme], 'ann-client', 66, { direct: true });
      const a = await holding('client', w);
      const realNow = Math.floor(Date.now() / 1000);
      const frozen = h.now;
      h.now = realNow; // the client signs with the wall clock
      const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
      try {
        await new Promise((r) => server.once('listening', r));
        const { port } = server.address() as AddressInfo;
        const client = new HubLabClient(`http://127.0.0.1:${port}/`, HUB_ID, acme.id, acme.signer, p);
        assert.equal(await client.setAnnotatorState(w.id, 'suspended'), 1);
        assert.equal(await leaseState(a), 'revoked');
        assert.equal(await client.setAnnotatorState(w.id, 'active'), 0);
      } finally {
        h.now = frozen;
        await new Promise((r) => server.close(r));
      }
    });
  });
}
