/**
 * Issue 16: a skip returns the item to the hub's queue, and the gatekeeper's
 * caps must agree. The device's signed release-ended notice (SPEC §7.4) frees
 * the item's overlap place and the annotator's outstanding place at once, and
 * is logged as a `skip` record; the release stays exposed until the campaign's
 * minimum window ends. Nobody but the device can send it. SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { fromBase64Url, toBase64Url } from '../../src/core/bytes.js';
import { signReleaseEnded } from '../../src/core/release.js';
import { gatekeeperStatus } from '../../src/gatekeeper/status.js';
import { ReleaseDenied, requestRelease } from '../../src/workstation/release-client.js';
import type { Assignment } from '../../src/core/assignment.js';
import { CAMPAIGN, HUB, p, type Device, type Harness } from './support/harness.js';
import { eachBackend } from './support/suite.js';

async function outcome(h: Harness, d: Device, assignment: Assignment): Promise<string> {
  try {
    await requestRelease(p, h.url, await h.request(d, assignment), d.kex, h.policy);
    return 'GRANTED';
  } catch (err) {
    if (err instanceof ReleaseDenied) return err.denyCode;
    throw err;
  }
}

eachBackend('a skip the device proved frees the overlap and outstanding places; the release stays exposed for the window', { items: 3, campaign: { overlap: 1, maxOutstanding: 1, minExposureSeconds: 600 } }, async (h) => {
  const a = await h.device('ann-a');
  const b = await h.device('ann-b');
  const first = await h.assign(a, 0);
  assert.equal(await outcome(h, a, first), 'GRANTED');
  assert.equal(await outcome(h, b, await h.assign(b, 0)), 'OVERLAP_CAP', 'control: before the notice the place is held');
  assert.equal(await outcome(h, a, await h.assign(a, 1)), 'OUTSTANDING_LEASES', 'control: before the notice the annotator holds one item');

  const notice = await signReleaseEnded(p, a, first, 'cannot-judge', h.now());
  const res = await h.post('v1/release-ended', notice);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.match(res.body.proof, /^c2sp\.org\/tlog-proof@v1\n/);
  const rec = (await h.records()).at(-1)!;
  assert.deepEqual(
    { kind: rec.kind, annotator: rec.annotator, item: rec.item, reason: rec.reason, sig: rec.requestSignature },
    { kind: 'skip', annotator: `${HUB}:ann-a`, item: 'item-0', reason: 'SKIPPED cannot-judge', sig: notice.sig },
  );

  assert.equal(await outcome(h, b, await h.assign(b, 0, { lease: 'lease-0-ann-b-2' })), 'GRANTED', 'the next annotator gets the skipped item');
  assert.equal(await outcome(h, a, await h.assign(a, 1)), 'GRANTED', 'the skipper may take the next item');
  assert.equal(await outcome(h, a, await h.assign(a, 0, { lease: first.body.lease })), 'REPEAT_ITEM', 'a skipped release is not re-released');
  const open = async () => (await gatekeeperStatus(h.gk)).campaigns.find((c) => c.campaign === CAMPAIGN)!.open;
  assert.equal(await open(), 3, 'the skipped release is still exposed');
  h.advance(600);
  assert.equal(await open(), 0, 'until its window ends (the others: their windows and leases too)');
  assert.deepEqual((await h.post('v1/release-ended', notice)).body, { status: 'already-ended' });
});

eachBackend('only the device ends its release: forged, another device, another lease and unknown devices change nothing', { items: 2, campaign: { overlap: 1 } }, async (h) => {
  const a = await h.device('ann-a');
  const b = await h.device('ann-b');
  const first = await h.assign(a, 0);
  assert.equal(await outcome(h, a, first), 'GRANTED');
  const before = (await h.records()).length;

  const genuine = await signReleaseEnded(p, a, first, 'other', h.now());
  const sig = fromBase64Url(genuine.sig);
  sig[0] = sig[0]! ^ 1;
  assert.equal((await h.post('v1/release-ended', { ...genuine, sig: toBase64Url(sig) })).status, 401, 'a bad signature');
  const vendorKey = { signer: h.hub, keys: { signing: h.hub.publicKey, kex: a.keys.kex } };
  assert.equal((await h.post('v1/release-ended', await signReleaseEnded(p, vendorKey, first, 'other', h.now()))).status, 404, "the hub's key is no device");
  assert.equal((await h.post('v1/release-ended', await signReleaseEnded(p, b, await h.assign(b, 0), 'other', h.now()))).status, 404, "b holds no release of a's lease");
  assert.equal((await h.post('v1/release-ended', await signReleaseEnded(p, a, await h.assign(a, 0, { lease: 'other-lease' }), 'other', h.now()))).status, 404, 'another lease');
  assert.equal((await h.records()).length, before, 'nothing was logged');
  assert.equal(await outcome(h, b, await h.assign(b, 0)), 'OVERLAP_CAP', 'the place is still held');
});

eachBackend('skipping at once does not lift the exposure budget: a device that skips every item still gets no more than the budget per window', { items: 4, campaign: { exposureBudget: 2, minExposureSeconds: 600 } }, async (h) => {
  const stolen = await h.device('ann-a');
  const outcomes: string[] = [];
  for (let item = 0; item < 4; item++) {
    const assignment = await h.assign(stolen, item);
    const result = await outcome(h, stolen, assignment);
    outcomes.push(result);
    if (result === 'GRANTED') assert.equal((await h.post('v1/release-ended', await signReleaseEnded(p, stolen, assignment, 'other', h.now()))).status, 200);
  }
  assert.deepEqual(outcomes, ['GRANTED', 'GRANTED', 'CAMPAIGN_EXPOSURE', 'CAMPAIGN_EXPOSURE']);
});
