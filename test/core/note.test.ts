import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  ed25519NoteVerifier,
  keyIdHex,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from '../../src/core/note.js';
import { openCheckpoint } from '../../src/core/checkpoint.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { webCryptoPrimitives } from '../../src/core/webcrypto-primitives.js';
import { SHARED_VECTORS } from '../support/shared.js';

const note = JSON.parse(readFileSync(join(SHARED_VECTORS, 'note', 'note.json'), 'utf8')) as {
  private_key: string;
  verifier_key: string;
  key_hash_hex: string;
  message_text: string;
  expected_signed_note: string;
  second_signer: { verifier_key: string; two_signature_note: string };
  invalid_verifier_keys: { keys: string[] };
};
const sumdb = JSON.parse(readFileSync(join(SHARED_VECTORS, 'note', 'sum-golang-org-checkpoint.json'), 'utf8')) as {
  verifier_key: string;
  origin: string;
  tree_size: number;
  root_hash_base64: string;
  signed_checkpoint: string;
};

for (const prims of [p, webCryptoPrimitives]) {
  test(`sumdb note signs byte for byte (${prims.name})`, async () => {
    const signer = await parseSignerKey(prims, note.private_key);
    assert.equal(signer.verifierKey, note.verifier_key);
    assert.equal(keyIdHex(signer.keyId), note.key_hash_hex);
    assert.equal(await signNote(note.message_text, [signer]), note.expected_signed_note);
  });
}

test('two-signature note: one verified, one unknown and ignored; both verified with both keys', async () => {
  const peter = await ed25519NoteVerifier(p, note.verifier_key);
  const enoch = await ed25519NoteVerifier(p, note.second_signer.verifier_key);
  const one = await openNote(note.second_signer.two_signature_note, [peter]);
  assert.equal(one.verified.length, 1);
  assert.equal(one.unverified.length, 1);
  assert.equal(one.text, note.message_text);
  const both = await openNote(note.second_signer.two_signature_note, [peter, enoch]);
  assert.equal(both.verified.length, 2);
});

test('invalid verifier keys are refused', async () => {
  for (const k of note.invalid_verifier_keys.keys) await assert.rejects(parseVerifierKey(p, k), /verifier key/);
  await assert.rejects(parseVerifierKey(p, note.verifier_key.replace('c74f20a3', 'c74f20a4')), /wrong key id/);
  await assert.rejects(parseVerifierKey(p, note.verifier_key.replace('PeterNeumann', 'Peter Neumann')), /space/);
});

test('the sum.golang.org checkpoint verifies with its origin and not with another', async () => {
  const v = await ed25519NoteVerifier(p, sumdb.verifier_key);
  const { checkpoint } = await openCheckpoint(sumdb.signed_checkpoint, sumdb.origin, v);
  assert.equal(checkpoint.size, sumdb.tree_size);
  assert.equal(Buffer.from(checkpoint.rootHash).toString('base64'), sumdb.root_hash_base64);
  await assert.rejects(openCheckpoint(sumdb.signed_checkpoint, 'Go rocks but I might have the wrong ID', v), /origin/);
});

test('malformed notes are refused with a reason', async () => {
  const v = await ed25519NoteVerifier(p, note.verifier_key);
  const good = note.expected_signed_note;
  const cases: [string, RegExp][] = [
    [good.replace('\n\n', '\n'), /blank line|signature line/],
    [good.slice(0, -1), /newline/],
    [good.replace('— ', '- '), /em dash/],
    [good.replace('x08go', 'x08g!'), /base64/],
    [good.replace('cryptography', 'crypto\tgraphy'), /control character/],
    [good.replace('cryptography', 'kryptography'), /does not verify/],
    [good.replace('PeterNeumann x08', 'PeterNeumann y08'), /no signature by a known key/],
  ];
  for (const [text, re] of cases) await assert.rejects(openNote(text, [v]), re, text);
});

test('property: a flipped bit anywhere in a signed note is rejected', async () => {
  const v = await ed25519NoteVerifier(p, note.verifier_key);
  const bytes = Buffer.from(note.expected_signed_note, 'utf8');
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), async (bit) => {
      const c = Uint8Array.from(bytes);
      c[bit >> 3]! ^= 1 << (bit & 7);
      await assert.rejects(openNote(c, [v]));
    }),
    { numRuns: 300 },
  );
});

test('parseNote splits at the last blank line', () => {
  const n = parseNote('a\n\nb\n\n— x AAAAAAA=\n');
  assert.equal(n.text, 'a\n\nb\n');
  assert.equal(n.signatures.length, 1);
});
