import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { cosignatureVerifier } from '../../src/core/cosignature.js';
import { ed25519NoteVerifier } from '../../src/core/note.js';
import { formatProofBundle, parseProofBundle, verifyProofBundle, type TrustPolicy } from '../../src/core/proof-bundle.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { OUR_VECTORS } from '../support/shared.js';

const DIR = join(OUR_VECTORS, 'log');
const keys = JSON.parse(readFileSync(join(DIR, 'keys.json'), 'utf8')) as { origin: string; log_vkey: string; witness_vkeys: string[] };
const bundle = readFileSync(join(DIR, 'proof-bundle.tlog-proof'));

async function trust(quorum: number): Promise<TrustPolicy> {
  return {
    origin: keys.origin,
    log: await ed25519NoteVerifier(p, keys.log_vkey),
    witnesses: await Promise.all(keys.witness_vkeys.map((k) => cosignatureVerifier(p, k))),
    quorum,
  };
}

test('parse and format round-trip the bundle byte for byte', () => {
  const text = bundle.toString('utf8');
  assert.equal(formatProofBundle(parseProofBundle(text)), text);
});

test('property: a flipped bit anywhere in a proof bundle is rejected', async () => {
  const policy = await trust(2);
  await verifyProofBundle(p, bundle.toString('utf8'), policy);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: bundle.length * 8 - 1 }), async (bit) => {
      const c = Buffer.from(bundle);
      c[bit >> 3]! ^= 1 << (bit & 7);
      await assert.rejects(verifyProofBundle(p, c.toString('latin1'), policy));
    }),
    { numRuns: 300 },
  );
});

test('the trust policy decides: other origin, other log key, or an impossible quorum are refused', async () => {
  const text = bundle.toString('utf8');
  await assert.rejects(verifyProofBundle(p, text, { ...(await trust(2)), origin: 'other.example/log' }), /origin/);
  await assert.rejects(verifyProofBundle(p, text, await trust(3)), /quorum 3/);
  const noWitnesses = await verifyProofBundle(p, text, { ...(await trust(0)), witnesses: [] });
  assert.equal(noWitnesses.index, 3);
});
