/** Assignment, release request and grant, sealed label and lab section: round trips and every refusal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { signAssignment, verifyAssignment, type AssignmentBody } from '../../src/core/assignment.js';
import { deviceId } from '../../src/core/device.js';
import { openGrant, sealGrant, signReleaseRequest, verifyReleaseRequest } from '../../src/core/release.js';
import { openLabel, sealLabel, verifyLabel, type LabelBinding } from '../../src/core/label.js';
import { openLabSection, sealLabSection } from '../../src/core/lab-section.js';
import { KeyholeError, type ErrorCode } from '../../src/core/errors.js';
import { toBase64Url, utf8 } from '../../src/core/bytes.js';
import { deviceFixture, NOW, p, seed } from '../support/fixtures.js';

const fails = (code: ErrorCode) => (e: unknown) => e instanceof KeyholeError && e.code === code;

async function setup() {
  const hub = await p.ed25519FromSeed(seed(20));
  const device = await deviceFixture(10);
  const other = await deviceFixture(12);
  const body: AssignmentBody = {
    v: 1,
    hub: 'vendor-hub',
    lab: 'acme-lab',
    campaign: 'pref-2026-12',
    item: 'item-0001',
    digest: toBase64Url(seed(5)),
    lease: 'lease-42',
    annotator: 'ann-7',
    device: await deviceId(p, device.keys),
    issued: NOW - 10,
    expires: NOW + 600,
  };
  const assignment = await signAssignment(hub, body);
  return { hub, device, other, body, assignment };
}

test('assignments verify, and forged, expired, future or malformed ones are refused', async () => {
  const { hub, assignment, body } = await setup();
  await verifyAssignment(p, hub.publicKey, assignment, NOW);
  const forged = { ...assignment, body: { ...assignment.body, item: 'item-0002' } };
  await assert.rejects(verifyAssignment(p, hub.publicKey, forged, NOW), fails('BAD_SIGNATURE'));
  await assert.rejects(verifyAssignment(p, (await p.ed25519FromSeed(seed(21))).publicKey, assignment, NOW), fails('BAD_SIGNATURE'));
  await assert.rejects(verifyAssignment(p, hub.publicKey, assignment, NOW + 600), fails('EXPIRED'));
  await assert.rejects(verifyAssignment(p, hub.publicKey, assignment, NOW - 1000), fails('NOT_YET_VALID'));
  await assert.rejects(verifyAssignment(p, hub.publicKey, { ...assignment, extra: 1 }, NOW), fails('BAD_FORMAT'));
  await assert.rejects(signAssignment(hub, { ...body, item: '../etc/passwd' }), (e: unknown) => e instanceof KeyholeError && /field item/.test(e.message));
});

test('a release request verifies; replays onto another device, stale or forged requests are refused', async () => {
  const { assignment, device, other } = await setup();
  const request = await signReleaseRequest(p, device, assignment, NOW);
  await verifyReleaseRequest(p, request, device.keys, NOW + 30);
  await assert.rejects(verifyReleaseRequest(p, request, device.keys, NOW + 61), fails('STALE'));
  await assert.rejects(verifyReleaseRequest(p, request, other.keys, NOW), fails('MISMATCH'));
  const tampered = { ...request, body: { ...request.body, time: NOW + 1 } };
  await assert.rejects(verifyReleaseRequest(p, tampered, device.keys, NOW), fails('BAD_SIGNATURE'));
  // Another device signing a request over this device's assignment.
  const stolen = await signReleaseRequest(p, other, assignment, NOW);
  await assert.rejects(verifyReleaseRequest(p, stolen, other.keys, NOW), fails('MISMATCH'));
});

test('a grant opens only for the request it answers, on the device it was sealed to', async () => {
  const { assignment, device, other } = await setup();
  const request = await signReleaseRequest(p, device, assignment, NOW);
  const dek = p.randomBytes(32);
  const grant = await sealGrant(p, request, device.keys.kex, dek);
  assert.deepEqual(await openGrant(p, grant, request, device.kex), dek);
  await assert.rejects(openGrant(p, grant, request, other.kex), fails('DECRYPT_FAILED'));
  const second = await signReleaseRequest(p, device, assignment, NOW);
  await assert.rejects(openGrant(p, grant, second, device.kex), fails('DECRYPT_FAILED'));
  await assert.rejects(openGrant(p, { ...grant, lease: 'lease-43' }, request, device.kex), fails('MISMATCH'));
  await assert.rejects(openGrant(p, { ...grant, dek: grant.dek.slice(0, -4) }, request, device.kex), fails('BAD_LENGTH'));
});

test('sealed labels round-trip; any change to binding, ciphertext or signature is refused', async () => {
  const { device, other, body } = await setup();
  const result = await p.x25519FromSecret(seed(30));
  const binding: LabelBinding = {
    v: 1,
    lab: body.lab,
    campaign: body.campaign,
    item: body.item,
    digest: body.digest,
    lease: body.lease,
    annotator: body.annotator,
    device: body.device,
    resultKey: toBase64Url(result.publicKey),
  };
  const plaintext = utf8('{"choice":"A","strength":2}');
  const label = await sealLabel(p, binding, plaintext, device.signer);
  assert.deepEqual((await openLabel(p, label, device.keys, result)).plaintext, plaintext);
  await assert.rejects(verifyLabel(p, label, other.keys), fails('MISMATCH'));
  await assert.rejects(openLabel(p, label, device.keys, await p.x25519FromSecret(seed(31))), fails('MISMATCH'));
  for (const field of ['lab', 'campaign', 'item', 'lease', 'annotator'] as const) {
    await assert.rejects(verifyLabel(p, { ...label, [field]: 'changed' }, device.keys), fails('BAD_SIGNATURE'), field);
  }
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('ct', 'enc', 'sig', 'digest'), fc.nat(), async (field, n) => {
      const value = label[field];
      const i = n % value.length;
      const c = value[i] === 'A' ? 'B' : 'A';
      const changed = { ...label, [field]: value.slice(0, i) + c + value.slice(i + 1) };
      await assert.rejects(openLabel(p, changed, device.keys, result), KeyholeError);
    }),
    { numRuns: 100 },
  );
});

test('the lab section opens only with the lab key and for its own item', async () => {
  const lab = await p.x25519FromSecret(seed(40));
  const digest = seed(5);
  const sealed = await sealLabSection(p, lab.publicKey, digest, utf8('{"source":"row-17","ab":"BA"}'));
  assert.deepEqual(await openLabSection(p, lab, digest, sealed), utf8('{"source":"row-17","ab":"BA"}'));
  await assert.rejects(openLabSection(p, lab, seed(6), sealed), fails('DECRYPT_FAILED'));
  await assert.rejects(openLabSection(p, await p.x25519FromSecret(seed(41)), digest, sealed), fails('DECRYPT_FAILED'));
  await assert.rejects(openLabSection(p, lab, digest, sealed.subarray(0, 40)), fails('TRUNCATED'));
});

test('campaign manifests verify; forged, other-lab and malformed ones are refused', async () => {
  const { signCampaignManifest, verifyCampaignManifest } = await import('../../src/core/campaign-manifest.js');
  const lab = await p.ed25519FromSeed(seed(50));
  const body = {
    v: 1 as const,
    lab: 'acme-lab',
    campaign: 'pref-2026-12',
    title: 'Helpfulness preferences, December',
    task: 'pairwise' as const,
    policy: 'a'.repeat(64),
    resultKey: toBase64Url(seed(51)),
    overlap: 3,
    leaseSeconds: 900,
    opens: NOW,
    closes: NOW + 86_400,
    gatekeeper: 'https://gatekeeper.acme.example',
    log: { vkey: 'acme.example/log+968cc77e+AQcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH', witnesses: [], quorum: 0 },
    workstation: 'b'.repeat(64),
  };
  const manifest = await signCampaignManifest(lab, body);
  await verifyCampaignManifest(p, lab.publicKey, 'acme-lab', manifest);
  await assert.rejects(verifyCampaignManifest(p, lab.publicKey, 'other-lab', manifest), fails('MISMATCH'));
  await assert.rejects(verifyCampaignManifest(p, lab.publicKey, 'acme-lab', { ...manifest, body: { ...manifest.body, overlap: 4 } }), fails('BAD_SIGNATURE'));
  await assert.rejects(verifyCampaignManifest(p, (await p.ed25519FromSeed(seed(52))).publicKey, 'acme-lab', manifest), fails('BAD_SIGNATURE'));
  await assert.rejects(signCampaignManifest(lab, { ...body, log: { ...body.log, quorum: 1 } }), (e: unknown) => e instanceof KeyholeError && /field log.quorum/.test(e.message));
});
