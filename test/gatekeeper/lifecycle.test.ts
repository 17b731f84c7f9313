/** Rotation, shredding with its receipt, submit receipts, monitor suspension, and HTTP boundaries. */
import assert from 'node:assert/strict';
import { fromBase64Url, toBase64Url } from '../../src/core/bytes.js';
import { canonicalJsonBytes } from '../../src/core/canonical-json.js';
import { sealLabel } from '../../src/core/label.js';
import { unwrapDek } from '../../src/core/sealed-item.js';
import { verifyDeletionReceipt } from '../../src/gatekeeper/deletion-receipt.js';
import { unprovenRequests } from '../../src/gatekeeper/unproven-requests.js';
import { registerMonitor, signMonitorRequest } from '../../src/gatekeeper/monitor-request.js';
import { shredBatch } from '../../src/gatekeeper/shred.js';
import { gatekeeperStatus } from '../../src/gatekeeper/status.js';
import { requestRelease } from '../../src/workstation/release-client.js';
import { BATCH, CAMPAIGN, HUB, LAB, p } from './support/harness.js';
import { eachBackend } from './support/suite.js';

eachBackend('rotation rewraps every slot without touching items; the old KEK is gone; releases go on', {}, async (h) => {
  const d = await h.device('ann-1');
  const before = await h.gk.keks.currentKek(BATCH);
  const dekBefore = await unwrapDek(p, before, h.items[1]!);
  const slots = await h.gk.keks.rotate(BATCH);
  assert.equal(slots.length, h.items.length);
  const after = await h.gk.keks.currentKek(BATCH);
  assert.notEqual(after.id, before.id);
  await assert.rejects(h.gk.keks.kek(before.id), { code: 'NOT_FOUND' });
  const slot = slots.find((s) => s.digest === toBase64Url(h.items[1]!.digest))!.slot;
  assert.deepEqual(await unwrapDek(p, after, { digest: h.items[1]!.digest, slot }), dekBefore, 'same DEK under the new KEK');
  const request = await h.request(d, await h.assign(d, 1));
  assert.deepEqual(await requestRelease(p, h.url, request, d.kex, h.policy), dekBefore);
});

eachBackend('shred: KEKs deleted, lab-signed receipt logged and bound to the record; running it again changes nothing', {}, async (h) => {
  const kek = await h.gk.keks.currentKek(BATCH);
  const result = await shredBatch(h.gk, BATCH);
  assert.equal(result.shreddedNow, true);
  const receipt = await verifyDeletionReceipt(p, h.gk.labSigner.publicKey, result.receipt);
  assert.deepEqual(receipt.body.keks, [kek.id]);
  assert.equal(receipt.body.log, h.gk.audit.origin);
  const record = (await h.records())[result.logIndex]!;
  assert.equal(record.kind, 'shred');
  assert.equal(record.reason, `SHREDDED batch=${BATCH} receipt=${toBase64Url(await p.sha256(canonicalJsonBytes(result.receipt)))}`);
  assert.equal((await h.gk.db.selectFrom('keks').selectAll().where('batch', '=', BATCH).execute()).length, 0);
  assert.equal((await h.gk.db.selectFrom('items').select('slot').where('slot', 'is not', null).execute()).length, 0);
  await assert.rejects(h.gk.keks.kek(kek.id), { code: 'NOT_FOUND' });
  const again = await shredBatch(h.gk, BATCH);
  assert.equal(again.shreddedNow, false);
  assert.equal(again.logIndex, result.logIndex);
  const forged = { ...result.receipt, body: { ...result.receipt.body, keks: [] } };
  await assert.rejects(verifyDeletionReceipt(p, h.gk.labSigner.publicKey, forged), { code: 'BAD_SIGNATURE' });
});

eachBackend('submit receipt: the device-signed label is logged, the exposure goes down when the minimum window ends; a repeat changes nothing', {}, async (h) => {
  const d = await h.device('ann-1');
  const assignment = await h.assign(d, 0);
  await requestRelease(p, h.url, await h.request(d, assignment), d.kex, h.policy);
  const open = async () => (await gatekeeperStatus(h.gk)).vendors.find((v) => v.vendor === HUB)!.open;
  assert.equal(await open(), 1);
  const resultKey = await h.gk.secrets.resultKey(CAMPAIGN, h.now());
  const a = assignment.body;
  const label = await sealLabel(p, { v: 1, lab: LAB, campaign: a.campaign, item: a.item, lease: a.lease, annotator: a.annotator, digest: a.digest, device: d.id, resultKey: toBase64Url(resultKey.publicKey) }, new TextEncoder().encode('{"choice":"A"}'), d.signer);
  const tampered = { ...label, lease: 'another-lease' };
  assert.equal((await h.post('v1/submit', tampered)).status, 401, 'a label whose signature does not verify is refused');
  const res = await h.post('v1/submit', label);
  assert.equal(res.status, 200);
  assert.match(res.body.proof, /^c2sp\.org\/tlog-proof@v1\n/);
  const rec = (await h.records()).at(-1)!;
  assert.equal(rec.kind, 'submit');
  assert.equal(rec.requestSignature, label.sig);
  assert.equal(await open(), 1, 'a submitted item stays exposed for the campaign minimum window');
  h.advance(900);
  assert.equal(await open(), 0);
  const again = await h.post('v1/submit', label);
  assert.deepEqual(again.body, { status: 'already-recorded' });
});

eachBackend('monitor suspension: signed, fresh, once; a forged or replayed request is refused; suspension stops releases', {}, async (h) => {
  const d = await h.device('ann-1');
  const monitor = await p.ed25519FromSeed(new Uint8Array(32).fill(90));
  await registerMonitor(h.gk, 'monitor-1', toBase64Url(monitor.publicKey));
  const body = { v: 1 as const, monitor: 'monitor-1', action: 'suspend' as const, target: { kind: 'annotator' as const, vendor: HUB, annotator: 'ann-1' }, reason: 'pace anomaly', time: h.now(), nonce: toBase64Url(p.randomBytes(16)) };
  const rogue = await p.ed25519FromSeed(new Uint8Array(32).fill(91));
  const forged = await signMonitorRequest(rogue, body);
  const refused = await h.post('v1/monitor/suspend', forged);
  assert.equal(refused.status, 401);
  assert.equal(refused.body.error.code, 'BAD_SIGNATURE');
  const signed = await signMonitorRequest(monitor, body);
  const ok = await h.post('v1/monitor/suspend', signed);
  assert.equal(ok.status, 200);
  assert.equal((await h.post('v1/monitor/suspend', signed)).body.error.code, 'REPLAY');
  const rec = (await h.records()).filter((r) => r.kind === 'suspend').at(-1)!;
  assert.equal(rec.reason, 'SUSPENDED annotator by=monitor:monitor-1');
  const denied = await h.post('v1/release', await h.request(d, await h.assign(d, 0)));
  assert.equal(denied.body.error.code, 'ANNOTATOR_SUSPENDED');
  assert.equal(h.alerts.at(-1)?.code, 'MONITOR_SUSPEND');
});

eachBackend('HTTP: malformed, oversized and unknown requests get JSON errors with no stack trace, and nothing naming anyone is logged', {}, async (h) => {
  const before = (await h.records()).length;
  const bad = await h.post('v1/release', '{not json');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'BAD_FORMAT');
  const shape = await h.post('v1/release', { body: {}, sig: 'x' });
  assert.equal(shape.status, 400);
  assert.match(shape.body.error.reason, /release request: field/);
  const big = await h.post('v1/release', JSON.stringify({ pad: 'x'.repeat(20_000) }));
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, 'BAD_LENGTH');
  const none = await fetch(new URL('v1/nothing', h.url));
  assert.equal(none.status, 404);
  for (const r of [bad, shape, big]) assert.doesNotMatch(JSON.stringify(r.body), /\.ts:\d+|node_modules/);
  // At most the unattributed aggregate of unproven requests (SPEC §7.3): malformed bodies name nobody.
  await unprovenRequests(h.gk).flush();
  for (const r of (await h.records()).slice(before)) assert.deepEqual([r.kind, r.annotator, r.item, r.campaign, r.deviceKeyHash], ['deny', undefined, undefined, undefined, undefined]);
  const lab = await (await fetch(new URL('v1/lab', h.url))).json();
  assert.deepEqual(lab, { lab: LAB, signingKey: toBase64Url(h.gk.labSigner.publicKey) });
  const checkpoint = await (await fetch(new URL('log/checkpoint', h.url))).text();
  assert.match(checkpoint, /^gatekeeper\.test\/keyhole\/audit\/v1\n/);
  assert.ok(fromBase64Url(lab.signingKey).length === 32);
});
