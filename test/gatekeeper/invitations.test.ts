/**
 * Issue 17, lab-bound enrollment: a device is approved by the lab's one-time
 * invitation, redeemed with the device's own signature at POST /v1/enroll
 * (SPEC §2.3), never on the hub's word once the lab turned manual approval
 * off. Redeemed once, twice, expired, revoked, by the wrong device, and a
 * vendor-minted annotator and device. SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { toBase64Url } from '../../src/core/bytes.js';
import { canonicalJsonBytes } from '../../src/core/canonical-json.js';
import { deviceId } from '../../src/core/device.js';
import { invitationHash, signEnrollmentRequest } from '../../src/core/enrollment-request.js';
import { signFor } from '../../src/core/signing.js';
import type { Hono } from 'hono';
import { adminApp } from '../../src/gatekeeper/admin/admin-app.js';
import { putOperator } from '../../src/gatekeeper/admin/operators.js';
import { approveDevice, importDevice, refuseDevice, setManualApproval } from '../../src/gatekeeper/enrollment.js';
import { GatekeeperAdminClient } from '../../src/lab/admin-client.js';
import { listen } from '../log/support/serve.js';
import { issueInvitation, listInvitations, revokeInvitation } from '../../src/gatekeeper/invitations.js';
import { addToRoster, removeFromRoster } from '../../src/gatekeeper/roster.js';
import { ReleaseDenied, requestRelease } from '../../src/workstation/release-client.js';
import { HUB, LAB, p, type Device, type Harness } from './support/harness.js';
import { eachBackend } from './support/suite.js';

async function freshDevice(annotator: string): Promise<Device> {
  const { signer } = await p.ed25519Generate();
  const { key: kex } = await p.x25519Generate();
  const keys = { signing: signer.publicKey, kex: kex.publicKey };
  return { signer, kex, keys, id: await deviceId(p, keys), annotator };
}

async function invite(h: Harness, annotator: string, expiresInSeconds?: number) {
  await addToRoster(h.gk, HUB, annotator, 'test-operator');
  return issueInvitation(h.gk, HUB, { annotator, ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }) }, 'test-operator');
}

const enroll = async (h: Harness, d: Device, code: string) => h.post('v1/enroll', await signEnrollmentRequest(p, d.signer, d.keys.kex, code, d.annotator));

async function keysFor(h: Harness, d: Device, item = 0): Promise<string> {
  try {
    await requestRelease(p, h.url, await h.request(d, await h.assign(d, item)), d.kex, h.policy);
    return 'GRANTED';
  } catch (err) {
    if (err instanceof ReleaseDenied) return err.denyCode;
    throw err;
  }
}

const deviceState = async (h: Harness, id: string) => (await h.gk.db.selectFrom('devices').select(['state', 'annotator', 'invitation']).where('id', '=', id).executeTakeFirst()) ?? null;

eachBackend('an invitation approves the device that redeems it, once; a second redemption is refused', {}, async (h) => {
  const inv = await invite(h, 'ann-a');
  const d = await freshDevice('ann-a');
  assert.equal(await keysFor(h, d), 'DEVICE_UNKNOWN', 'control: before redemption the device gets no key');
  const someoneElse = await enroll(h, await freshDevice('ann-z'), inv.code);
  assert.deepEqual([someoneElse.status, someoneElse.body.error.code], [422, 'MISMATCH'], 'signed in as another person: refused, and the invitation is not used up');

  const first = await enroll(h, d, inv.code);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual({ device: first.body.device, vendor: first.body.vendor, annotator: first.body.annotator }, { device: d.id, vendor: HUB, annotator: 'ann-a' });
  assert.deepEqual(await deviceState(h, d.id), { state: 'approved', annotator: 'ann-a', invitation: inv.id });
  assert.equal(await keysFor(h, d), 'GRANTED');

  const records = await h.records();
  const issued = records.find((r) => r.reason?.startsWith(`INVITE_ISSUED id=${inv.id} `));
  assert.equal(issued?.annotator, `${HUB}:ann-a`, 'issuing is logged');
  const redeemed = records.find((r) => r.reason === `INVITED id=${inv.id}`)!;
  assert.deepEqual({ kind: redeemed.kind, decision: redeemed.decision, annotator: redeemed.annotator, device: redeemed.deviceKeyHash }, { kind: 'enroll', decision: 'allow', annotator: `${HUB}:ann-a`, device: toBase64Url(Buffer.from(d.id, 'hex')) });
  assert.ok(!JSON.stringify(records).includes(inv.code), 'the code itself is never logged');

  const again = await enroll(h, d, inv.code);
  assert.deepEqual([again.status, again.body.error.code], [409, 'CONFLICT']);
  const other = await freshDevice('ann-a');
  const third = await enroll(h, other, inv.code);
  assert.deepEqual([third.status, third.body.error.code], [409, 'CONFLICT']);
  assert.equal(await deviceState(h, other.id), null, 'the second device was not bound');
  assert.equal(await keysFor(h, other), 'DEVICE_UNKNOWN');
  assert.equal((await listInvitations(h.gk, HUB)).find((i) => i.id === inv.id)?.state, 'redeemed');
});

eachBackend('an expired invitation is refused and binds nothing', {}, async (h) => {
  const inv = await invite(h, 'ann-b', 60);
  h.advance(61);
  const d = await freshDevice('ann-b');
  const res = await enroll(h, d, inv.code);
  assert.deepEqual([res.status, res.body.error.code], [410, 'EXPIRED']);
  assert.equal(await deviceState(h, d.id), null);
  assert.equal(await keysFor(h, d), 'DEVICE_UNKNOWN');
  assert.equal((await listInvitations(h.gk, HUB))[0]?.state, 'expired');
});

eachBackend('a revoked invitation is refused; revoking is logged', {}, async (h) => {
  const inv = await invite(h, 'ann-c');
  await revokeInvitation(h.gk, inv.id, 'test-operator');
  assert.ok((await h.records()).some((r) => r.reason === `INVITE_REVOKED id=${inv.id} by=test-operator`));
  const d = await freshDevice('ann-c');
  const res = await enroll(h, d, inv.code);
  assert.deepEqual([res.status, res.body.error.code], [403, 'DENIED']);
  assert.equal(await deviceState(h, d.id), null);
  assert.equal(await keysFor(h, d), 'DEVICE_UNKNOWN');
});

eachBackend('a redemption signed by other keys than the device it names is refused and leaves the invitation usable', {}, async (h) => {
  const inv = await invite(h, 'ann-d');
  const named = await freshDevice('ann-d');
  const thief = await freshDevice('ann-d');
  const body = { v: 1, invitation: toBase64Url(await invitationHash(p, inv.code)), annotator: 'ann-d', signing: toBase64Url(named.keys.signing), kex: toBase64Url(named.keys.kex) };
  const forged = { body, code: inv.code, sig: toBase64Url(await signFor(thief.signer, 'enrollment', canonicalJsonBytes(body))) };
  const res = await h.post('v1/enroll', forged);
  assert.deepEqual([res.status, res.body.error.code], [401, 'BAD_SIGNATURE']);
  assert.equal(await deviceState(h, named.id), null);
  assert.equal(await keysFor(h, named), 'DEVICE_UNKNOWN');
  const honest = await enroll(h, named, inv.code);
  assert.equal(honest.status, 200, 'control: the invitation still works for the device that signs for itself');
  assert.equal(await keysFor(h, named), 'GRANTED');
});

eachBackend('with manual approval off, a vendor-minted annotator and device are refused; an invited one is not', {}, async (h) => {
  // The vendor mints an annotator and registers a device at its hub; the lab only ever sees the hub's word.
  const minted = await freshDevice('minted-by-vendor');
  const id = await importDevice(h.gk, { vendor: HUB, annotator: minted.annotator, signing: toBase64Url(minted.keys.signing), kex: toBase64Url(minted.keys.kex) });
  await setManualApproval(h.gk, HUB, false, 'test-admin');
  assert.ok((await h.records()).some((r) => r.reason === `APPROVAL vendor=${HUB} manual=off by=test-admin`));
  await assert.rejects(approveDevice(h.gk, id), (e: Error & { code?: string }) => e.code === 'DENIED');
  assert.equal((await deviceState(h, id))?.state, 'pending');
  assert.equal(await keysFor(h, minted), 'DEVICE_NOT_APPROVED');
  await assert.rejects(issueInvitation(h.gk, HUB, { annotator: minted.annotator }, 'test-operator'), (e: Error & { code?: string }) => e.code === 'NOT_FOUND', 'no invitation for someone off the roster');

  const inv = await invite(h, 'ann-e');
  const invited = await freshDevice('ann-e');
  assert.equal((await enroll(h, invited, inv.code)).status, 200);
  assert.equal(await keysFor(h, invited), 'GRANTED', 'control: an invited device gets keys with manual approval off');

  await setManualApproval(h.gk, HUB, true, 'test-admin');
  await approveDevice(h.gk, id);
  assert.equal(await keysFor(h, minted, 1), 'GRANTED', 'control: with manual approval on, the same approval goes through');
});

eachBackend('through the admin API: roster, an invitation link with the code in its fragment, list without codes, revoke, manual approval off', {}, async (h) => {
  const signers = { operator: await p.ed25519FromSeed(new Uint8Array(32).fill(211)), auditor: await p.ed25519FromSeed(new Uint8Array(32).fill(212)), admin: await p.ed25519FromSeed(new Uint8Array(32).fill(213)) };
  for (const [role, s] of Object.entries(signers)) await putOperator(h.gk, { id: `${role}-1`, publicKey: toBase64Url(s.publicKey), role: role as 'operator' }, 'init');
  const server = await listen(adminApp(h.gk, { facts: { gatekeeperUrl: h.url, logVkey: h.gk.logKey.verifierKey, witnesses: [h.witnessVkey], quorum: 1, workstation: 'c'.repeat(64) }, witnessed: true }) as unknown as Hono);
  try {
    const as = (role: keyof typeof signers) => new GatekeeperAdminClient(server.url, LAB, `${role}-1`, signers[role], p);
    await as('operator').rosterAdd(HUB, 'ann-f');
    assert.deepEqual((await as('auditor').roster(HUB)).map((r) => [r.annotator, r.addedBy]), [['ann-f', 'operator-1']]);
    await assert.rejects(as('auditor').invite(HUB, 'ann-f'), /role|DENIED|may not/i, 'an auditor issues no invitation');
    const inv = await as('operator').invite(HUB, 'ann-f', 3600);
    assert.equal(inv.link, new URL(`workstation/#invite=${inv.code}`, h.url).href);
    const listed = await as('auditor').invitations(HUB);
    assert.deepEqual(listed.map((i) => [i.id, i.state, i.issuedBy]), [[inv.id, 'issued', 'operator-1']]);
    assert.ok(!JSON.stringify(listed).includes(inv.code), 'listing never shows a code');
    await as('operator').revokeInvitation(inv.id);
    assert.equal((await as('auditor').invitations(HUB))[0]?.state, 'revoked');

    assert.equal(await as('auditor').manualApproval(HUB), true, 'manual approval stays on until the lab turns it off');
    await assert.rejects(as('operator').setManualApproval(HUB, false), /role|DENIED|may not/i, 'only an admin changes it');
    await as('admin').setManualApproval(HUB, false);
    assert.equal(await as('auditor').manualApproval(HUB), false);
    const minted = await freshDevice('ann-minted');
    const id = await importDevice(h.gk, { vendor: HUB, annotator: minted.annotator, signing: toBase64Url(minted.keys.signing), kex: toBase64Url(minted.keys.kex) });
    await assert.rejects(approveDevice(h.gk, id), (e: Error & { code?: string }) => e.code === 'DENIED');
  } finally {
    await server.close();
  }
});

// Single use under a race: the claim is one conditional UPDATE. On PostgreSQL (a pool of connections) the
// redemptions really interleave, and without the condition several win; SQLite's one connection orders them.
eachBackend('concurrent redemptions of one invitation by several devices: exactly one is bound', {}, async (h) => {
  const inv = await invite(h, 'ann-g');
  const devices = await Promise.all(Array.from({ length: 6 }, () => freshDevice('ann-g')));
  const answers = await Promise.all(devices.map((d) => enroll(h, d, inv.code)));
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409, 409, 409, 409, 409], JSON.stringify(answers.map((a) => a.body)));
  const approved = await h.gk.db.selectFrom('devices').select('id').where('annotator', '=', 'ann-g').where('state', '=', 'approved').execute();
  assert.deepEqual(approved.map((d) => d.id), [answers.findIndex((a) => a.status === 200)].map((i) => devices[i]!.id));
  assert.equal((await h.records()).filter((r) => r.reason === `INVITED id=${inv.id}`).length, 1, 'one redemption on the log');
});

eachBackend('an invitation stops working when its person leaves the roster, and does not overturn a device the lab refused', {}, async (h) => {
  const left = await invite(h, 'ann-h');
  await removeFromRoster(h.gk, HUB, 'ann-h', 'test-operator');
  const d = await freshDevice('ann-h');
  const res = await enroll(h, d, left.code);
  assert.deepEqual([res.status, res.body.error.code], [403, 'DENIED']);
  assert.equal(await keysFor(h, d), 'DEVICE_UNKNOWN');

  const inv = await invite(h, 'ann-i');
  const refused = await freshDevice('ann-i');
  await refuseDevice(h.gk, await importDevice(h.gk, { vendor: HUB, annotator: 'ann-i', signing: toBase64Url(refused.keys.signing), kex: toBase64Url(refused.keys.kex) }));
  const again = await enroll(h, refused, inv.code);
  assert.deepEqual([again.status, again.body.error.code], [403, 'DENIED']);
  assert.equal((await deviceState(h, refused.id))?.state, 'refused');
  assert.equal(await keysFor(h, refused), 'DEVICE_NOT_APPROVED');
  const fresh = await freshDevice('ann-i');
  assert.equal((await enroll(h, fresh, inv.code)).status, 200, 'control: the invitation was not used up by the refusal');
});
