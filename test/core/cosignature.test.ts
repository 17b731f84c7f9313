import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignatureLine, cosignatureVerifier, cosignedMessage, ed25519Cosigner, parseTimestampedSignature } from '../../src/core/cosignature.js';
import { ed25519NoteVerifier, keyIdHex, openNote, parseNote } from '../../src/core/note.js';
import { openCheckpoint } from '../../src/core/checkpoint.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { SHARED_VECTORS } from '../support/shared.js';

const v = JSON.parse(readFileSync(join(SHARED_VECTORS, 'cosignature', 'cosignature-v1-selfgenerated.json'), 'utf8')) as {
  cosigner_name: string;
  cosigner_seed_hex: string;
  cosigner_public_key_hex: string;
  cosigner_vkey: string;
  key_id_hex: string;
  timestamp: number;
  checkpoint_text: string;
  signed_message: string;
  signature_hex: string;
  expected_signature_line: string;
  cosigned_checkpoint_note: string;
  log_vkey: string;
};

test('cosignature/v1 vector reproduces byte for byte', async () => {
  const c = await ed25519Cosigner(p, v.cosigner_name, Uint8Array.from(Buffer.from(v.cosigner_seed_hex, 'hex')));
  assert.equal(c.verifierKey, v.cosigner_vkey);
  assert.equal(keyIdHex(c.keyId), v.key_id_hex);
  assert.equal(Buffer.from(c.publicKey).toString('hex'), v.cosigner_public_key_hex);
  assert.equal(Buffer.from(cosignedMessage(v.timestamp, v.checkpoint_text)).toString('utf8'), v.signed_message);
  const sig = await c.cosign(v.checkpoint_text, v.timestamp);
  assert.equal(Buffer.from(parseTimestampedSignature(sig.signature).signature).toString('hex'), v.signature_hex);
  assert.equal(cosignatureLine(sig), v.expected_signature_line);
});

test('the cosigned checkpoint verifies with the log key and the witness key', async () => {
  const log = await ed25519NoteVerifier(p, v.log_vkey);
  const witness = await cosignatureVerifier(p, v.cosigner_vkey);
  const { checkpoint, note } = await openCheckpoint(v.cosigned_checkpoint_note, 'example.com/log/testdata', log);
  assert.equal(checkpoint.size, 15);
  assert.equal(note.unverified.length, 1);
  const both = await openNote(v.cosigned_checkpoint_note, [log, witness]);
  assert.equal(both.verified.length, 2);
  assert.equal(parseTimestampedSignature(both.verified[1]!.signature).timestamp, v.timestamp);
});

test('a cosignature over another checkpoint, time or key is refused', async () => {
  const witness = await cosignatureVerifier(p, v.cosigner_vkey);
  const sigLine = v.expected_signature_line;
  await assert.rejects(openNote(v.checkpoint_text.replace('15', '16') + '\n' + sigLine, [witness]), /does not verify/);
  const sig = parseNote(v.checkpoint_text + '\n' + sigLine).signatures[0]!;
  const shifted = Uint8Array.from(sig.signature);
  shifted[7]! ^= 1;
  assert.equal(await witness.verify(Buffer.from(v.checkpoint_text), shifted), false);
  await assert.rejects(witness.verify(Buffer.from(v.checkpoint_text), sig.signature.slice(0, 70)), (e: Error & { code?: string }) => e.code === 'BAD_LENGTH');
  await assert.rejects(cosignatureVerifier(p, v.log_vkey), /not a cosignature/);
});
