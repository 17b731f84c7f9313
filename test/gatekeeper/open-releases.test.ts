/**
 * Issue 14, finding 2: exposure limits must not follow the vendor's lease
 * expiry. A breached vendor holding one approved device signs assignments with
 * the hub's key that expire one second after issue. Each release still counts
 * as open until the device proves it ended (submit receipt, release-ended
 * notice) or the campaign's minimum exposure window passes, whichever is later
 * (src/gatekeeper/policy/open-releases.ts). Runs on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { toBase64Url } from '../../src/core/bytes.js';
import { sealLabel } from '../../src/core/label.js';
import type { Assignment } from '../../src/core/assignment.js';
import { gatekeeperStatus } from '../../src/gatekeeper/status.js';
import { ReleaseDenied, requestRelease } from '../../src/workstation/release-client.js';
import { CAMPAIGN, HUB, LAB, p, type Device, type Harness } from './support/harness.js';
import { eachBackend } from './support/suite.js';

const WINDOW = 600;

/** Asks for the item's key under a lease that expires one second after issue; returns the outcome's code. */
async function shortLease(h: Harness, d: Device, item: number): Promise<string> {
  const assignment = await h.assign(d, item, { expiresIn: 1, lease: `short-${item}-${d.annotator}-${h.now()}` });
  try {
    await requestRelease(p, h.url, await h.request(d, assignment), d.kex, h.policy);
    return 'GRANTED';
  } catch (err) {
    if (err instanceof ReleaseDenied) return err.denyCode;
    throw err;
  }
}

async function submit(h: Harness, d: Device, assignment: Assignment): Promise<void> {
  const a = assignment.body;
  const resultKey = await h.gk.secrets.resultKey(CAMPAIGN, h.now());
  const label = await sealLabel(p, { v: 1, lab: LAB, campaign: a.campaign, item: a.item, lease: a.lease, annotator: a.annotator, digest: a.digest, device: d.id, resultKey: toBase64Url(resultKey.publicKey) }, new TextEncoder().encode('{"choice":"A"}'), d.signer);
  assert.equal((await h.post('v1/submit', label)).status, 200);
}

eachBackend('1-second leases from a breached hub get no more than maxOutstanding items, until the window ends', { items: 8, campaign: { maxOutstanding: 2, minExposureSeconds: WINDOW } }, async (h) => {
  const stolen = await h.device('ann-1');
  const outcomes: string[] = [];
  for (let item = 0; item < 6; item++) {
    outcomes.push(await shortLease(h, stolen, item));
    h.advance(2);
  }
  assert.deepEqual(outcomes, ['GRANTED', 'GRANTED', 'OUTSTANDING_LEASES', 'OUTSTANDING_LEASES', 'OUTSTANDING_LEASES', 'OUTSTANDING_LEASES']);
  const status = await gatekeeperStatus(h.gk);
  assert.equal(status.vendors.find((v) => v.vendor === HUB)!.open, 2, 'the database counts what was released as open');
  h.advance(WINDOW);
  assert.equal(await shortLease(h, stolen, 6), 'GRANTED', 'after the window, the annotator can work again');
});

eachBackend('a 1-second lease does not free the overlap place before the window ends', { items: 2, campaign: { overlap: 1, minExposureSeconds: WINDOW } }, async (h) => {
  const stolen = await h.device('ann-1');
  const other = await h.device('ann-2');
  assert.equal(await shortLease(h, stolen, 0), 'GRANTED');
  h.advance(5);
  assert.equal(await shortLease(h, other, 0), 'OVERLAP_CAP');
  h.advance(WINDOW);
  assert.equal(await shortLease(h, other, 0), 'GRANTED', 'an abandoned release frees its place once the window ends');
});

eachBackend('1-second leases across annotators stay within the vendor and campaign budgets', { items: 6, vendorBudget: 3, campaign: { minExposureSeconds: WINDOW } }, async (h) => {
  const outcomes: string[] = [];
  for (let i = 0; i < 5; i++) {
    outcomes.push(await shortLease(h, await h.device(`ann-${i}`), i));
    h.advance(2);
  }
  assert.deepEqual(outcomes, ['GRANTED', 'GRANTED', 'GRANTED', 'VENDOR_EXPOSURE', 'VENDOR_EXPOSURE']);
});

eachBackend('a submit receipt ends the hold on outstanding at once; the item stays exposed for the window', { items: 4, campaign: { maxOutstanding: 1, exposureBudget: 2, minExposureSeconds: WINDOW } }, async (h) => {
  const d = await h.device('ann-1');
  const first = await h.assign(d, 0);
  await requestRelease(p, h.url, await h.request(d, first), d.kex, h.policy);
  assert.equal(await shortLease(h, d, 1), 'OUTSTANDING_LEASES');
  await submit(h, d, first);
  assert.equal(await shortLease(h, d, 1), 'GRANTED', 'the receipt freed the outstanding place');
  const campaignOpen = async () => (await gatekeeperStatus(h.gk)).campaigns.find((c) => c.campaign === CAMPAIGN)!.open;
  assert.equal(await campaignOpen(), 2, 'the submitted item is still exposed');
  const other = await h.device('ann-2');
  assert.equal(await shortLease(h, other, 2), 'CAMPAIGN_EXPOSURE');
  h.advance(WINDOW);
  assert.equal(await campaignOpen(), 0);
  assert.equal(await shortLease(h, other, 2), 'GRANTED');
});
