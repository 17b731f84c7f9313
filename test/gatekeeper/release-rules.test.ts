/**
 * Each release rule: an allowed request, then the denied one, with its reason
 * code in the deny record on the log and in the client's error (which checks
 * the denial's proof too). Runs on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { signAssignment } from '../../src/core/assignment.js';
import { fromBase64Url, toBase64Url } from '../../src/core/bytes.js';
import { openItem } from '../../src/core/sealed-item.js';
import { closeCampaign } from '../../src/gatekeeper/registry.js';
import { shredBatch } from '../../src/gatekeeper/shred.js';
import { suspend } from '../../src/gatekeeper/suspension.js';
import { auditLog } from '../../src/log/verify-log.js';
import { ReleaseDenied, requestRelease } from '../../src/workstation/release-client.js';
import { BATCH, HUB, LAB, p, type Device, type Harness } from './support/harness.js';
import { eachBackend } from './support/suite.js';
import type { ReleaseRequest } from '../../src/core/release.js';
import { unprovenRequests } from '../../src/gatekeeper/unproven-requests.js';

async function release(h: Harness, device: Device, request: ReleaseRequest): Promise<Uint8Array> {
  return requestRelease(p, h.url, request, device.kex, h.policy);
}

async function releaseItem(h: Harness, device: Device, item: number, lease?: string): Promise<Uint8Array> {
  return release(h, device, await h.request(device, await h.assign(device, item, lease ? { lease } : {})));
}

/** Expects the request to be denied with `code`: by the client (proof checked) and in the last deny record. */
async function expectDenied(h: Harness, device: Device, request: ReleaseRequest, code: string): Promise<void> {
  await assert.rejects(release(h, device, request), (err: unknown) => {
    assert.ok(err instanceof ReleaseDenied, `expected a logged denial, got ${String(err)}`);
    assert.equal(err.denyCode, code);
    assert.doesNotMatch(err.message, /at .*\.ts:\d+/, 'no stack trace in the reason');
    return true;
  });
  const deny = (await h.records()).filter((r) => r.kind === 'deny').at(-1);
  assert.ok(deny, 'a deny record is on the log');
  assert.equal(deny.reason, code);
  assert.equal(deny.decision, 'deny');
  assert.equal(deny.requestSignature, request.sig);
}

/**
 * Expects an unproven request (SPEC §7.3) to be refused with `code` off the record: the client
 * sees the code without a proof, and no record carries the request's signature, device or annotator.
 */
async function expectUnproven(h: Harness, device: Device, request: ReleaseRequest, code: string): Promise<void> {
  const before = (await h.records()).length;
  await assert.rejects(release(h, device, request), (err: unknown) => {
    assert.ok(err instanceof ReleaseDenied, `expected a refusal, got ${String(err)}`);
    assert.equal(err.denyCode, code);
    assert.equal(err.record, undefined, 'an unproven request has no record');
    return true;
  });
  await unprovenRequests(h.gk).flush();
  const added = (await h.records()).slice(before);
  const a = request.body.assignment.body;
  for (const r of added) {
    assert.equal(r.requestSignature, undefined);
    assert.equal(r.annotator, undefined, `an unproven request named ${r.annotator ?? ''}`);
    assert.equal(r.deviceKeyHash, undefined);
    assert.ok(r.item === undefined && r.campaign === undefined, `an unproven request named ${a.campaign}/${a.item}`);
    assert.match(r.reason ?? '', /^UNPROVEN count=\d+$/);
  }
}

eachBackend('allow: the client verifies the proof, the record is the release of this request, the DEK opens the item', {}, async (h) => {
  const d = await h.device('ann-1');
  const request = await h.request(d, await h.assign(d, 0));
  const dek = await release(h, d, request);
  const plaintext = await openItem(p, h.sealed[0]!, { dek, labPublicKey: h.gk.labSigner.publicKey, now: h.now(), expect: { lab: LAB, item: 'item-0', digest: h.items[0]!.digest } });
  assert.equal(new TextDecoder().decode(plaintext), 'plaintext of item 0');
  const rec = (await h.records()).at(-1)!;
  assert.equal(rec.kind, 'release');
  assert.equal(rec.decision, 'allow');
  assert.equal(rec.requestSignature, request.sig);
  assert.equal(rec.annotator, `${HUB}:ann-1`);
  assert.equal(rec.deviceKeyHash, toBase64Url(Buffer.from(d.id, 'hex')));
  assert.equal(rec.policyHash, toBase64Url(Buffer.from('b'.repeat(64), 'hex')));
  const audit = await auditLog(p, h.logStorage, h.policy.log);
  assert.equal(audit.checkpoint.size, h.gk.audit.size);
});

eachBackend('chains: each annotator record carries seq and the hash of the previous one', {}, async (h) => {
  const d = await h.device('ann-1');
  await releaseItem(h, d, 0);
  await releaseItem(h, d, 1);
  const mine = (await h.records()).filter((r) => r.annotator === `${HUB}:ann-1`);
  assert.deepEqual(mine.map((r) => r.seq), mine.map((_, i) => i));
  assert.equal(new Set(mine.map((r) => r.prev)).size, mine.length);
});

eachBackend('DEVICE_UNKNOWN (unproven), DEVICE_NOT_APPROVED, DEVICE_SUSPENDED', {}, async (h) => {
  const pending = await h.device('ann-p', { approve: false });
  await expectDenied(h, pending, await h.request(pending, await h.assign(pending, 0)), 'DEVICE_NOT_APPROVED');
  const stranger = { ...pending, signer: await p.ed25519FromSeed(new Uint8Array(32).fill(9)) };
  const strangerKeys = { signing: stranger.signer.publicKey, kex: pending.kex.publicKey };
  const { deviceId } = await import('../../src/core/device.js');
  const s = { ...stranger, keys: strangerKeys, id: await deviceId(p, strangerKeys) };
  await expectUnproven(h, s, await h.request(s, await h.assign(s, 0)), 'DEVICE_UNKNOWN');
  const d = await h.device('ann-1');
  await releaseItem(h, d, 0);
  await suspend(h.gk, { kind: 'device', device: d.id });
  await expectDenied(h, d, await h.request(d, await h.assign(d, 1)), 'DEVICE_SUSPENDED');
});

eachBackend('ANNOTATOR_SUSPENDED and VENDOR_SUSPENDED (suspension is logged; later requests denied)', {}, async (h) => {
  const a = await h.device('ann-a');
  const b = await h.device('ann-b');
  await releaseItem(h, a, 0);
  await suspend(h.gk, { kind: 'annotator', vendor: HUB, annotator: 'ann-a' });
  await expectDenied(h, a, await h.request(a, await h.assign(a, 1)), 'ANNOTATOR_SUSPENDED');
  await releaseItem(h, b, 0);
  await suspend(h.gk, { kind: 'vendor', vendor: HUB });
  await expectDenied(h, b, await h.request(b, await h.assign(b, 1)), 'VENDOR_SUSPENDED');
  const suspensions = (await h.records()).filter((r) => r.kind === 'suspend');
  assert.deepEqual(suspensions.map((r) => r.reason), ['SUSPENDED annotator by=lab', `SUSPENDED vendor=${HUB} by=lab`]);
});

eachBackend('BAD_SIGNATURE (forged) and STALE are unproven; the first REPLAY of a proven request is logged, later ones are not', {}, async (h) => {
  const d = await h.device('ann-1');
  const good = await h.request(d, await h.assign(d, 0));
  const sig = fromBase64Url(good.sig);
  sig[5] = sig[5]! ^ 1;
  await expectUnproven(h, d, { ...good, sig: toBase64Url(sig) }, 'BAD_SIGNATURE');
  await release(h, d, good);
  await expectDenied(h, d, good, 'REPLAY');
  // Further copies prove only that someone holds the request: not logged, or a captured request could write denial bursts.
  await expectUnproven(h, d, good, 'REPLAY');
  await expectUnproven(h, d, good, 'REPLAY');
  const assignment = await h.assign(d, 1);
  const { signReleaseRequest } = await import('../../src/core/release.js');
  await expectUnproven(h, d, await signReleaseRequest(p, d, assignment, h.now() - 120), 'STALE');
});

eachBackend("DEVICE_MISMATCH (another device's assignment) and ANNOTATOR_MISMATCH", {}, async (h) => {
  const a = await h.device('ann-a');
  const b = await h.device('ann-b');
  await releaseItem(h, a, 0);
  const forB = await h.assign(b, 1);
  await expectUnproven(h, a, await h.request(a, forB), 'DEVICE_MISMATCH');
  await expectDenied(h, a, await h.request(a, await h.assign(a, 1, { annotator: 'ann-b' })), 'ANNOTATOR_MISMATCH');
  // The hub's word that this was ann-b's request is not proof: the record names the device's own annotator.
  assert.equal((await h.records()).at(-1)!.annotator, `${HUB}:ann-a`);
});

eachBackend('VENDOR_UNKNOWN and ASSIGNMENT_INVALID (other hub key) are unproven; ASSIGNMENT_EXPIRED is logged', {}, async (h) => {
  const d = await h.device('ann-1');
  await releaseItem(h, d, 0);
  await expectUnproven(h, d, await h.request(d, await h.assign(d, 1, { hubId: 'hub-unknown' })), 'VENDOR_UNKNOWN');
  const rogue = await p.ed25519FromSeed(new Uint8Array(32).fill(66));
  await expectUnproven(h, d, await h.request(d, await h.assign(d, 1, { hub: rogue })), 'ASSIGNMENT_INVALID');
  const short = await h.assign(d, 2, { expiresIn: 30 });
  h.advance(31);
  await expectDenied(h, d, await h.request(d, short), 'ASSIGNMENT_EXPIRED');
});

eachBackend('ITEM_UNKNOWN and ITEM_MISMATCH: the item is looked up by digest, never taken from the hub', {}, async (h) => {
  const d = await h.device('ann-1');
  await releaseItem(h, d, 0);
  const base = (await h.assign(d, 1)).body;
  const unknown = await signAssignment(h.hub, { ...base, digest: toBase64Url(new Uint8Array(32).fill(3)) });
  await expectDenied(h, d, await h.request(d, unknown), 'ITEM_UNKNOWN');
  const mismatch = await signAssignment(h.hub, { ...base, item: 'item-2' });
  await expectDenied(h, d, await h.request(d, mismatch), 'ITEM_MISMATCH');
});

eachBackend('TRIPWIRE: always denied, alerted and an alert record logged', { tripwires: [3] }, async (h) => {
  const d = await h.device('ann-1');
  await releaseItem(h, d, 0);
  await expectDenied(h, d, await h.request(d, await h.assign(d, 3)), 'TRIPWIRE');
  assert.equal(h.alerts.at(-1)?.code, 'TRIPWIRE');
  const last = (await h.records()).at(-1)!;
  assert.equal(last.kind, 'alert');
  assert.equal(last.reason, 'TRIPWIRE');
});

eachBackend('BATCH_SHREDDED: after shred, requests are denied, logged and alerted', {}, async (h) => {
  const d = await h.device('ann-1');
  await releaseItem(h, d, 0);
  await shredBatch(h.gk, BATCH);
  await expectDenied(h, d, await h.request(d, await h.assign(d, 1)), 'BATCH_SHREDDED');
  assert.equal(h.alerts.at(-1)?.code, 'BATCH_SHREDDED');
});

eachBackend('CAMPAIGN_CLOSED', {}, async (h) => {
  const d = await h.device('ann-1');
  await releaseItem(h, d, 0);
  await closeCampaign(h.gk, 'camp-1');
  await expectDenied(h, d, await h.request(d, await h.assign(d, 1)), 'CAMPAIGN_CLOSED');
});

eachBackend('CAMPAIGN_NOT_OPEN', { campaign: { opens: Math.floor(Date.now() / 1000) + 3600, closes: Math.floor(Date.now() / 1000) + 7200 } }, async (h) => {
  const d = await h.device('ann-1');
  await expectDenied(h, d, await h.request(d, await h.assign(d, 0)), 'CAMPAIGN_NOT_OPEN');
  h.advance(3601);
  await releaseItem(h, d, 0);
});

eachBackend('REPEAT_ITEM; a re-release under the same open lease is allowed', {}, async (h) => {
  const d = await h.device('ann-1');
  await releaseItem(h, d, 0, 'lease-a');
  await releaseItem(h, d, 0, 'lease-a');
  await expectDenied(h, d, await h.request(d, await h.assign(d, 0, { lease: 'lease-b' })), 'REPEAT_ITEM');
});

eachBackend('OVERLAP_CAP: the gatekeeper counts distinct annotators itself', { campaign: { overlap: 1 } }, async (h) => {
  const a = await h.device('ann-a');
  const b = await h.device('ann-b');
  await releaseItem(h, a, 0);
  await expectDenied(h, b, await h.request(b, await h.assign(b, 0)), 'OVERLAP_CAP');
  await releaseItem(h, b, 1);
});

eachBackend('PACE_MINUTE and PACE_HOUR', { campaign: { pacePerMinute: 1, pacePerHour: 2 } }, async (h) => {
  const d = await h.device('ann-1');
  await releaseItem(h, d, 0);
  await expectDenied(h, d, await h.request(d, await h.assign(d, 1)), 'PACE_MINUTE');
  h.advance(61);
  await releaseItem(h, d, 1);
  h.advance(61);
  await expectDenied(h, d, await h.request(d, await h.assign(d, 2)), 'PACE_HOUR');
  h.advance(3600);
  await releaseItem(h, d, 2);
});

eachBackend('OUTSTANDING_LEASES', { campaign: { maxOutstanding: 1 } }, async (h) => {
  const d = await h.device('ann-1');
  await releaseItem(h, d, 0);
  await expectDenied(h, d, await h.request(d, await h.assign(d, 1)), 'OUTSTANDING_LEASES');
});

eachBackend('VENDOR_EXPOSURE', { vendorBudget: 1 }, async (h) => {
  const a = await h.device('ann-a');
  const b = await h.device('ann-b');
  await releaseItem(h, a, 0);
  await expectDenied(h, b, await h.request(b, await h.assign(b, 1)), 'VENDOR_EXPOSURE');
});

eachBackend('CAMPAIGN_EXPOSURE; an expired lease counts until the minimum exposure window ends', { campaign: { exposureBudget: 1, minExposureSeconds: 300 } }, async (h) => {
  const a = await h.device('ann-a');
  const b = await h.device('ann-b');
  await release(h, a, await h.request(a, await h.assign(a, 0, { expiresIn: 40 })));
  await expectDenied(h, b, await h.request(b, await h.assign(b, 1)), 'CAMPAIGN_EXPOSURE');
  h.advance(41);
  await expectDenied(h, b, await h.request(b, await h.assign(b, 1)), 'CAMPAIGN_EXPOSURE');
  h.advance(300);
  await releaseItem(h, b, 1);
});

eachBackend('log down: no key, a clear UNAVAILABLE error, and the reservation is rolled back', { campaign: { overlap: 1 } }, async (h) => {
  const a = await h.device('ann-a');
  await h.stopWitness();
  const request = await h.request(a, await h.assign(a, 0));
  const res = await h.post('v1/release', request);
  assert.equal(res.status, 503);
  assert.equal(res.body.error.code, 'UNAVAILABLE');
  assert.equal(res.body.grant, undefined);
  assert.match(res.body.error.reason, /no key was released/);
  const rows = await h.gk.db.selectFrom('releases').selectAll().execute();
  assert.equal(rows.length, 0, 'reservation rolled back');
});
