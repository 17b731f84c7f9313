/**
 * One test per point where an implementation written from docs/SPEC.md alone
 * disagreed with the code (issue 14, "Spec and code disagree"). Each pins the
 * behaviour the spec now states; where the code changed, the test fails on the
 * code before the change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signAssignment, verifyAssignment, type AssignmentBody } from '../../src/core/assignment.js';
import { GENESIS_PREV, decodeAccessRecord, encodeAccessRecord, type AccessRecord } from '../../src/core/access-record.js';
import { concat, fromHex, fromUtf8, toBase64Url, u32be, utf8 } from '../../src/core/bytes.js';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { signCampaignManifest, verifyCampaignManifest, type CampaignManifestBody } from '../../src/core/campaign-manifest.js';
import { ed25519Cosigner } from '../../src/core/cosignature.js';
import { deviceId } from '../../src/core/device.js';
import { KeyholeError, type ErrorCode } from '../../src/core/errors.js';
import { deriveKeyPair, hpkeOpen } from '../../src/core/hpke.js';
import { openLabel, sealLabel, verifyLabel, type LabelBinding } from '../../src/core/label.js';
import { parseLabel } from '../../src/core/label-plaintext.js';
import { verifyConsistency } from '../../src/core/merkle.js';
import { computeKeyId, ed25519NoteSigner, formatVerifierKey, openNote, signNote } from '../../src/core/note.js';
import { openGrant, sealGrant, signReleaseRequest, verifyReleaseRequest } from '../../src/core/release.js';
import { parseJsonText } from '../../src/core/schema.js';
import { ITEM_PREFIX, inspectItem, openItem, sealItem } from '../../src/core/sealed-item.js';
import { webCryptoPrimitives } from '../../src/core/webcrypto-primitives.js';
import { signDeletionReceipt, verifyDeletionReceipt } from '../../src/gatekeeper/deletion-receipt.js';
import { createKeystoreFile } from '../../src/gatekeeper/keystore/passphrase-keystore.js';
import { deviceFixture, labFixture, NOW, p, seed } from '../support/fixtures.js';
import { OUR_VECTORS } from '../support/shared.js';

function codeOf(fn: () => unknown): ErrorCode | 'OK' {
  try {
    fn();
    return 'OK';
  } catch (err) {
    if (err instanceof KeyholeError) return err.code;
    throw err;
  }
}

async function asyncCodeOf(fn: () => Promise<unknown>): Promise<ErrorCode | 'OK'> {
  try {
    await fn();
    return 'OK';
  } catch (err) {
    if (err instanceof KeyholeError) return err.code;
    throw err;
  }
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Same bytes, non-zero unused bits in the last symbol (§1.1: not canonical). */
const nonCanonical = (s: string): string => s.slice(0, -1) + B64URL[B64URL.indexOf(s.at(-1)!) | 1]!;

async function releaseSetup() {
  const hub = await p.ed25519FromSeed(seed(20));
  const device = await deviceFixture(10);
  const other = await deviceFixture(12);
  const body: AssignmentBody = {
    v: 1, hub: 'vendor-hub', lab: 'acme-lab', campaign: 'pref-2026-12', item: 'item-0001', digest: toBase64Url(seed(5)),
    lease: 'lease-42', annotator: 'ann-7', device: await deviceId(p, device.keys), issued: NOW - 10, expires: NOW + 600,
  };
  const assignment = await signAssignment(hub, body);
  const request = await signReleaseRequest(p, device, assignment, NOW);
  return { hub, device, other, body, assignment, request };
}

async function labelSetup() {
  const device = await deviceFixture(10);
  const result = await p.x25519FromSecret(seed(30));
  const binding: LabelBinding = {
    v: 1, lab: 'acme-lab', campaign: 'pref-2026-12', item: 'item-0001', digest: toBase64Url(seed(5)), lease: 'lease-42',
    annotator: 'ann-7', device: await deviceId(p, device.keys), resultKey: toBase64Url(result.publicKey),
  };
  const label = await sealLabel(p, binding, utf8('{"choice":"A"}'), device.signer);
  return { device, result, binding, label };
}

// ---------------------------------------------------------------- §1.2 duplicate members

test('§1.2: an object with the same member name twice is refused (BAD_FORMAT), at any depth and however the name is spelled', () => {
  for (const text of ['{"a":1,"a":2}', '{"x":{"b":1,"b":1}}', '[{"a":1},{"c":{"d":[{"e":1,"e":2}]}}]', '{"a":1,"\\u0061":2}', '{"__proto__":1,"__proto__":2}', '{"a" :1,"a"\n:2}']) {
    assert.equal(codeOf(() => parseJsonText(text, 'test')), 'BAD_FORMAT', text);
  }
  // Same names in different objects, and colons and quotes inside strings, are not duplicates.
  for (const text of ['{"a":{"a":1},"b":[{"a":2},{"a":3}]}', '{"x":"\\":\\"","y":"a\\\\","z":":"}', '[]', '{}', '{"":1,"\\"":2}']) {
    assert.equal(codeOf(() => parseJsonText(text, 'test')), 'OK', text);
  }
});

test('§1.2: a signed JSON object with a duplicated member cannot be presented to a verifier as text', async () => {
  const { request } = await releaseSetup();
  const text = canonicalJson(request);
  // Two verifiers that kept the first or the last "sig" would disagree; the parser refuses both readings.
  const doubled = text.replace('"sig":', `"sig":"${toBase64Url(new Uint8Array(64))}","sig":`);
  assert.equal(codeOf(() => parseJsonText(doubled, 'release request')), 'BAD_FORMAT');
});

test('§1.2: JSON nested deeper than 512 levels is refused (BAD_FORMAT) before any recursive code sees it', () => {
  const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
  assert.equal(codeOf(() => parseJsonText(nest(512), 'test')), 'OK');
  assert.equal(codeOf(() => parseJsonText(nest(513), 'test')), 'BAD_FORMAT');
  assert.equal(codeOf(() => parseJsonText('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), 'test')), 'BAD_FORMAT');
  assert.equal(codeOf(() => parseJsonText(nest(200_000), 'test')), 'BAD_FORMAT');
});

test('§1.2: parse errors do not quote the input', () => {
  try {
    parseJsonText('{"secret-token-123":x}', 'request body');
    assert.fail('parsed');
  } catch (err) {
    assert.ok(err instanceof KeyholeError);
    assert.doesNotMatch(err.message, /secret|token|123/);
  }
});

// ---------------------------------------------------------------- §10 codes

test('§10: a JSON `v` of another integer is UNKNOWN_VERSION in every format; a `v` of another type is BAD_FORMAT', async () => {
  const { hub, device, assignment, request } = await releaseSetup();
  const { device: labelDevice, label, result } = await labelSetup();
  const grant = await sealGrant(p, request, device.keys.kex, seed(33));
  assert.equal(await asyncCodeOf(() => verifyAssignment(p, hub.publicKey, { ...assignment, body: { ...assignment.body, v: 2 } }, NOW)), 'UNKNOWN_VERSION');
  assert.equal(await asyncCodeOf(() => verifyReleaseRequest(p, { ...request, body: { ...request.body, v: 2 } }, device.keys, NOW)), 'UNKNOWN_VERSION');
  assert.equal(await asyncCodeOf(() => openGrant(p, { ...grant, v: 2 }, request, device.kex)), 'UNKNOWN_VERSION');
  assert.equal(await asyncCodeOf(() => openLabel(p, { ...label, v: 2 }, labelDevice.keys, result)), 'UNKNOWN_VERSION');
  assert.equal(await asyncCodeOf(() => openLabel(p, { ...label, v: '1' }, labelDevice.keys, result)), 'BAD_FORMAT');
  const plaintext = { v: 1, seconds: 12, task: 'pairwise', a: 'chosen', b: 'rejected', choice: 'A', strength: -2, rationale: '' };
  assert.equal(codeOf(() => parseLabel(JSON.stringify(plaintext))), 'OK');
  assert.equal(codeOf(() => parseLabel(JSON.stringify({ ...plaintext, v: 2 }))), 'UNKNOWN_VERSION');
  const record: AccessRecord = { v: 1, kind: 'release', time: '2026-03-01T12:00:00.000Z', decision: 'allow', seq: 0, prev: GENESIS_PREV };
  const entry = fromUtf8(encodeAccessRecord(record));
  assert.equal(codeOf(() => decodeAccessRecord(utf8(entry.replace('"v":1', '"v":2')))), 'UNKNOWN_VERSION');
  // The sealed item's JSON header: v 2 is an unknown version even though the text prefix says v1.
  const { params, labSigner } = await labFixture();
  const sealed = await sealItem(p, params, utf8('x'));
  const head = await inspectItem(p, sealed);
  const header = fromUtf8(head.headerBytes).replace('"v":1', '"v":2');
  const rebuilt = concat(ITEM_PREFIX, u32be(utf8(header).length), utf8(header), sealed.subarray(ITEM_PREFIX.length + 4 + head.headerBytes.length));
  assert.equal(await asyncCodeOf(() => openItem(p, rebuilt, { labPublicKey: labSigner.publicKey, dek: seed(1), now: NOW })), 'UNKNOWN_VERSION');
});

test('§10: non-canonical base64url inside JSON, and non-canonical JCS, are BAD_ENCODING', async () => {
  const { device, label } = await labelSetup();
  assert.equal(await asyncCodeOf(() => verifyLabel(p, { ...label, digest: nonCanonical(label.digest) }, device.keys)), 'BAD_ENCODING');
  assert.equal(await asyncCodeOf(() => verifyLabel(p, { ...label, enc: label.enc.replace(/^./, '+') }, device.keys)), 'BAD_ENCODING');
  const record: AccessRecord = { v: 1, kind: 'release', time: '2026-03-01T12:00:00.000Z', decision: 'allow', seq: 0, prev: GENESIS_PREV };
  const entry = fromUtf8(encodeAccessRecord(record));
  assert.equal(codeOf(() => decodeAccessRecord(utf8(entry.replace('{', '{ ')))), 'BAD_ENCODING');
  assert.equal(codeOf(() => decodeAccessRecord(utf8(entry.replace(GENESIS_PREV, nonCanonical(GENESIS_PREV))))), 'BAD_ENCODING');
  const { params } = await labFixture();
  const sealed = await sealItem(p, params, utf8('x'));
  const head = await inspectItem(p, sealed);
  const spaced = fromUtf8(head.headerBytes).replace('{', '{ ');
  const rebuilt = concat(ITEM_PREFIX, u32be(utf8(spaced).length), utf8(spaced), sealed.subarray(ITEM_PREFIX.length + 4 + head.headerBytes.length));
  assert.equal(await asyncCodeOf(() => inspectItem(p, rebuilt)), 'BAD_ENCODING');
});

test('§10: a field inside JSON that decodes to the wrong number of bytes is BAD_LENGTH', async () => {
  const { device, label } = await labelSetup();
  assert.equal(await asyncCodeOf(() => verifyLabel(p, { ...label, sig: label.sig.slice(0, -6) }, device.keys)), 'BAD_LENGTH');
  assert.equal(await asyncCodeOf(() => verifyLabel(p, { ...label, device: label.device.slice(2) }, device.keys)), 'BAD_LENGTH');
  const { request } = await releaseSetup();
  assert.equal(await asyncCodeOf(() => verifyReleaseRequest(p, { ...request, body: { ...request.body, nonce: toBase64Url(new Uint8Array(15)) } }, device.keys, NOW)), 'BAD_LENGTH');
});

test('§10: of several faults in one value, UNKNOWN_VERSION beats BAD_ENCODING beats BAD_LENGTH beats BAD_FORMAT, wherever they sit', async () => {
  const { device, label } = await labelSetup();
  const check = (value: unknown) => asyncCodeOf(() => verifyLabel(p, value, device.keys));
  const { campaign: _campaign, ...missingCampaign } = label;
  assert.equal(await check({ ...missingCampaign, v: 2, sig: label.sig.slice(0, -6), digest: nonCanonical(label.digest) }), 'UNKNOWN_VERSION');
  assert.equal(await check({ ...missingCampaign, extra: 1, sig: label.sig.slice(0, -6), digest: nonCanonical(label.digest) }), 'BAD_ENCODING');
  assert.equal(await check({ ...missingCampaign, extra: 1, sig: label.sig.slice(0, -6) }), 'BAD_LENGTH');
  assert.equal(await check({ ...missingCampaign, extra: 1 }), 'BAD_FORMAT');
  // Nested: an unknown version of the embedded assignment outranks a short nonce in the request around it.
  const { request, device: requester } = await releaseSetup();
  const nested = { ...request, body: { ...request.body, nonce: 'AAAA', assignment: { ...request.body.assignment, body: { ...request.body.assignment.body, v: 3 } } } };
  assert.equal(await asyncCodeOf(() => verifyReleaseRequest(p, nested, requester.keys, NOW)), 'UNKNOWN_VERSION');
});

test('§1.5, §10: an all-zero X25519 output (low-order enc) is BAD_FORMAT on both back ends', async () => {
  for (const prims of [p, webCryptoPrimitives]) {
    const recipient = await prims.x25519FromSecret(seed(9));
    for (const enc of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      assert.equal(await asyncCodeOf(() => hpkeOpen(prims, 'AES-256-GCM', recipient, enc, utf8('info'), new Uint8Array(0), new Uint8Array(32))), 'BAD_FORMAT', prims.name);
    }
  }
});

// ---------------------------------------------------------------- §3.7 order

test('§3.7: the DEK length is checked at step 5, after the header signature (step 2)', async () => {
  const { params, labSigner } = await labFixture();
  const sealed = await sealItem(p, params, utf8('hello'));
  const head = await inspectItem(p, sealed);
  const forged = sealed.slice();
  forged[ITEM_PREFIX.length + 4 + head.headerBytes.length + 3]! ^= 1;
  assert.equal(await asyncCodeOf(() => openItem(p, forged, { labPublicKey: labSigner.publicKey, dek: new Uint8Array(31), now: NOW })), 'BAD_SIGNATURE');
  assert.equal(await asyncCodeOf(() => openItem(p, sealed, { labPublicKey: labSigner.publicKey, dek: new Uint8Array(31), now: params.expires })), 'EXPIRED');
  assert.equal(await asyncCodeOf(() => openItem(p, sealed, { labPublicKey: labSigner.publicKey, dek: new Uint8Array(31), now: NOW })), 'BAD_LENGTH');
});

// ---------------------------------------------------------------- §2.2 manifest

async function manifestBody(): Promise<CampaignManifestBody> {
  const log = await ed25519NoteSigner(p, 'lab.example/keyhole/audit/v1', seed(40));
  const witness = await ed25519Cosigner(p, 'witness.example/w1', seed(41));
  return {
    v: 1, lab: 'acme-lab', campaign: 'pref-2026-12', title: 'Preferences', task: 'pairwise', policy: 'a'.repeat(64),
    resultKey: toBase64Url(seed(51)), overlap: 3, leaseSeconds: 900, opens: NOW, closes: NOW + 86_400,
    gatekeeper: 'https://gatekeeper.acme.example', log: { vkey: log.verifierKey, witnesses: [witness.verifierKey], quorum: 1 }, workstation: 'b'.repeat(64),
  };
}

test('§2.2: the gatekeeper URL is an http(s) URL without user info, query or fragment', async () => {
  const lab = await p.ed25519FromSeed(seed(50));
  const body = await manifestBody();
  for (const ok of ['https://gatekeeper.acme.example', 'http://127.0.0.1:8080/', 'https://[::1]:443/lab/', 'https://gk.example/a/b']) {
    await verifyCampaignManifest(p, lab.publicKey, 'acme-lab', await signCampaignManifest(lab, { ...body, gatekeeper: ok }));
  }
  for (const bad of ['ftp://gatekeeper.acme.example', 'https://user:pw@gk.example', 'https://gk.example/?q=1', 'https://gk.example/#x', 'javascript:alert(1)', 'HTTPS://gk.example', 'https://', `https://${'a'.repeat(200)}.example`]) {
    assert.equal(await asyncCodeOf(() => signCampaignManifest(lab, { ...body, gatekeeper: bad })), 'BAD_FORMAT', bad);
  }
});

test('§2.2, §8.1: a manifest vkey whose key id does not match its key is refused (MISMATCH); a witness key of the wrong type is UNSUPPORTED', async () => {
  const lab = await p.ed25519FromSeed(seed(50));
  const body = await manifestBody();
  await verifyCampaignManifest(p, lab.publicKey, 'acme-lab', await signCampaignManifest(lab, body));
  const wrongId = body.log.vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
  assert.equal(await asyncCodeOf(async () => verifyCampaignManifest(p, lab.publicKey, 'acme-lab', await signCampaignManifest(lab, { ...body, log: { ...body.log, vkey: wrongId } }))), 'MISMATCH');
  const asWitness = { ...body, log: { ...body.log, witnesses: [body.log.vkey] } };
  assert.equal(await asyncCodeOf(async () => verifyCampaignManifest(p, lab.publicKey, 'acme-lab', await signCampaignManifest(lab, asWitness))), 'UNSUPPORTED');
  // A vkey whose key id is right for its bytes but whose key is not 32 bytes.
  const short = new Uint8Array(3);
  const shortVkey = formatVerifierKey('acme-log', await computeKeyId(p, 'acme-log', 1, short), 1, short);
  assert.equal(await asyncCodeOf(async () => verifyCampaignManifest(p, lab.publicKey, 'acme-lab', await signCampaignManifest(lab, { ...body, log: { ...body.log, vkey: shortVkey } }))), 'BAD_LENGTH');
});

// ---------------------------------------------------------------- §8.2 cosignature timestamps

test('§8.2: a cosignature timestamp above 2^53 - 1 is UNSUPPORTED, not "does not verify"', async () => {
  const witness = await ed25519Cosigner(p, 'witness.example/w1', seed(41));
  const log = await ed25519NoteSigner(p, 'lab.example/keyhole/audit/v1', seed(40));
  const note = await signNote('lab.example/keyhole/audit/v1\n1\n' + 'A'.repeat(43) + '=\n', [log]);
  const cosig = await witness.cosign(note.slice(0, note.indexOf('\n\n') + 1), 1_800_000_000);
  const big = cosig.signature.slice();
  new DataView(big.buffer).setBigUint64(0, 2n ** 53n, false);
  const { cosignatureVerifier } = await import('../../src/core/cosignature.js');
  const { addSignatures } = await import('../../src/core/note.js');
  const verifier = await cosignatureVerifier(p, witness.verifierKey);
  assert.equal(await asyncCodeOf(() => openNote(addSignatures(note, [cosig]), [verifier])), 'OK');
  assert.equal(await asyncCodeOf(() => openNote(addSignatures(note, [{ ...cosig, signature: big }]), [verifier])), 'UNSUPPORTED');
});

// ---------------------------------------------------------------- §8.4 access records

test('§8.4: a record with seq 0 must have prev = 43 "A"; record ids may hold ":" but not "/"', () => {
  const record: AccessRecord = { v: 1, kind: 'release', time: '2026-03-01T12:00:00.000Z', annotator: 'vendor-hub:ann-7', decision: 'allow', seq: 0, prev: GENESIS_PREV };
  assert.deepEqual(decodeAccessRecord(encodeAccessRecord(record)), record);
  const other = toBase64Url(seed(3));
  const entry = fromUtf8(encodeAccessRecord({ ...record, seq: 1, prev: other }));
  assert.equal(codeOf(() => decodeAccessRecord(utf8(entry.replace('"seq":1', '"seq":0')))), 'BAD_FORMAT');
  assert.equal(codeOf(() => encodeAccessRecord({ ...record, prev: other })), 'BAD_FORMAT');
  assert.equal(codeOf(() => encodeAccessRecord({ ...record, annotator: 'vendor-hub/ann-7' })), 'BAD_FORMAT');
});

// ---------------------------------------------------------------- §8.6 consistency from size 0

test('§8.6: RFC 9162 consistency verification refuses size 0 (the witness protocol special-cases old size 0 with an empty proof)', async () => {
  const empty = await p.sha256(new Uint8Array(0));
  const root = await p.sha256(utf8('x'));
  assert.equal(await asyncCodeOf(() => verifyConsistency(p, 0, 5, [], empty, root)), 'BAD_FORMAT');
  assert.equal(await asyncCodeOf(() => verifyConsistency(p, 0, 0, [], empty, empty)), 'BAD_FORMAT');
});

// ---------------------------------------------------------------- §1.3 lengths in characters

test('§1.3, §11.1: lengths in characters count Unicode code points, the keystore passphrase included', async () => {
  const lab = await p.ed25519FromSeed(seed(50));
  const body = await manifestBody();
  await signCampaignManifest(lab, { ...body, title: '😀'.repeat(200) });
  assert.equal(await asyncCodeOf(() => signCampaignManifest(lab, { ...body, title: '😀'.repeat(201) })), 'BAD_FORMAT');
  // 11 emoji are 22 UTF-16 code units but 11 characters: under the 12-character minimum.
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-spec-'));
  try {
    assert.equal(await asyncCodeOf(() => createKeystoreFile(p, join(dir, 'short.keystore'), '😀'.repeat(11))), 'BAD_FORMAT');
    // NFC first: "e" + combining acute is one character, so this is 11 characters (21 code points before NFC).
    assert.equal(await asyncCodeOf(() => createKeystoreFile(p, join(dir, 'nfc.keystore'), 'e\u0301'.repeat(10) + 'x')), 'BAD_FORMAT');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- §11.3 deletion receipts

test('§11.3: deletion receipt keks must be sorted, each once; log is 1-200 characters; at most 10,000 keks', async () => {
  const lab = await p.ed25519FromSeed(seed(50));
  const body = { v: 1 as const, lab: 'acme-lab', batch: 'batch-1', campaign: 'pref-2026-12', keks: ['kek-a', 'kek-b'], time: NOW, log: 'lab.example/keyhole/audit/v1' };
  const receipt = await signDeletionReceipt(lab, body);
  await verifyDeletionReceipt(p, lab.publicKey, receipt);
  const forged = async (b: typeof body) => ({ body: b, sig: toBase64Url(await lab.sign(concat(utf8('keyhole/v1 deletion-receipt'), new Uint8Array([0]), utf8(canonicalJson(b))))) });
  assert.equal(await asyncCodeOf(async () => verifyDeletionReceipt(p, lab.publicKey, await forged({ ...body, keks: ['kek-b', 'kek-a'] }))), 'BAD_FORMAT');
  assert.equal(await asyncCodeOf(async () => verifyDeletionReceipt(p, lab.publicKey, await forged({ ...body, keks: ['kek-a', 'kek-a'] }))), 'BAD_FORMAT');
  assert.equal(await asyncCodeOf(async () => verifyDeletionReceipt(p, lab.publicKey, await forged({ ...body, log: '' }))), 'BAD_FORMAT');
  assert.equal(await asyncCodeOf(async () => verifyDeletionReceipt(p, lab.publicKey, await forged({ ...body, log: 'x'.repeat(201) }))), 'BAD_FORMAT');
  const many = Array.from({ length: 10_001 }, (_, i) => `kek-${String(i).padStart(5, '0')}`);
  assert.equal(await asyncCodeOf(async () => verifyDeletionReceipt(p, lab.publicKey, await forged({ ...body, keks: many }))), 'BAD_FORMAT');
});

// ---------------------------------------------------------------- §6, §7.1 order of checks

test('§6, §7.1: the device id is checked before the signature; the request verifier checks the embedded assignment\'s members and device, not its hub signature', async () => {
  const { device, other, assignment, request } = await releaseSetup();
  // Signed by nobody, for another device: MISMATCH (device id) comes before BAD_SIGNATURE.
  const unsigned = { ...request, sig: toBase64Url(new Uint8Array(64)) };
  assert.equal(await asyncCodeOf(() => verifyReleaseRequest(p, unsigned, other.keys, NOW)), 'MISMATCH');
  assert.equal(await asyncCodeOf(() => verifyReleaseRequest(p, unsigned, device.keys, NOW)), 'BAD_SIGNATURE');
  const { device: labelDevice, label } = await labelSetup();
  const otherDevice = await deviceFixture(14);
  assert.equal(await asyncCodeOf(() => verifyLabel(p, { ...label, sig: toBase64Url(new Uint8Array(64)) }, otherDevice.keys)), 'MISMATCH');
  assert.equal(await asyncCodeOf(() => verifyLabel(p, { ...label, sig: toBase64Url(new Uint8Array(64)) }, labelDevice.keys)), 'BAD_SIGNATURE');
  // An assignment with a forged hub signature passes the request verifier (§7.1: §5's verification does that) ...
  const forgedHub = { ...assignment, sig: toBase64Url(new Uint8Array(64)) };
  const withForged = await signReleaseRequest(p, device, forgedHub, NOW);
  assert.equal(await asyncCodeOf(() => verifyReleaseRequest(p, withForged, device.keys, NOW)), 'OK');
  // ... but its members are checked, and so is the device it names.
  const malformed = await signReleaseRequest(p, device, { ...assignment, body: { ...assignment.body, lease: 'a/b' } }, NOW);
  assert.equal(await asyncCodeOf(() => verifyReleaseRequest(p, malformed, device.keys, NOW)), 'BAD_FORMAT');
});

// ---------------------------------------------------------------- §9 HPKE randomness in our vectors

test('§9: an HPKE ephemeral secret in vectors/core is the raw X25519 secret key: enc = X25519(secret, 9), no DeriveKeyPair', async () => {
  const file = JSON.parse(readFileSync(join(OUR_VECTORS, 'core', 'label.json'), 'utf8')) as { random: string[]; label: { enc: string } };
  const raw = await p.x25519FromSecret(fromHex(file.random[0]!));
  assert.equal(toBase64Url(raw.publicKey), file.label.enc);
  const derived = await deriveKeyPair(p, fromHex(file.random[0]!));
  assert.notEqual(toBase64Url(derived.key.publicKey), file.label.enc);
});

test('§8.2: a monitor counts a malformed cosignature of a policy witness as disagreeing, and still admits the checkpoint on the others', async () => {
  const log = await ed25519NoteSigner(p, 'lab.example/keyhole/audit/v1', seed(40));
  const w1 = await ed25519Cosigner(p, 'witness.example/w1', seed(41));
  const w2 = await ed25519Cosigner(p, 'witness.example/w2', seed(42));
  const note = await signNote('lab.example/keyhole/audit/v1\n1\n' + 'A'.repeat(43) + '=\n', [log]);
  const text = note.slice(0, note.indexOf('\n\n') + 1);
  const good = await w1.cosign(text, 1_800_000_000);
  const bad = await w2.cosign(text, 1_800_000_000);
  const huge = bad.signature.slice();
  new DataView(huge.buffer).setBigUint64(0, 2n ** 60n, false);
  const { addSignatures } = await import('../../src/core/note.js');
  const { checkpointPolicy, verifyCheckpoint } = await import('../../src/monitor/follower/checkpoint-policy.js');
  const policy = await checkpointPolicy(p, log.verifierKey, [w1.verifierKey, w2.verifierKey], 1);
  for (const malformed of [huge, bad.signature.slice(0, 70)]) {
    const verified = await verifyCheckpoint(policy, addSignatures(note, [good, { ...bad, signature: malformed }]));
    assert.deepEqual([verified.cosigners, verified.disagreeing], [['witness.example/w1'], ['witness.example/w2']]);
  }
});

test('§1.2, §11: the gatekeeper\'s and the hub\'s signed formats and the keystore file give UNKNOWN_VERSION for another integer `v` too', async () => {
  const { parseWith } = await import('../../src/core/schema.js');
  const { MonitorRequestBody } = await import('../../src/gatekeeper/monitor-request.js');
  const { SignedRequestBody } = await import('../../src/hub/lab-request-signature.js');
  const { openKeystoreFile } = await import('../../src/gatekeeper/keystore/passphrase-keystore.js');
  const { writeFileSync } = await import('node:fs');
  const lab = await p.ed25519FromSeed(seed(50));
  const receipt = await signDeletionReceipt(lab, { v: 1, lab: 'acme-lab', batch: 'batch-1', campaign: 'pref-2026-12', keks: ['kek-a'], time: NOW, log: 'lab.example/keyhole/audit/v1' });
  assert.equal(await asyncCodeOf(() => verifyDeletionReceipt(p, lab.publicKey, { ...receipt, body: { ...receipt.body, v: 2 } })), 'UNKNOWN_VERSION');
  const monitor = { v: 2, monitor: 'mon-1', action: 'suspend', target: { kind: 'device', device: 'a'.repeat(64) }, reason: 'x', time: NOW, nonce: toBase64Url(new Uint8Array(16)) };
  assert.equal(codeOf(() => parseWith(MonitorRequestBody, monitor, 'monitor request')), 'UNKNOWN_VERSION');
  const hubRequest = { v: 2, hub: 'vendor-hub', lab: 'acme-lab', method: 'GET', path: '/v1/x', time: NOW, nonce: toBase64Url(new Uint8Array(16)), body: 'a'.repeat(64) };
  assert.equal(codeOf(() => parseWith(SignedRequestBody, hubRequest, 'hub request')), 'UNKNOWN_VERSION');
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-spec-'));
  try {
    const path = join(dir, 'keystore.json');
    await createKeystoreFile(p, path, 'a long enough passphrase');
    const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'v2.json'), `${canonicalJson({ ...file, v: 2 })}\n`);
    assert.equal(await asyncCodeOf(() => openKeystoreFile(p, join(dir, 'v2.json'), 'a long enough passphrase')), 'UNKNOWN_VERSION');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
