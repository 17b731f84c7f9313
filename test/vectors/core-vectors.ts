/**
 * keyhole's own vectors for the core formats (docs/SPEC.md §3-§7): how each
 * file in vectors/core/ is made (scripts/generate-vectors.ts) and checked
 * (test/core/our-vectors.test.ts). Each file reproduces byte for byte from its
 * keys, inputs and recorded randomness, and lists tampered variants with the
 * exact error code a verifier must give.
 */
import { nodePrimitives } from '../../src/platform/node-primitives.js';
import { concat, fromHex, toBase64Url, toHex, u32be, utf8 } from '../../src/core/bytes.js';
import { KeyholeError } from '../../src/core/errors.js';
import { encodeHead, inspectItem, openItem, sealItem, unwrapDek, CHUNK_SIZE, ITEM_PREFIX, type SealParams } from '../../src/core/sealed-item.js';
import { signAssignment, verifyAssignment, type AssignmentBody } from '../../src/core/assignment.js';
import { deviceId } from '../../src/core/device.js';
import { openGrant, sealGrant, signReleaseEnded, signReleaseRequest, verifyReleaseEnded, verifyReleaseRequest, type ReleaseEnded, type ReleaseRequest } from '../../src/core/release.js';
import { openLabel, sealLabel, type LabelBinding } from '../../src/core/label.js';
import { openLabSection, sealLabSection } from '../../src/core/lab-section.js';
import { invitationHash, signEnrollmentRequest, verifyEnrollmentRequest, type EnrollmentRequest } from '../../src/core/enrollment-request.js';
import { recordingPrimitives, replayPrimitives } from './replay-primitives.js';

const base = nodePrimitives;
const hexes = (xs: Uint8Array[]): string[] => xs.map(toHex);
const unhex = (xs: string[]): Uint8Array[] => xs.map((x) => fromHex(x));

/** Runs `fn`, returning the KeyholeError code it threw, or 'OK'. */
async function outcome(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return 'OK';
  } catch (err) {
    if (err instanceof KeyholeError) return err.code;
    throw err;
  }
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The same bytes with a non-zero unused low bit in the last symbol: not canonical base64url (docs/SPEC.md §1.1). */
function nonCanonical(b64u: string): string {
  return b64u.slice(0, -1) + B64URL[B64URL.indexOf(b64u.at(-1)!) | 1]!;
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

// ---------------------------------------------------------------- sealed item

interface SealedItemFile {
  format: 'keyhole-sealed-item-v1';
  lab_signing_seed: string;
  lab_public_key: string;
  kek_id: string;
  kek: string;
  params: Omit<SealParams, 'labSigner' | 'kek'>;
  now: number;
  cases: { name: string; plaintext: string; random: string[]; sealed: string; digest: string; dek: string }[];
  tampered: { name: string; op: 'open' | 'unwrap'; sealed: string; dek: string; now: number; error: string }[];
}

async function sealedItemFile(): Promise<SealedItemFile> {
  const labSeed = fromHex('01'.repeat(32));
  const labSigner = await base.ed25519FromSeed(labSeed);
  const kek = { id: 'kek-2026-1', key: fromHex('02'.repeat(32)) };
  const params = { lab: 'acme-lab', dataset: 'hh-rlhf', batch: 'batch-1', item: 'item-0001', campaign: 'pref-2026-12', policy: toHex(await base.sha256(utf8('default policy'))), expires: 1_900_000_000 };
  const now = 1_800_000_000;
  const inputs = [
    { name: 'empty item', plaintext: new Uint8Array(0) },
    { name: 'one chunk, preference pair', plaintext: utf8('{"prompt":"How do I bake bread?","a":"Mix flour, water, yeast and salt...","b":"Buy some."}') },
    { name: 'two chunks', plaintext: Uint8Array.from({ length: CHUNK_SIZE + 100 }, (_, i) => i % 251) },
  ];
  const cases: SealedItemFile['cases'] = [];
  for (const input of inputs) {
    const rec = recordingPrimitives(base);
    const sealed = await sealItem(rec, { ...params, labSigner, kek }, input.plaintext);
    const head = await inspectItem(base, sealed);
    cases.push({ name: input.name, plaintext: toHex(input.plaintext), random: hexes(rec.recorded), sealed: toHex(sealed), digest: toHex(head.digest), dek: toHex(rec.recorded[0]!) });
  }
  const empty = cases[0]!;
  const one = cases[1]!;
  const two = cases[2]!;
  const emptyHead = encodeHead(await inspectItem(base, fromHex(empty.sealed)));
  const sealed = fromHex(one.sealed);
  const head = await inspectItem(base, sealed);
  const headLength = encodeHead(head).length;
  const headerStart = ITEM_PREFIX.length + 4;
  const slotStart = headerStart + head.headerBytes.length + 64 + 4;
  const big = fromHex(two.sealed);
  const bigHeadLength = encodeHead(await inspectItem(base, big)).length;
  const chunk = (i: number) => big.subarray(bigHeadLength + i * (CHUNK_SIZE + 16), bigHeadLength + (i + 1) * (CHUNK_SIZE + 16));
  const v2 = sealed.slice();
  v2[ITEM_PREFIX.length - 2] = 0x32;
  /** The same item with its header text replaced (length prefix adjusted, signature kept). */
  const withHeader = (header: string) => concat(ITEM_PREFIX, u32be(utf8(header).length), utf8(header), sealed.subarray(headerStart + head.headerBytes.length));
  const headerText = new TextDecoder().decode(head.headerBytes);
  const t = (name: string, bytes: Uint8Array, error: string, extra: Partial<{ op: 'open' | 'unwrap'; dek: string; now: number }> = {}) => ({
    name,
    op: extra.op ?? ('open' as const),
    sealed: toHex(bytes),
    dek: extra.dek ?? one.dek,
    now: extra.now ?? now,
    error,
  });
  return {
    format: 'keyhole-sealed-item-v1',
    lab_signing_seed: toHex(labSeed),
    lab_public_key: toHex(labSigner.publicKey),
    kek_id: kek.id,
    kek: toHex(kek.key),
    params,
    now,
    cases,
    tampered: [
      t('bit flipped in the signature', flipBit(sealed, (headerStart + head.headerBytes.length + 5) * 8), 'BAD_SIGNATURE'),
      t('header field changed (item id)', concat(sealed.subarray(0, headerStart), utf8(new TextDecoder().decode(head.headerBytes).replace('item-0001', 'item-0002')), sealed.subarray(headerStart + head.headerBytes.length)), 'BAD_SIGNATURE'),
      t('bit flipped in the payload', flipBit(sealed, (headLength + 3) * 8 + 1), 'DECRYPT_FAILED'),
      t('bit flipped in the tag', flipBit(sealed, sealed.length * 8 - 1), 'DECRYPT_FAILED'),
      t('truncated by one byte', sealed.subarray(0, sealed.length - 1), 'TRUNCATED'),
      t('extended by one byte', concat(sealed, new Uint8Array(1)), 'TRAILING_DATA'),
      t('unknown version keyhole-item/v2', v2, 'UNKNOWN_VERSION'),
      t('opened after expiry', sealed, 'EXPIRED', { now: params.expires }),
      t('wrong DEK', sealed, 'KEY_COMMITMENT_MISMATCH', { dek: '07'.repeat(32) }),
      t('DEK of the wrong length', sealed, 'BAD_LENGTH', { dek: '07'.repeat(31) }),
      t('chunks 0 and 1 swapped', concat(big.subarray(0, bigHeadLength), big.subarray(bigHeadLength + CHUNK_SIZE + 16), chunk(0)), 'DECRYPT_FAILED', { dek: two.dek }),
      t('last chunk dropped', big.subarray(0, bigHeadLength + CHUNK_SIZE + 16), 'TRUNCATED', { dek: two.dek }),
      t('header of one item on the payload of another', concat(emptyHead, sealed.subarray(headLength)), 'DECRYPT_FAILED', { dek: empty.dek }),
      t('bit flipped in the key slot (gatekeeper unwrap)', flipBit(sealed, (slotStart + 30) * 8), 'DECRYPT_FAILED', { op: 'unwrap' }),
      t('header JSON "v":2 under the v1 prefix', withHeader(headerText.replace('"v":1', '"v":2')), 'UNKNOWN_VERSION'),
      t('header JSON not in JCS form (a space after "{")', withHeader(headerText.replace('{', '{ ')), 'BAD_ENCODING'),
      t('header with a duplicated member', withHeader(headerText.replace('{', '{"v":1,')), 'BAD_FORMAT'),
      t('bit flipped in the signature, with a DEK of the wrong length (§3.7: step 2 before step 5)', flipBit(sealed, (headerStart + head.headerBytes.length + 5) * 8), 'BAD_SIGNATURE', { dek: '07'.repeat(31) }),
      t('header commit of 31 bytes', withHeader(headerText.replace(/"commit":"[^"]*"/, `"commit":"${toBase64Url(new Uint8Array(31))}"`)), 'BAD_LENGTH'),
    ],
  };
}

async function checkSealedItem(f: SealedItemFile): Promise<string[]> {
  const problems: string[] = [];
  const labSigner = await base.ed25519FromSeed(fromHex(f.lab_signing_seed));
  if (toHex(labSigner.publicKey) !== f.lab_public_key) problems.push('lab public key does not derive from its seed');
  const kek = { id: f.kek_id, key: fromHex(f.kek) };
  for (const c of f.cases) {
    const replay = replayPrimitives(base, unhex(c.random));
    const sealed = await sealItem(replay, { ...f.params, labSigner, kek }, fromHex(c.plaintext));
    if (toHex(sealed) !== c.sealed) problems.push(`${c.name}: sealing does not reproduce the vector`);
    const head = await inspectItem(base, fromHex(c.sealed));
    if (toHex(head.digest) !== c.digest) problems.push(`${c.name}: digest differs`);
    if (toHex(await unwrapDek(base, kek, head)) !== c.dek) problems.push(`${c.name}: unwrapped DEK differs`);
    const opened = await openItem(base, fromHex(c.sealed), { labPublicKey: labSigner.publicKey, dek: fromHex(c.dek), now: f.now });
    if (toHex(opened) !== c.plaintext) problems.push(`${c.name}: opened plaintext differs`);
  }
  for (const t of f.tampered) {
    const bytes = fromHex(t.sealed);
    const got =
      t.op === 'unwrap'
        ? await outcome(async () => unwrapDek(base, kek, await inspectItem(base, bytes)))
        : await outcome(() => openItem(base, bytes, { labPublicKey: labSigner.publicKey, dek: fromHex(t.dek), now: t.now }));
    if (got !== t.error) problems.push(`tampered "${t.name}": got ${got}, want ${t.error}`);
  }
  return problems;
}

// ---------------------------------------------------------------- release

interface ReleaseFile {
  format: 'keyhole-release-v1';
  hub_signing_seed: string;
  device_signing_seed: string;
  device_kex_secret: string;
  device_id: string;
  now: number;
  assignment_body: AssignmentBody;
  assignment: unknown;
  request_random: string[];
  request: ReleaseRequest;
  dek: string;
  grant_random: string[];
  grant: unknown;
  tampered: { name: string; part: 'assignment' | 'request' | 'grant'; value: unknown; now: number; error: string }[];
}

async function deviceFrom(signingSeed: Uint8Array, kexSecret: Uint8Array) {
  const signer = await base.ed25519FromSeed(signingSeed);
  const kex = await base.x25519FromSecret(kexSecret);
  return { signer, kex, keys: { signing: signer.publicKey, kex: kex.publicKey } };
}

async function releaseFile(): Promise<ReleaseFile> {
  const hubSeed = fromHex('14'.repeat(32));
  const hub = await base.ed25519FromSeed(hubSeed);
  const device = await deviceFrom(fromHex('0a'.repeat(32)), fromHex('0b'.repeat(32)));
  const now = 1_800_000_000;
  const body: AssignmentBody = {
    v: 1, hub: 'vendor-hub', lab: 'acme-lab', campaign: 'pref-2026-12', item: 'item-0001',
    digest: toBase64Url(fromHex('05'.repeat(32))), lease: 'lease-42', annotator: 'ann-7',
    device: await deviceId(base, device.keys), issued: now - 10, expires: now + 900,
  };
  const assignment = await signAssignment(hub, body);
  const recRequest = recordingPrimitives(base);
  const request = await signReleaseRequest(recRequest, device, assignment, now);
  const dek = fromHex('33'.repeat(32));
  const recGrant = recordingPrimitives(base);
  const grant = await sealGrant(recGrant, request, device.keys.kex, dek);
  const other = await deviceFrom(fromHex('0c'.repeat(32)), fromHex('0d'.repeat(32)));
  const stolen = await signReleaseRequest(replayPrimitives(base, [fromHex('44'.repeat(16))]), other, assignment, now);
  return {
    format: 'keyhole-release-v1',
    hub_signing_seed: toHex(hubSeed),
    device_signing_seed: '0a'.repeat(32),
    device_kex_secret: '0b'.repeat(32),
    device_id: body.device,
    now,
    assignment_body: body,
    assignment,
    request_random: hexes(recRequest.recorded),
    request,
    dek: toHex(dek),
    grant_random: hexes(recGrant.recorded),
    grant,
    tampered: [
      { name: 'assignment item changed', part: 'assignment', value: { ...assignment, body: { ...assignment.body, item: 'item-0002' } }, now, error: 'BAD_SIGNATURE' },
      { name: 'assignment used after its lease expired', part: 'assignment', value: assignment, now: now + 900, error: 'EXPIRED' },
      { name: 'assignment with an unknown field', part: 'assignment', value: { ...assignment, note: 'x' }, now, error: 'BAD_FORMAT' },
      { name: 'request time changed', part: 'request', value: { ...request, body: { ...request.body, time: now + 1 } }, now, error: 'BAD_SIGNATURE' },
      { name: 'request presented 61 s later', part: 'request', value: request, now: now + 61, error: 'STALE' },
      { name: 'another device signs over this assignment', part: 'request', value: stolen, now, error: 'MISMATCH' },
      { name: 'grant for another lease', part: 'grant', value: { ...grant, lease: 'lease-43' }, now, error: 'MISMATCH' },
      { name: 'grant ciphertext changed', part: 'grant', value: { ...grant, dek: grant.dek.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, now, error: 'DECRYPT_FAILED' },
      { name: 'assignment version 2', part: 'assignment', value: { ...assignment, body: { ...assignment.body, v: 2 } }, now, error: 'UNKNOWN_VERSION' },
      { name: 'request nonce of 15 bytes', part: 'request', value: { ...request, body: { ...request.body, nonce: toBase64Url(new Uint8Array(15)) } }, now, error: 'BAD_LENGTH' },
      { name: 'request device id in upper-case hex', part: 'request', value: { ...request, body: { ...request.body, device: request.body.device.toUpperCase() } }, now, error: 'BAD_ENCODING' },
      { name: 'embedded assignment of version 3 beside a short nonce (§10: UNKNOWN_VERSION wins)', part: 'request', value: { ...request, body: { ...request.body, nonce: 'AAAA', assignment: { ...assignment, body: { ...assignment.body, v: 3 } } } }, now, error: 'UNKNOWN_VERSION' },
    ],
  };
}

async function checkRelease(f: ReleaseFile): Promise<string[]> {
  const problems: string[] = [];
  const hub = await base.ed25519FromSeed(fromHex(f.hub_signing_seed));
  const device = await deviceFrom(fromHex(f.device_signing_seed), fromHex(f.device_kex_secret));
  if ((await deviceId(base, device.keys)) !== f.device_id) problems.push('device id differs');
  const assignment = await signAssignment(hub, f.assignment_body);
  if (JSON.stringify(assignment) !== JSON.stringify(f.assignment)) problems.push('assignment signature does not reproduce');
  await verifyAssignment(base, hub.publicKey, f.assignment, f.now);
  const request = await signReleaseRequest(replayPrimitives(base, unhex(f.request_random)), device, assignment, f.now);
  if (JSON.stringify(request) !== JSON.stringify(f.request)) problems.push('release request does not reproduce');
  await verifyReleaseRequest(base, f.request, device.keys, f.now);
  const grant = await sealGrant(replayPrimitives(base, unhex(f.grant_random)), request, device.keys.kex, fromHex(f.dek));
  if (JSON.stringify(grant) !== JSON.stringify(f.grant)) problems.push('grant does not reproduce');
  if (toHex(await openGrant(base, f.grant, f.request, device.kex)) !== f.dek) problems.push('grant does not open to the DEK');
  const other = await deviceFrom(fromHex('0c'.repeat(32)), fromHex('0d'.repeat(32)));
  for (const t of f.tampered) {
    const got =
      t.part === 'assignment'
        ? await outcome(() => verifyAssignment(base, hub.publicKey, t.value, t.now))
        : t.part === 'request'
          ? await outcome(async () => {
              // A request claims a device; the gatekeeper checks it against the device it names.
              const claimed = (t.value as ReleaseRequest).body.device === f.device_id ? device.keys : other.keys;
              await verifyReleaseRequest(base, t.value, claimed, t.now);
            })
          : await outcome(() => openGrant(base, t.value, f.request, device.kex));
    if (got !== t.error) problems.push(`tampered "${t.name}": got ${got}, want ${t.error}`);
  }
  return problems;
}

// ---------------------------------------------------------------- release-ended notice (SPEC §7.4)

interface ReleaseEndedFile {
  format: 'keyhole-release-ended-v1';
  hub_signing_seed: string;
  device_signing_seed: string;
  device_kex_secret: string;
  device_id: string;
  now: number;
  assignment_body: AssignmentBody;
  notice: ReleaseEnded;
  tampered: { name: string; value: unknown; error: string }[];
}

async function releaseEndedFile(): Promise<ReleaseEndedFile> {
  const hubSeed = fromHex('14'.repeat(32));
  const hub = await base.ed25519FromSeed(hubSeed);
  const device = await deviceFrom(fromHex('0a'.repeat(32)), fromHex('0b'.repeat(32)));
  const now = 1_800_000_000;
  const body: AssignmentBody = {
    v: 1, hub: 'vendor-hub', lab: 'acme-lab', campaign: 'pref-2026-12', item: 'item-0001',
    digest: toBase64Url(fromHex('05'.repeat(32))), lease: 'lease-42', annotator: 'ann-7',
    device: await deviceId(base, device.keys), issued: now - 10, expires: now + 900,
  };
  const assignment = await signAssignment(hub, body);
  const notice = await signReleaseEnded(base, device, assignment, 'cannot-judge', now + 120);
  const other = await deviceFrom(fromHex('0c'.repeat(32)), fromHex('0d'.repeat(32)));
  const byOther = await signReleaseEnded(base, other, assignment, 'cannot-judge', now + 120);
  return {
    format: 'keyhole-release-ended-v1',
    hub_signing_seed: toHex(hubSeed),
    device_signing_seed: '0a'.repeat(32),
    device_kex_secret: '0b'.repeat(32),
    device_id: body.device,
    now: now + 120,
    assignment_body: body,
    notice,
    tampered: [
      { name: 'reason changed', value: { ...notice, body: { ...notice.body, reason: 'other' } }, error: 'BAD_SIGNATURE' },
      { name: 'lease changed', value: { ...notice, body: { ...notice.body, lease: 'lease-43' } }, error: 'BAD_SIGNATURE' },
      { name: 'signed by another device, naming it', value: byOther, error: 'MISMATCH' },
      { name: 'signed by another device, naming this one', value: { ...byOther, body: { ...byOther.body, device: body.device } }, error: 'BAD_SIGNATURE' },
      { name: 'a reason outside the closed list', value: { ...notice, body: { ...notice.body, reason: 'bored' } }, error: 'BAD_FORMAT' },
      { name: 'an unknown member', value: { ...notice, body: { ...notice.body, note: 'x' } }, error: 'BAD_FORMAT' },
      { name: 'version 2', value: { ...notice, body: { ...notice.body, v: 2 } }, error: 'UNKNOWN_VERSION' },
      { name: 'digest of 31 bytes', value: { ...notice, body: { ...notice.body, digest: toBase64Url(new Uint8Array(31)) } }, error: 'BAD_LENGTH' },
    ],
  };
}

async function checkReleaseEnded(f: ReleaseEndedFile): Promise<string[]> {
  const problems: string[] = [];
  const hub = await base.ed25519FromSeed(fromHex(f.hub_signing_seed));
  const device = await deviceFrom(fromHex(f.device_signing_seed), fromHex(f.device_kex_secret));
  if ((await deviceId(base, device.keys)) !== f.device_id) problems.push('device id differs');
  const notice = await signReleaseEnded(base, device, await signAssignment(hub, f.assignment_body), f.notice.body.reason, f.now);
  if (JSON.stringify(notice) !== JSON.stringify(f.notice)) problems.push('release-ended notice does not reproduce');
  await verifyReleaseEnded(base, f.notice, device.keys);
  for (const t of f.tampered) {
    // The gatekeeper checks a notice against the enrolled device it is about: here, always this one.
    const got = await outcome(() => verifyReleaseEnded(base, t.value, device.keys));
    if (got !== t.error) problems.push(`tampered "${t.name}": got ${got}, want ${t.error}`);
  }
  return problems;
}

// ---------------------------------------------------------------- enrollment request (SPEC §2.3)

interface EnrollmentFile {
  format: 'keyhole-enrollment-v1';
  device_signing_seed: string;
  device_kex_secret: string;
  device_id: string;
  code: string;
  invitation: string;
  annotator: string;
  request: EnrollmentRequest;
  tampered: { name: string; value: unknown; error: string }[];
}

async function enrollmentFile(): Promise<EnrollmentFile> {
  const device = await deviceFrom(fromHex('1a'.repeat(32)), fromHex('1b'.repeat(32)));
  const code = toBase64Url(fromHex('1c'.repeat(32)));
  const request = await signEnrollmentRequest(base, device.signer, device.keys.kex, code, 'ann-7');
  const other = await deviceFrom(fromHex('1d'.repeat(32)), fromHex('1e'.repeat(32)));
  const byOther = await signEnrollmentRequest(base, other.signer, other.keys.kex, code, 'ann-7');
  const otherCode = toBase64Url(fromHex('1f'.repeat(32)));
  return {
    format: 'keyhole-enrollment-v1',
    device_signing_seed: '1a'.repeat(32),
    device_kex_secret: '1b'.repeat(32),
    device_id: await deviceId(base, device.keys),
    code,
    invitation: toBase64Url(await invitationHash(base, code)),
    annotator: 'ann-7',
    request,
    tampered: [
      { name: 'another code than the one hashed', value: { ...request, code: otherCode }, error: 'MISMATCH' },
      { name: 'another code with its hash, the signature unchanged', value: { ...request, body: { ...request.body, invitation: toBase64Url(await invitationHash(base, otherCode)) }, code: otherCode }, error: 'BAD_SIGNATURE' },
      { name: 'annotator changed', value: { ...request, body: { ...request.body, annotator: 'ann-8' } }, error: 'BAD_SIGNATURE' },
      { name: 'signed by another device, naming this one', value: { ...byOther, body: { ...byOther.body, signing: request.body.signing, kex: request.body.kex } }, error: 'BAD_SIGNATURE' },
      { name: 'kex key swapped for another device\'s', value: { ...request, body: { ...request.body, kex: byOther.body.kex } }, error: 'BAD_SIGNATURE' },
      { name: 'an unknown member', value: { ...request, body: { ...request.body, note: 'x' } }, error: 'BAD_FORMAT' },
      { name: 'version 2', value: { ...request, body: { ...request.body, v: 2 } }, error: 'UNKNOWN_VERSION' },
      { name: 'code of 31 bytes', value: { ...request, code: toBase64Url(new Uint8Array(31)) }, error: 'BAD_LENGTH' },
      { name: 'code not canonical base64url', value: { ...request, code: nonCanonical(request.code) }, error: 'BAD_ENCODING' },
    ],
  };
}

async function checkEnrollment(f: EnrollmentFile): Promise<string[]> {
  const problems: string[] = [];
  const device = await deviceFrom(fromHex(f.device_signing_seed), fromHex(f.device_kex_secret));
  if ((await deviceId(base, device.keys)) !== f.device_id) problems.push('device id differs');
  if (toBase64Url(await invitationHash(base, f.code)) !== f.invitation) problems.push('invitation hash differs');
  const request = await signEnrollmentRequest(base, device.signer, device.keys.kex, f.code, f.annotator);
  if (JSON.stringify(request) !== JSON.stringify(f.request)) problems.push('enrollment request does not reproduce');
  const verified = await verifyEnrollmentRequest(base, f.request);
  if (verified.device !== f.device_id || toBase64Url(verified.invitation) !== f.invitation) problems.push('verified request names another device or invitation');
  for (const t of f.tampered) {
    const got = await outcome(() => verifyEnrollmentRequest(base, t.value));
    if (got !== t.error) problems.push(`tampered "${t.name}": got ${got}, want ${t.error}`);
  }
  return problems;
}

// ---------------------------------------------------------------- label

interface LabelFile {
  format: 'keyhole-label-v1';
  device_signing_seed: string;
  device_kex_secret: string;
  result_secret: string;
  binding: LabelBinding;
  plaintext: string;
  random: string[];
  label: Record<string, string | number>;
  tampered: { name: string; label: unknown; error: string }[];
}

async function labelFile(): Promise<LabelFile> {
  const device = await deviceFrom(fromHex('0a'.repeat(32)), fromHex('0b'.repeat(32)));
  const result = await base.x25519FromSecret(fromHex('1e'.repeat(32)));
  const binding: LabelBinding = {
    v: 1, lab: 'acme-lab', campaign: 'pref-2026-12', item: 'item-0001', digest: toBase64Url(fromHex('05'.repeat(32))),
    lease: 'lease-42', annotator: 'ann-7', device: await deviceId(base, device.keys), resultKey: toBase64Url(result.publicKey),
  };
  const plaintext = utf8('{"choice":"A","strength":2,"rationale":"A answers the question."}');
  const rec = recordingPrimitives(base);
  const label = await sealLabel(rec, binding, plaintext, device.signer);
  const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  return {
    format: 'keyhole-label-v1',
    device_signing_seed: '0a'.repeat(32),
    device_kex_secret: '0b'.repeat(32),
    result_secret: '1e'.repeat(32),
    binding,
    plaintext: toHex(plaintext),
    random: hexes(rec.recorded),
    label,
    tampered: [
      { name: 'lease changed', label: { ...label, lease: 'lease-43' }, error: 'BAD_SIGNATURE' },
      { name: 'ciphertext changed', label: { ...label, ct: flip(label.ct) }, error: 'BAD_SIGNATURE' },
      { name: 'signature changed', label: { ...label, sig: flip(label.sig) }, error: 'BAD_SIGNATURE' },
      { name: 'device id of another device', label: { ...label, device: 'f'.repeat(64) }, error: 'MISMATCH' },
      { name: 'unknown version', label: { ...label, v: 2 }, error: 'UNKNOWN_VERSION' },
      { name: 'signature truncated to 60 bytes', label: { ...label, sig: label.sig.slice(0, -6) }, error: 'BAD_LENGTH' },
      { name: 'digest with non-zero unused bits (non-canonical base64url)', label: { ...label, digest: nonCanonical(label.digest) }, error: 'BAD_ENCODING' },
    ],
  };
}

async function checkLabel(f: LabelFile): Promise<string[]> {
  const problems: string[] = [];
  const device = await deviceFrom(fromHex(f.device_signing_seed), fromHex(f.device_kex_secret));
  const result = await base.x25519FromSecret(fromHex(f.result_secret));
  const label = await sealLabel(replayPrimitives(base, unhex(f.random)), f.binding, fromHex(f.plaintext), device.signer);
  if (JSON.stringify(label) !== JSON.stringify(f.label)) problems.push('label does not reproduce');
  const opened = await openLabel(base, f.label, device.keys, result);
  if (toHex(opened.plaintext) !== f.plaintext) problems.push('label does not open to its plaintext');
  for (const t of f.tampered) {
    const got = await outcome(() => openLabel(base, t.label, device.keys, result));
    if (got !== t.error) problems.push(`tampered "${t.name}": got ${got}, want ${t.error}`);
  }
  return problems;
}

// ---------------------------------------------------------------- lab section

interface LabSectionFile {
  format: 'keyhole-lab-section-v1';
  lab_kex_secret: string;
  digest: string;
  plaintext: string;
  random: string[];
  sealed: string;
  tampered: { name: string; sealed: string; digest: string; error: string }[];
}

async function labSectionFile(): Promise<LabSectionFile> {
  const lab = await base.x25519FromSecret(fromHex('28'.repeat(32)));
  const digest = fromHex('05'.repeat(32));
  const plaintext = utf8('{"source":"hh-rlhf:test:17","ab":["rejected","chosen"],"pseudonyms":{"PERSON_1":"Alice Smith"}}');
  const rec = recordingPrimitives(base);
  const sealed = await sealLabSection(rec, lab.publicKey, digest, plaintext);
  return {
    format: 'keyhole-lab-section-v1',
    lab_kex_secret: '28'.repeat(32),
    digest: toHex(digest),
    plaintext: toHex(plaintext),
    random: hexes(rec.recorded),
    sealed: toHex(sealed),
    tampered: [
      { name: 'bound to another item', sealed: toHex(sealed), digest: '06'.repeat(32), error: 'DECRYPT_FAILED' },
      { name: 'bit flipped in enc', sealed: toHex(flipBit(sealed, 3)), digest: toHex(digest), error: 'DECRYPT_FAILED' },
      { name: 'truncated below enc and tag', sealed: toHex(sealed.subarray(0, 47)), digest: toHex(digest), error: 'TRUNCATED' },
    ],
  };
}

async function checkLabSection(f: LabSectionFile): Promise<string[]> {
  const problems: string[] = [];
  const lab = await base.x25519FromSecret(fromHex(f.lab_kex_secret));
  const sealed = await sealLabSection(replayPrimitives(base, unhex(f.random)), lab.publicKey, fromHex(f.digest), fromHex(f.plaintext));
  if (toHex(sealed) !== f.sealed) problems.push('lab section does not reproduce');
  if (toHex(await openLabSection(base, lab, fromHex(f.digest), fromHex(f.sealed))) !== f.plaintext) problems.push('lab section does not open');
  for (const t of f.tampered) {
    const got = await outcome(() => openLabSection(base, lab, fromHex(t.digest), fromHex(t.sealed)));
    if (got !== t.error) problems.push(`tampered "${t.name}": got ${got}, want ${t.error}`);
  }
  return problems;
}

/** Every vector file format we publish: how to make it and how to check it. */
export const CORE_VECTOR_FILES = {
  'sealed-item.json': { generate: sealedItemFile, check: (f: unknown) => checkSealedItem(f as SealedItemFile) },
  'release.json': { generate: releaseFile, check: (f: unknown) => checkRelease(f as ReleaseFile) },
  'release-ended.json': { generate: releaseEndedFile, check: (f: unknown) => checkReleaseEnded(f as ReleaseEndedFile) },
  'enrollment.json': { generate: enrollmentFile, check: (f: unknown) => checkEnrollment(f as EnrollmentFile) },
  'label.json': { generate: labelFile, check: (f: unknown) => checkLabel(f as LabelFile) },
  'lab-section.json': { generate: labSectionFile, check: (f: unknown) => checkLabSection(f as LabSectionFile) },
} as const;

export const FORMAT_OF_FILE: Record<string, string> = {
  'sealed-item.json': 'keyhole-sealed-item-v1',
  'release.json': 'keyhole-release-v1',
  'release-ended.json': 'keyhole-release-ended-v1',
  'enrollment.json': 'keyhole-enrollment-v1',
  'label.json': 'keyhole-label-v1',
  'lab-section.json': 'keyhole-lab-section-v1',
};
