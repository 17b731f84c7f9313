/**
 * Bad input: oversized bodies, malformed and foreign items, unknown versions,
 * forged manifests and labels, path tricks. Each gets a 4xx that names the
 * problem, without a stack trace, and the stored state is exactly as before.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Assignment } from '../../../src/core/assignment.js';
import { concat, toBase64Url, utf8 } from '../../../src/core/bytes.js';
import { signCampaignManifest } from '../../../src/core/campaign-manifest.js';
import { sealLabel } from '../../../src/core/label.js';
import { deviceFixture, p } from '../../support/fixtures.js';
import { Harness, lease, makeLab, makeWorker, manifestBody, putCampaign, sealFixture, uploadBody, uploadItems, type DbKind, type Lab, type Response, type Worker } from './harness.js';
import { labelFor, submit } from './hub-suite.js';

async function snapshot(h: Harness): Promise<string> {
  const db = h.ctx.store.db;
  const tables = ['labs', 'annotators', 'roster', 'devices', 'device_decisions', 'campaigns', 'items', 'leases', 'submissions'] as const;
  const out: Record<string, unknown> = {};
  for (const table of tables) out[table] = await db.selectFrom(table).selectAll().execute();
  // Stable order regardless of the database's row order.
  return JSON.stringify(Object.fromEntries(Object.entries(out).map(([k, rows]) => [k, (rows as object[]).map((r) => JSON.stringify(r)).sort()])));
}

function clearRefusal(r: Response, status: number | 'any4xx', pattern: RegExp, what: string): void {
  if (status === 'any4xx') assert.ok(r.status >= 400 && r.status < 500, `${what}: got ${r.status}`);
  else assert.equal(r.status, status, `${what}: ${JSON.stringify(r.json)}`);
  assert.match(r.json.error.message, pattern, what);
  assert.doesNotMatch(JSON.stringify(r.json), /\\n\s+at |node:internal|\.[jt]s:\d+/, `${what}: no stack trace`);
}

export function defineBadInput(kind: DbKind, available: () => Promise<boolean>, gate: (t: TestContext) => Promise<boolean>) {
  describe(`bad input on ${kind}`, () => {
    let h: Harness;
    let acme: Lab;
    let other: Lab;
    let w: Worker;
    let held: Assignment;
    before(async () => {
      if (!(await available())) return;
      h = await Harness.open(kind);
      acme = await makeLab(h, 'acme-lab', 40);
      other = await makeLab(h, 'other-lab', 50);
      await putCampaign(h, acme, 'bad');
      await putCampaign(h, acme, 'second');
      await uploadItems(h, acme, 'bad', [await sealFixture(acme, 'bad', 'b-1')]);
      w = await makeWorker(h, [acme], 'ann-bad', 80);
      held = (await lease(h, w, acme, 'bad')).json.assignment;
    });
    after(async () => {
      await h?.close();
    });

    test('malformed, foreign, truncated, expired and unknown-version items are refused and nothing is stored', async (t) => {
      if (!(await gate(t))) return;
      const before = await snapshot(h);
      const good = await sealFixture(acme, 'bad', 'b-2');
      const upload = (entries: { sealed: Uint8Array; labSection?: Uint8Array }[]) =>
        h.labRequest(acme, 'POST', '/v1/labs/acme-lab/campaigns/bad/items', { items: entries.map((e) => ({ sealed: toBase64Url(e.sealed), labSection: toBase64Url(e.labSection ?? good.labSection) })) });
      clearRefusal(await upload([{ sealed: utf8('not a sealed item at all') }]), 400, /does not start with "keyhole-item\/v1"/, 'garbage');
      const v2 = concat(utf8('keyhole-item/v2\n'), good.sealed.subarray(16));
      const unknown = await upload([{ sealed: v2 }]);
      clearRefusal(unknown, 400, /unknown version/, 'unknown version');
      assert.equal(unknown.json.error.code, 'UNKNOWN_VERSION');
      clearRefusal(await upload([good, { sealed: good.sealed.subarray(0, good.sealed.length - 1) }]), 400, /items\[1\].*(truncated|bucket implies)/, 'truncated item after a good one');
      clearRefusal(await upload([{ sealed: concat(good.sealed, new Uint8Array(1)) }]), 400, /bucket implies/, 'trailing bytes');
      clearRefusal(await upload([{ sealed: (await sealFixture(other, 'bad', 'b-3')).sealed }]), 400, /signature does not verify|lab is other-lab/, 'signed by another lab');
      clearRefusal(await upload([{ sealed: (await sealFixture(acme, 'second', 'b-4')).sealed }]), 400, /campaign is second, expected bad/, 'item of another campaign');
      clearRefusal(await upload([{ sealed: (await sealFixture(acme, 'bad', 'b-5', h.now - 1)).sealed }]), 400, /expired/, 'expired item');
      clearRefusal(await upload([{ sealed: good.sealed, labSection: new Uint8Array(10) }]), 400, /labSection/, 'lab section too short');
      const flipped = good.sealed.slice();
      flipped[40] = flipped[40]! ^ 1;
      clearRefusal(await upload([{ sealed: flipped }]), 400, /items\[0\]/, 'a flipped header bit');
      const sameId = await sealFixture(acme, 'bad', 'b-1');
      clearRefusal(await upload([sameId]), 409, /already stored with another digest/, 'another item under a stored id');
      clearRefusal(await uploadItems(h, acme, 'nope', [good]), 404, /campaign nope/, 'unknown campaign');
      assert.equal(await snapshot(h), before);
    });

    test('forged, foreign and unknown-version manifests are refused and the campaign is unchanged', async (t) => {
      if (!(await gate(t))) return;
      const before = await snapshot(h);
      const path = '/v1/labs/acme-lab/campaigns/bad';
      const forged = await signCampaignManifest(other.signer, manifestBody(acme, 'bad', { overlap: 9 }));
      clearRefusal(await h.labRequest(acme, 'PUT', path, { manifest: forged }), 400, /signature does not verify/, 'forged manifest');
      const genuine = await signCampaignManifest(acme.signer, manifestBody(acme, 'bad', { overlap: 9 }));
      clearRefusal(await h.labRequest(acme, 'PUT', path, { manifest: { ...genuine, body: { ...genuine.body, overlap: 10 } } }), 400, /signature does not verify/, 'altered manifest');
      clearRefusal(await h.labRequest(acme, 'PUT', path, { manifest: { ...genuine, body: { ...genuine.body, v: 2 } } }), 400, /field manifest.body.v/, 'unknown manifest version');
      clearRefusal(await h.labRequest(acme, 'PUT', '/v1/labs/acme-lab/campaigns/second', { manifest: genuine }), 400, /for campaign bad, not second/, 'manifest for another campaign');
      const foreignLab = await signCampaignManifest(acme.signer, manifestBody({ ...acme, id: 'other-lab' }, 'bad'));
      clearRefusal(await h.labRequest(acme, 'PUT', path, { manifest: foreignLab }), 400, /for lab other-lab/, 'manifest naming another lab');
      clearRefusal(await h.labRequest(acme, 'PUT', path, { manifest: genuine, workflow: { goldEvery: -1 } }), 400, /goldEvery/, 'bad workflow');
      clearRefusal(await h.labRequest(acme, 'PUT', path, { manifest: genuine, dek: 'AAAA' }), 400, /dek|Unrecognized/i, 'an extra field (no place for a key)');
      assert.equal(await snapshot(h), before);
    });

    test('forged and mis-bound labels are refused and the lease stays open', async (t) => {
      if (!(await gate(t))) return;
      const before = await snapshot(h);
      const label = await labelFor(w, acme, held);
      const { enc: _e, ct: _c, sig: _s, ...binding } = label;
      const stranger = await deviceFixture(90);
      const bySomeoneElse = await sealLabel(p, binding, utf8('x'), stranger.signer);
      clearRefusal(await submit(h, w, acme, held, bySomeoneElse), 400, /signature does not verify/, 'signed by another device');
      clearRefusal(await submit(h, w, acme, held, { ...label, ct: label.ct.slice(0, -4) + 'AAAA' }), 400, /signature does not verify/, 'tampered ciphertext');
      const otherItem = await sealLabel(p, { ...binding, item: 'b-9' }, utf8('x'), w.signer);
      clearRefusal(await submit(h, w, acme, held, otherItem), 400, /item is b-9/, 'bound to another item');
      const otherKey = await sealLabel(p, { ...binding, resultKey: toBase64Url(other.resultKey.publicKey) }, utf8('x'), w.signer);
      clearRefusal(await submit(h, w, acme, held, otherKey), 400, /another result key/, 'sealed to another result key');
      clearRefusal(await submit(h, w, acme, held, { ...label, v: 2 }), 400, /field v/, 'unknown label version');
      clearRefusal(await submit(h, w, acme, held, { ...label, plaintext: 'A is better' }), 400, /Unrecognized|plaintext/i, 'a plaintext field');
      assert.equal(await snapshot(h), before);
    });

    test('oversized bodies, wrong media types, bad JSON and path tricks get clear 4xx', async (t) => {
      if (!(await gate(t))) return;
      const before = await snapshot(h);
      const big = 'x'.repeat(200 * 1024);
      clearRefusal(await h.session(w.token, 'POST', `/v1/labs/acme-lab/campaigns/bad/leases/${held.body.lease}/submission`, { pad: big }), 413, /over the 131072-byte limit/, 'oversized label');
      clearRefusal(await h.request('POST', '/v1/sessions', { body: { username: big, password: big } }), 413, /limit/, 'oversized login');
      const bigUpload = await h.labRequest(acme, 'POST', '/v1/labs/acme-lab/campaigns/bad/items', uploadBody([]), undefined);
      clearRefusal(bigUpload, 400, /items/, 'empty batch');
      clearRefusal(await h.request('POST', '/v1/sessions', { raw: '{"username":', headers: { 'content-type': 'application/json' } }), 400, /not valid JSON/, 'bad JSON');
      clearRefusal(await h.request('POST', '/v1/sessions', { raw: 'username=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, /application\/json/, 'form body');
      for (const trick of ['..%2F..%2Fetc%2Fpasswd', '.hidden', '%2Fabs', 'a%5Cb', 'x'.repeat(200)]) {
        clearRefusal(await h.session(w.token, 'GET', `/v1/labs/acme-lab/campaigns/bad/leases/${trick}/item`), 'any4xx', /path|lease|no such endpoint/, `lease id ${trick}`);
        clearRefusal(await h.labRequest(acme, 'GET', `/v1/labs/acme-lab/campaigns/bad/items/${trick}/lab-section`), 'any4xx', /path|field item|no such endpoint/, `item id ${trick}`);
        clearRefusal(await h.session(w.token, 'POST', `/v1/labs/acme-lab/campaigns/${trick}/leases`, { device: w.device }), 'any4xx', /path|campaign|no such endpoint/, `campaign id ${trick}`);
      }
      clearRefusal(await h.request('GET', '/v1/nothing-here'), 404, /no such endpoint/, 'unknown endpoint');
      assert.equal(await snapshot(h), before);
    });
  });
}
