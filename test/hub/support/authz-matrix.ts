/**
 * The authorization matrix: every endpoint that needs a caller, tried by
 * every wrong caller (no session, expired, revoked, suspended, another
 * annotator, another lab's annotator; for lab endpoints: unsigned, another
 * lab, a forged signature, a stale one, an annotator's session). Each is
 * refused with a 4xx, and the rightful caller still succeeds afterwards.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Assignment } from '../../../src/core/assignment.js';
import { toBase64Url } from '../../../src/core/bytes.js';
import { setSuspended } from '../../../src/hub/accounts.js';
import { signCampaignManifest } from '../../../src/core/campaign-manifest.js';
import { Harness, PASSWORD, lease, makeLab, makeWorker, manifestBody, putCampaign, sealFixture, uploadBody, uploadItems, type DbKind, type Lab, type Response, type Worker } from './harness.js';
import { labelFor, submit } from './hub-suite.js';

interface SessionEndpoint {
  name: string;
  /** The request made with `token`; `as` is the worker the token belongs to. */
  call(token: string, as: Worker): Promise<Response>;
  /** Wrong callers who hold a valid session but are not entitled (other annotator, other lab). */
  entitled: boolean;
}

function refused(r: Response, what: string): void {
  assert.ok(r.status >= 400 && r.status < 500, `${what}: expected a 4xx, got ${r.status} ${JSON.stringify(r.json)}`);
  assert.equal(typeof r.json?.error?.code, 'string', `${what}: error code`);
  assert.ok((r.json.error.message as string).length > 0, `${what}: error message`);
}

export function defineAuthorizationMatrix(kind: DbKind, available: () => Promise<boolean>, gate: (t: TestContext) => Promise<boolean>) {
  describe(`authorization matrix on ${kind}`, () => {
    let h: Harness;
    let acme: Lab;
    let other: Lab;
    let owner: Worker;
    let colleague: Worker;
    let outsider: Worker;
    let suspended: Worker;
    let expiredToken: string;
    let revokedToken: string;
    let held: Assignment;

    before(async () => {
      if (!(await available())) return;
      h = await Harness.open(kind);
      acme = await makeLab(h, 'acme-lab', 40);
      other = await makeLab(h, 'other-lab', 50);
      await putCampaign(h, acme, 'mx', { overlap: 1 });
      await putCampaign(h, other, 'mx', { overlap: 1 });
      await uploadItems(h, acme, 'mx', [await sealFixture(acme, 'mx', 'm-1'), await sealFixture(acme, 'mx', 'm-2'), await sealFixture(acme, 'mx', 'm-3')]);
      owner = await makeWorker(h, [acme], 'ann-owner', 70);
      colleague = await makeWorker(h, [acme], 'ann-colleague', 72);
      outsider = await makeWorker(h, [other], 'ann-outsider', 74);
      suspended = await makeWorker(h, [acme], 'ann-suspended', 76);
      held = (await lease(h, owner, acme, 'mx')).json.assignment;
      const susLease = await lease(h, suspended, acme, 'mx');
      assert.equal(susLease.status, 200);
      await setSuspended(h.ctx, suspended.id, true);
      const now = h.now;
      h.now = now - 13 * 3600;
      expiredToken = (await h.request('POST', '/v1/sessions', { body: { username: 'ann-owner', password: PASSWORD } })).json.token;
      h.now = now;
      revokedToken = (await h.request('POST', '/v1/sessions', { body: { username: 'ann-owner', password: PASSWORD } })).json.token;
      assert.equal((await h.session(revokedToken, 'DELETE', '/v1/sessions/current')).status, 200);
    });
    after(async () => {
      await h?.close();
    });

    const leasePath = () => `/v1/labs/acme-lab/campaigns/mx/leases/${held.body.lease}`;
    const sessionEndpoints: SessionEndpoint[] = [
      { name: 'GET /v1/campaigns', entitled: true, call: (t) => h.session(t, 'GET', '/v1/campaigns') },
      { name: 'POST /v1/devices', entitled: true, call: (t, w) => h.session(t, 'POST', '/v1/devices', { signing: toBase64Url(w.keys.signing), kex: toBase64Url(w.keys.kex) }) },
      { name: 'POST leases', entitled: false, call: (t, w) => h.session(t, 'POST', '/v1/labs/acme-lab/campaigns/mx/leases', { device: w.device }) },
      { name: 'POST renew', entitled: false, call: (t) => h.session(t, 'POST', `${leasePath()}/renew`) },
      { name: 'GET item', entitled: false, call: (t) => h.session(t, 'GET', `${leasePath()}/item`) },
      { name: 'POST submission', entitled: false, call: async (t, w) => h.session(t, 'POST', `${leasePath()}/submission`, await labelFor(w, acme, held)) },
      { name: 'POST skip', entitled: false, call: (t) => h.session(t, 'POST', `${leasePath()}/skip`, { reason: 'other' }) },
      { name: 'DELETE /v1/sessions/current', entitled: true, call: (t) => h.session(t, 'DELETE', '/v1/sessions/current') },
    ];

    test('session endpoints refuse no session, expired, revoked and suspended callers', async (t) => {
      if (!(await gate(t))) return;
      for (const e of sessionEndpoints) {
        refused(await e.call('', owner), `${e.name} without a session`);
        refused(await e.call('khs_' + 'A'.repeat(43), owner), `${e.name} with an unknown token`);
        refused(await e.call(expiredToken, owner), `${e.name} with an expired session`);
        refused(await e.call(revokedToken, owner), `${e.name} with a revoked session`);
        const s = await e.call(suspended.token, suspended);
        refused(s, `${e.name} by a suspended annotator`);
        assert.equal(s.json.error.code, 'SUSPENDED');
      }
    });

    test("lease endpoints refuse another annotator and another lab's annotator", async (t) => {
      if (!(await gate(t))) return;
      for (const e of sessionEndpoints.filter((x) => !x.entitled && x.name !== 'POST leases')) {
        refused(await e.call(colleague.token, colleague), `${e.name} on another annotator's lease`);
        refused(await e.call(outsider.token, outsider), `${e.name} by another lab's annotator`);
      }
      const foreign = await h.session(outsider.token, 'POST', '/v1/labs/acme-lab/campaigns/mx/leases', { device: outsider.device });
      refused(foreign, 'a lease in a lab the annotator does not work for');
      const wrongDevice = await h.session(colleague.token, 'POST', '/v1/labs/acme-lab/campaigns/mx/leases', { device: owner.device });
      refused(wrongDevice, "a lease on another annotator's device");
      const stolenDevice = await h.session(colleague.token, 'POST', '/v1/devices', { signing: toBase64Url(owner.keys.signing), kex: toBase64Url(owner.keys.kex) });
      assert.equal(stolenDevice.status, 409, "registering another annotator's device keys");
      const campaigns = await h.session(outsider.token, 'GET', '/v1/campaigns');
      assert.deepEqual(campaigns.json.campaigns.map((c: { body: { lab: string } }) => c.body.lab), ['other-lab'], 'an annotator sees only the campaigns of their labs');
      // The rightful holder is unaffected by all of the above.
      assert.equal((await h.session(owner.token, 'GET', `${leasePath()}/item`)).status, 200);
      assert.equal((await submit(h, owner, acme, held, await labelFor(owner, acme, held))).status, 201);
    });

    test('lab endpoints refuse unsigned, foreign, forged and stale requests and annotator sessions', async (t) => {
      if (!(await gate(t))) return;
      const device = owner.device;
      const labEndpoints: { name: string; method: 'GET' | 'POST' | 'PUT'; path: string; body?: () => Promise<unknown> }[] = [
        { name: 'PUT campaign', method: 'PUT', path: '/v1/labs/acme-lab/campaigns/mx', body: async () => ({ manifest: await signCampaignManifest(acme.signer, manifestBody(acme, 'mx')) }) },
        { name: 'POST items', method: 'POST', path: '/v1/labs/acme-lab/campaigns/mx/items', body: async () => uploadBody([await sealFixture(acme, 'mx', 'm-9')]) },
        { name: 'POST items/missing', method: 'POST', path: '/v1/labs/acme-lab/campaigns/mx/items/missing', body: async () => ({ items: [{ item: 'm-1', digest: held.body.digest }] }) },
        { name: 'GET lab-section', method: 'GET', path: '/v1/labs/acme-lab/campaigns/mx/items/m-1/lab-section' },
        { name: 'GET devices', method: 'GET', path: '/v1/labs/acme-lab/devices' },
        { name: 'PUT device', method: 'PUT', path: `/v1/labs/acme-lab/devices/${device}`, body: async () => ({ state: 'suspended' }) },
        { name: 'PUT annotator', method: 'PUT', path: `/v1/labs/acme-lab/annotators/${owner.id}`, body: async () => ({ state: 'suspended' }) },
        { name: 'GET submissions', method: 'GET', path: '/v1/labs/acme-lab/campaigns/mx/submissions' },
      ];
      for (const e of labEndpoints) {
        const body = e.body === undefined ? undefined : await e.body();
        refused(await h.request(e.method, e.path, body === undefined ? {} : { body }), `${e.name} unsigned`);
        refused(await h.request(e.method, e.path, { ...(body === undefined ? {} : { body }), headers: { authorization: `Bearer ${owner.token}` } }), `${e.name} with an annotator session`);
        const foreign = await h.labRequest(other, e.method, e.path, body);
        refused(foreign, `${e.name} signed by another lab`);
        refused(await h.labRequest(acme, e.method, e.path, body, { signer: other.signer }), `${e.name} claiming acme with another key`);
        refused(await h.labRequest(acme, e.method, e.path, body, { time: h.now + 3600 }), `${e.name} with a stale time`);
      }
      const state = await h.labRequest(acme, 'GET', '/v1/labs/acme-lab/devices');
      assert.ok(state.json.devices.every((d: { state: string }) => d.state === 'approved'), 'no refused request changed a device');
      const standing = await h.ctx.store.db.selectFrom('roster').select('suspended_at').where('lab', '=', 'acme-lab').where('annotator', '=', owner.id).executeTakeFirstOrThrow();
      assert.equal(standing.suspended_at, null, 'no refused request suspended an annotator');
      const items = await h.labRequest(acme, 'POST', '/v1/labs/acme-lab/campaigns/mx/items/missing', { items: [{ item: 'm-9', digest: held.body.digest }] });
      assert.deepEqual(items.json.missing, ['m-9'], 'no refused upload stored anything');
    });
  });
}
