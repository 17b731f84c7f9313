/**
 * Every parser of untrusted bytes, as a fuzz target: an arbitrary of near-valid
 * inputs (mutate.ts) and a `run` that feeds one input through the same path
 * the product uses (bytes -> UTF-8 -> parseJsonText -> verifier). The property
 * every target shares: `run` returns or throws a KeyholeError (MinimizeError is
 * one) carrying a known code; anything else, a TypeError, a RangeError, a
 * zod or YAML exception, is a bug. Round trips assert inside `run`.
 *
 * Used by the smoke tests (test/fuzz/*.test.ts, fixed seed, a few hundred
 * runs each) and by `npm run fuzz` (scripts/fuzz.ts: long runs in a worker
 * with a watchdog for hangs).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { signAssignment, verifyAssignment, type AssignmentBody } from '../../src/core/assignment.js';
import { GENESIS_PREV, decodeAccessRecord, encodeAccessRecord, type AccessRecord } from '../../src/core/access-record.js';
import { fromUtf8, toBase64Url, utf8 } from '../../src/core/bytes.js';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { TASK_TYPES, signCampaignManifest, verifyCampaignManifest } from '../../src/core/campaign-manifest.js';
import { formatCheckpointBody, openCheckpoint, parseCheckpointBody, signCheckpoint } from '../../src/core/checkpoint.js';
import { cosignatureVerifier, ed25519Cosigner, parseTimestampedSignature } from '../../src/core/cosignature.js';
import { deviceId } from '../../src/core/device.js';
import { signEnrollmentRequest, verifyEnrollmentRequest } from '../../src/core/enrollment-request.js';
import { KeyholeError, type ErrorCode } from '../../src/core/errors.js';
import { parseItemContent, taskView } from '../../src/core/item-content.js';
import { openLabSection, sealLabSection } from '../../src/core/lab-section.js';
import { encodeLabel, parseLabel } from '../../src/core/label-plaintext.js';
import { openLabel, sealLabel, type LabelBinding } from '../../src/core/label.js';
import { addSignatures, ed25519NoteSigner, ed25519NoteVerifier, openNote, parseNote, parseSignerKey, parseVerifierKey } from '../../src/core/note.js';
import { formatProofBundle, parseProofBundle, verifyProofBundle, type TrustPolicy } from '../../src/core/proof-bundle.js';
import { openGrant, sealGrant, signReleaseRequest, verifyReleaseRequest } from '../../src/core/release.js';
import { parseJsonText } from '../../src/core/schema.js';
import { encodeHead, inspectItem, openItem, sealItem, unwrapDek } from '../../src/core/sealed-item.js';
import { decodeEntryBundle, decodeHashTile, encodeEntryBundle } from '../../src/core/tile-data.js';
import { nWithSuffix, parseIndexPartial, parseTileLevelIndexPartial } from '../../src/core/tile-paths.js';
import { signDeletionReceipt, verifyDeletionReceipt } from '../../src/gatekeeper/deletion-receipt.js';
import { parseLabSignatureHeader, signLabRequest } from '../../src/hub/lab-request-signature.js';
import { formatAddCheckpoint, parseAddCheckpoint } from '../../src/log/witness-protocol.js';
import { checkpointPolicy, verifyCheckpoint } from '../../src/monitor/follower/checkpoint-policy.js';
import { detectFormat, formatByName } from '../../src/minimize/formats/registry.js';
import { FORMAT_NAMES } from '../../src/minimize/formats/record-format.js';
import { parsePolicy } from '../../src/minimize/policy-file.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { REPO_ROOT, OUR_VECTORS } from '../support/shared.js';
import { mutatedBytes, mutatedJsonText, mutatedText } from './mutate.js';

const CODES = new Set<ErrorCode>([
  'BAD_ENCODING', 'BAD_FORMAT', 'BAD_LENGTH', 'BAD_SIGNATURE', 'DECRYPT_FAILED', 'EXPIRED', 'NOT_YET_VALID', 'KEY_COMMITMENT_MISMATCH',
  'MISMATCH', 'TRUNCATED', 'TRAILING_DATA', 'UNKNOWN_VERSION', 'UNSUPPORTED', 'REPLAY', 'STALE', 'DENIED', 'UNAVAILABLE', 'NOT_FOUND', 'CONFLICT',
]);

/** The shared property: returns normally, or throws a KeyholeError with a known code and a message. Anything else propagates. */
export async function typedOutcome(fn: () => unknown): Promise<ErrorCode | 'OK'> {
  try {
    await fn();
    return 'OK';
  } catch (err) {
    if (err instanceof KeyholeError && CODES.has(err.code) && err.message.length > 0) return err.code;
    throw err;
  }
}

export interface FuzzTarget<T = unknown> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Feeds one input through the product's parsing path; throws (not a KeyholeError) on a bug. */
  run(input: T): Promise<void>;
}

const seed = (b: number): Uint8Array => new Uint8Array(32).fill(b);
const NOW = 1_800_000_000;

function target<T>(name: string, arbitrary: fc.Arbitrary<T>, run: (input: T) => Promise<unknown> | unknown): FuzzTarget<T> {
  return { name, arbitrary, run: async (input) => void (await typedOutcome(() => run(input))) };
}

/** JSON from another party, parsed the way the hub and the gatekeeper parse request bodies. */
const jsonOf = (t: string, what: string): unknown => parseJsonText(t, what);

/** Builds every target with its fixtures (keys, valid samples). */
export async function fuzzTargets(): Promise<FuzzTarget<any>[]> {
  const labSigner = await p.ed25519FromSeed(seed(1));
  const kek = { id: 'kek-2026-1', key: seed(2) };
  const params = { lab: 'acme-lab', dataset: 'hh-rlhf', batch: 'batch-1', item: 'item-0001', campaign: 'pref-2026-12', policy: 'a'.repeat(64), expires: 2_000_000_000, labSigner, kek };
  const sealedSeed = await sealItem(p, params, utf8('{"prompt":"How do I bake bread?","a":"Mix flour.","b":"Buy some."}'));
  const sealedHead = await inspectItem(p, sealedSeed);
  const dekOf = await unwrapDek(p, kek, sealedHead);

  const hub = await p.ed25519FromSeed(seed(20));
  const device = { signer: await p.ed25519FromSeed(seed(10)), kex: await p.x25519FromSecret(seed(11)) };
  const deviceKeys = { signing: device.signer.publicKey, kex: device.kex.publicKey };
  const body: AssignmentBody = {
    v: 1, hub: 'vendor-hub', lab: 'acme-lab', campaign: 'pref-2026-12', item: 'item-0001', digest: toBase64Url(sealedHead.digest),
    lease: 'lease-42', annotator: 'ann-7', device: await deviceId(p, deviceKeys), issued: NOW - 10, expires: NOW + 600,
  };
  const assignment = await signAssignment(hub, body);
  const request = await signReleaseRequest(p, { signer: device.signer, keys: deviceKeys }, assignment, NOW);
  const grant = await sealGrant(p, request, deviceKeys.kex, dekOf);
  const enrollment = await signEnrollmentRequest(p, device.signer, deviceKeys.kex, toBase64Url(seed(12)), 'ann-7');

  const result = await p.x25519FromSecret(seed(30));
  const binding: LabelBinding = { v: 1, lab: body.lab, campaign: body.campaign, item: body.item, digest: body.digest, lease: body.lease, annotator: body.annotator, device: body.device, resultKey: toBase64Url(result.publicKey) };
  const label = await sealLabel(p, binding, utf8('{"choice":"A"}'), device.signer);

  const logKey = await ed25519NoteSigner(p, 'lab.example/keyhole/audit/v1', seed(40));
  const witness = await ed25519Cosigner(p, 'witness.example/w1', seed(41));
  const manifest = await signCampaignManifest(labSigner, {
    v: 1, lab: 'acme-lab', campaign: 'pref-2026-12', title: 'Preferences', task: 'pairwise', policy: 'a'.repeat(64), resultKey: binding.resultKey,
    overlap: 3, leaseSeconds: 900, opens: NOW, closes: NOW + 86_400, gatekeeper: 'https://gatekeeper.acme.example',
    log: { vkey: logKey.verifierKey, witnesses: [witness.verifierKey], quorum: 1 }, workstation: 'b'.repeat(64),
  });
  const receipt = await signDeletionReceipt(labSigner, { v: 1, lab: 'acme-lab', batch: 'batch-1', campaign: 'pref-2026-12', keks: ['kek-a', 'kek-b'], time: NOW, log: 'lab.example/keyhole/audit/v1' });

  const record: AccessRecord = { v: 1, kind: 'release', time: '2026-03-01T12:00:00.000Z', campaign: 'pref-2026-12', item: 'item-0001', annotator: 'vendor-hub:ann-7', deviceKeyHash: toBase64Url(seed(3)), requestSignature: request.sig, decision: 'allow', seq: 0, prev: GENESIS_PREV };
  const recordBytes = encodeAccessRecord(record);

  const checkpointText = formatCheckpointBody({ origin: logKey.name, size: 5, rootHash: seed(7), extensions: [] });
  const signedCheckpoint = await signCheckpoint({ origin: logKey.name, size: 5, rootHash: seed(7), extensions: [] }, [logKey]);
  const cosigned = addSignatures(signedCheckpoint, [await witness.cosign(checkpointText, NOW)]);
  const logVerifier = await ed25519NoteVerifier(p, logKey.verifierKey);
  const witnessVerifier = await cosignatureVerifier(p, witness.verifierKey);

  const monitorPolicy = await checkpointPolicy(p, logKey.verifierKey, [witness.verifierKey], 1);
  const labHeader = await signLabRequest(p, labSigner, { hub: 'vendor-hub', lab: 'acme-lab', method: 'PUT', path: '/v1/labs/acme-lab/campaigns/pref-2026-12', body: utf8('{}') }, NOW);
  const keys = JSON.parse(readFileSync(join(OUR_VECTORS, 'log', 'keys.json'), 'utf8')) as { origin: string; log_vkey: string; witness_vkeys: string[]; quorum: number };
  const bundleText = readFileSync(join(OUR_VECTORS, 'log', 'proof-bundle.tlog-proof'), 'utf8');
  const trust: TrustPolicy = { origin: keys.origin, log: await ed25519NoteVerifier(p, keys.log_vkey), witnesses: await Promise.all(keys.witness_vkeys.map((k) => cosignatureVerifier(p, k))), quorum: keys.quorum };

  const tileEntries = readFileSync(join(OUR_VECTORS, 'log-tiles', 'tile', 'entries', '000.p', '100'));
  const hashTile = readFileSync(join(OUR_VECTORS, 'log-tiles', 'tile', '0', '000.p', '100'));
  const labSection = await sealLabSection(p, result.publicKey, sealedHead.digest, utf8('{"source":"x:1","ab":["chosen","rejected"]}'));

  const examples = ['openai-chat.jsonl', 'openai-dpo.jsonl', 'trl-conversational-explicit.jsonl', 'trl-conversational-implicit.jsonl', 'trl-standard-explicit.jsonl', 'trl-standard-implicit.jsonl', 'ultrafeedback.jsonl']
    .flatMap((f) => readFileSync(join(REPO_ROOT, 'examples', 'minimize', f), 'utf8').split('\n').filter((l) => l.length > 0));
  const hh = JSON.stringify({ chosen: '\n\nHuman: hi Ann\n\nAssistant: hello', rejected: '\n\nHuman: hi Ann\n\nAssistant: go away' });
  const oasstTree = JSON.stringify({ message_tree_id: 't1', tree_state: 'ready_for_export', prompt: { message_id: 'm1', text: 'Hi', role: 'prompter', lang: 'en', replies: [{ message_id: 'm2', text: 'Hello', role: 'assistant', lang: 'en', replies: [] }] } });
  const datasetSeeds = [...examples, hh, oasstTree];
  const itemContent = {
    messages: [
      { id: 'm1', parentId: null, role: 'user', text: 'Hi' },
      { id: 'm2', parentId: 'm1', role: 'assistant', text: 'A' },
      { id: 'm3', parentId: 'm1', role: 'assistant', text: 'B' },
    ],
    branches: [{ label: 'chosen', leafId: 'm2' }, { label: 'rejected', leafId: 'm3' }],
  };
  const policyText = 'version: 1\ntask: preference\nkeep: [conversation]\ndetectors:\n  email: pseudonymize\n  phone: redact\n';

  return [
    target('json: parseJsonText agrees with a reference duplicate check', fc.oneof(mutatedJsonText({ a: 1, b: [{ c: '"x":' }, { a: 2 }], d: { e: null } }), fc.string({ unit: 'binary', maxLength: 100 })), (t: string) => {
      let reference: 'ok' | 'invalid' | 'duplicate';
      try {
        reference = hasDuplicate(JSON.parse(t) as unknown, t) ? 'duplicate' : 'ok';
      } catch {
        reference = 'invalid';
      }
      let got: 'ok' | 'invalid' | 'duplicate' = 'ok';
      try {
        const v = parseJsonText(t, 'fuzz');
        assert.deepEqual(v, JSON.parse(t));
      } catch (err) {
        if (!(err instanceof KeyholeError) || err.code !== 'BAD_FORMAT') throw err;
        got = /same member name twice/.test(err.message) ? 'duplicate' : 'invalid';
      }
      assert.equal(got, reference, t);
    }),
    target('sealed item: open', mutatedBytes(sealedSeed, 2048), async (bytes: Uint8Array) => {
      const opened = await typedOutcome(() => openItem(p, bytes, { labPublicKey: labSigner.publicKey, dek: dekOf, now: NOW }));
      if (opened === 'OK') {
        // Only the key slot may differ (docs/SPEC.md §3.3: workstations never read it; the gatekeeper's unwrap catches a change).
        const head = await inspectItem(p, bytes);
        assert.deepEqual([head.headerBytes, head.signature, bytes.subarray(encodeHead(head).length)], [sealedHead.headerBytes, sealedHead.signature, sealedSeed.subarray(encodeHead(sealedHead).length)], 'a changed sealed item opened');
      }
    }),
    target('sealed item: round trip', fc.uint8Array({ maxLength: 3000 }), async (plain: Uint8Array) => {
      const sealed = await sealItem(p, params, plain);
      const head = await inspectItem(p, sealed);
      const dek = await unwrapDek(p, kek, head);
      assert.deepEqual(await openItem(p, sealed, { labPublicKey: labSigner.publicKey, dek, now: NOW }), plain);
    }),
    target('lab section: open', mutatedBytes(labSection), (bytes: Uint8Array) => openLabSection(p, result, sealedHead.digest, bytes)),
    target('assignment: verify', mutatedJsonText(assignment), (t: string) => verifyAssignment(p, hub.publicKey, jsonOf(t, 'assignment'), NOW)),
    target('release request: verify', mutatedJsonText(request), (t: string) => verifyReleaseRequest(p, jsonOf(t, 'release request'), deviceKeys, NOW)),
    target('enrollment request: verify', mutatedJsonText(enrollment), (t: string) => verifyEnrollmentRequest(p, jsonOf(t, 'enrollment request'))),
    target('release grant: open', mutatedJsonText(grant), async (t: string) => {
      const got = await typedOutcome(() => openGrant(p, jsonOf(t, 'grant'), request, device.kex));
      if (got === 'OK') assert.deepEqual(jsonOf(t, 'grant'), grant);
    }),
    target('sealed label: open', mutatedJsonText(label), async (t: string) => {
      const got = await typedOutcome(() => openLabel(p, jsonOf(t, 'label'), deviceKeys, result));
      if (got === 'OK') assert.equal(canonicalJson(jsonOf(t, 'label')), canonicalJson(label), 'a changed label opened');
    }),
    target('campaign manifest: verify', mutatedJsonText(manifest), (t: string) => verifyCampaignManifest(p, labSigner.publicKey, 'acme-lab', jsonOf(t, 'manifest'))),
    target('deletion receipt: verify', mutatedJsonText(receipt), (t: string) => verifyDeletionReceipt(p, labSigner.publicKey, jsonOf(t, 'receipt'))),
    target('access record: decode', mutatedBytes(recordBytes), (bytes: Uint8Array) => {
      const r = decodeAccessRecord(bytes);
      assert.deepEqual(encodeAccessRecord(r), bytes, 'decode then encode is not the identity');
    }),
    target('note: parse and open', mutatedText(cosigned), async (t: string) => {
      parseNote(t);
      await openNote(t, [logVerifier, witnessVerifier]);
    }),
    target('checkpoint: open and round trip', mutatedText(signedCheckpoint), async (t: string) => {
      const opened = await openCheckpoint(t, logKey.name, logVerifier);
      assert.equal(formatCheckpointBody(opened.checkpoint), opened.note.text);
    }),
    target('checkpoint body: parse and round trip', mutatedText(checkpointText), (t: string) => assert.equal(formatCheckpointBody(parseCheckpointBody(t)), t)),
    target('cosignature: timestamped signature and cosigned note', fc.oneof(mutatedBytes(parseNote(cosigned).signatures[1]!.signature).map((b) => ({ raw: b })), mutatedText(cosigned).map((t) => ({ note: t }))), async (i: { raw?: Uint8Array; note?: string }) => {
      if (i.raw) parseTimestampedSignature(i.raw);
      else await openNote(i.note!, [witnessVerifier]);
    }),
    target('verifier and signer keys: parse', fc.oneof(mutatedText(logKey.verifierKey), mutatedText(witness.verifierKey), mutatedText('PRIVATE+KEY+lab.example/log+58c32284+ARAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ')), async (t: string) => {
      if (t.startsWith('PRIVATE+KEY+')) await parseSignerKey(p, t);
      else await parseVerifierKey(p, t);
    }),
    target('hash tile: decode', fc.tuple(mutatedBytes(new Uint8Array(hashTile), 64), fc.integer({ min: 0, max: 257 })), ([bytes, width]: [Uint8Array, number]) => decodeHashTile(bytes, width)),
    target('entry bundle: decode and round trip', fc.tuple(mutatedBytes(new Uint8Array(tileEntries), 64), fc.integer({ min: 0, max: 257 })), ([bytes, count]: [Uint8Array, number]) => {
      const entries = decodeEntryBundle(bytes, count);
      if (entries.length > 0) assert.deepEqual(encodeEntryBundle(entries), bytes);
    }),
    target('tile paths: parse and round trip', fc.oneof(mutatedText('x001/x234/067.p/12'), mutatedText('000'), fc.tuple(fc.string({ maxLength: 3 }), fc.string({ maxLength: 24 })).map(([l, n]) => `${l}|${n}`)), (t: string) => {
      if (t.includes('|')) {
        const [l, n] = t.split('|') as [string, string];
        parseTileLevelIndexPartial(l, n);
        return;
      }
      const { index, partial } = parseIndexPartial(t);
      assert.equal(nWithSuffix(index, partial), t);
    }),
    target('monitor: checkpoint from an untrusted log server', mutatedText(cosigned), async (t: string) => {
      const verified = await verifyCheckpoint(monitorPolicy, t);
      assert.ok(verified.cosigners.length + verified.disagreeing.length <= 1);
    }),
    target('hub: lab signature header', mutatedText(labHeader), (t: string) => {
      const parsed = parseLabSignatureHeader(t);
      if (parsed !== undefined) assert.equal(`v1 lab=${parsed.lab},time=${parsed.time},nonce=${parsed.nonce},body=${parsed.body},sig=${parsed.sig}`, t);
    }),
    target('proof bundle: parse and verify', mutatedText(bundleText), async (t: string) => {
      assert.equal(formatProofBundle(parseProofBundle(t)), t);
      await verifyProofBundle(p, t, trust);
    }),
    target('witness add-checkpoint: parse and round trip', mutatedText(formatAddCheckpoint({ oldSize: 3, proof: [seed(8), seed(9)], checkpoint: cosigned })), (t: string) => {
      const r = parseAddCheckpoint(t);
      assert.equal(formatAddCheckpoint(r), t);
    }),
    target('dataset formats: detect, read, write, read', fc.oneof(...datasetSeeds.map((s) => mutatedJsonText(JSON.parse(s) as unknown))), (t: string) => {
      const record = parseJsonText(t, 'line 1');
      let format;
      try {
        format = detectFormat(record, undefined);
      } catch (err) {
        if (!(err instanceof KeyholeError)) throw err;
        format = formatByName(FORMAT_NAMES[t.length % (FORMAT_NAMES.length - 1)]!, undefined);
      }
      const conversation = format.read(record);
      assert.deepEqual(format.read(format.write(conversation)), conversation, `${format.name}: read(write(c)) differs from c`);
    }),
    target('policy file: parse', mutatedText(policyText), (t: string) => parsePolicy(t, 'fuzz-policy.yaml')),
    target('label plaintext: parse and round trip', mutatedJsonText({ v: 1, seconds: 12, task: 'pairwise', a: 'chosen', b: 'rejected', choice: 'A', strength: -2, rationale: 'A answers.' }), (t: string) => {
      const parsed = parseLabel(t);
      assert.deepEqual(parseLabel(fromUtf8(encodeLabel(parsed))), parsed);
    }),
    target('item content: parse and render as every task', mutatedJsonText(itemContent).map((t) => utf8(t)), async (bytes: Uint8Array) => {
      const content = parseItemContent(bytes);
      for (const task of TASK_TYPES) await typedOutcome(() => taskView(task, content));
    }),
    target('utf-8 text: decode', fc.uint8Array({ maxLength: 64 }), (b: Uint8Array) => fromUtf8(b)),
  ];
}

/** Reference for the duplicate rule: walks the text with its own small tokenizer (slow, obviously correct). */
function hasDuplicate(_value: unknown, t: string): boolean {
  let i = 0;
  const ws = () => {
    while (i < t.length && ' \t\n\r'.includes(t[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (t[i] !== '"') i += t[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(t.slice(start, i)) as string;
  };
  let dup = false;
  const value = (): void => {
    ws();
    if (t[i] === '{') {
      i++;
      const names = new Set<string>();
      ws();
      while (t[i] !== '}') {
        ws();
        const name = str();
        if (names.has(name)) dup = true;
        names.add(name);
        ws();
        i++; // ':'
        value();
        ws();
        if (t[i] === ',') i++;
        ws();
      }
      i++;
    } else if (t[i] === '[') {
      i++;
      ws();
      while (t[i] !== ']') {
        value();
        ws();
        if (t[i] === ',') i++;
        ws();
      }
      i++;
    } else if (t[i] === '"') str();
    else while (i < t.length && !',]} \t\n\r'.includes(t[i]!)) i++;
  };
  value();
  return dup;
}
