import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { SHARED_VECTORS } from '../support/shared.js';
import { checkHpkeVector, vectorName, type HpkeVector } from '../vectors/hpke-vector-check.js';
import { nodePrimitives } from '../../src/platform/node-primitives.js';
import { webCryptoPrimitives } from '../../src/core/webcrypto-primitives.js';
import { hpkeOpen, hpkeSeal } from '../../src/core/hpke.js';
import { KeyholeError } from '../../src/core/errors.js';
import { utf8 } from '../../src/core/bytes.js';

const dir = join(SHARED_VECTORS, 'hpke');
const vectors: { file: string; v: HpkeVector }[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .flatMap((file) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as HpkeVector[]).map((v) => ({ file, v })));

test('the shared HPKE vectors are all present', () => {
  assert.ok(vectors.length >= 16, `found ${vectors.length} vectors`);
});

for (const p of [nodePrimitives, webCryptoPrimitives]) {
  for (const { file, v } of vectors) {
    const chacha = v.aead_id === 3;
    test(`HPKE ${file} ${vectorName(v)} on ${p.name}`, async (t) => {
      if (chacha && !p.supportsAead('ChaCha20-Poly1305')) {
        // WebCrypto has no ChaCha20-Poly1305; the vector still runs on the node back end.
        t.skip('ChaCha20-Poly1305 is not in WebCrypto (checked on the node back end)');
        return;
      }
      assert.deepEqual(await checkHpkeVector(p, v), []);
    });
  }
}

test('HPKE round-trips and refuses any flipped bit, wrong info or wrong aad', async () => {
  const p = nodePrimitives;
  const { key } = await p.x25519Generate();
  const other = (await p.x25519Generate()).key;
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 40 }), fc.nat(), async (pt, aad, flip) => {
      const info = utf8('keyhole test');
      const { enc, ciphertext } = await hpkeSeal(p, 'AES-256-GCM', key.publicKey, info, aad, pt);
      assert.deepEqual(await hpkeOpen(p, 'AES-256-GCM', key, enc, info, aad, ciphertext), pt);
      const bad = ciphertext.slice();
      const bit = flip % (bad.length * 8);
      bad[bit >> 3]! ^= 1 << (bit & 7);
      await assert.rejects(hpkeOpen(p, 'AES-256-GCM', key, enc, info, aad, bad), (e: unknown) => e instanceof KeyholeError && e.code === 'DECRYPT_FAILED');
      await assert.rejects(hpkeOpen(p, 'AES-256-GCM', key, enc, utf8('other'), aad, ciphertext), KeyholeError);
      await assert.rejects(hpkeOpen(p, 'AES-256-GCM', other, enc, info, aad, ciphertext), KeyholeError);
      await assert.rejects(hpkeOpen(p, 'AES-256-GCM', key, enc, info, utf8('x'), ciphertext), KeyholeError);
    }),
    { numRuns: 50 },
  );
});

test('HPKE refuses a low-order encapsulated key and wrong key lengths', async () => {
  const p = nodePrimitives;
  const { key } = await p.x25519Generate();
  await assert.rejects(hpkeOpen(p, 'AES-256-GCM', key, new Uint8Array(32), utf8(''), utf8(''), new Uint8Array(16)), (e: unknown) => e instanceof KeyholeError && e.code === 'BAD_FORMAT');
  await assert.rejects(hpkeOpen(p, 'AES-256-GCM', key, new Uint8Array(31), utf8(''), utf8(''), new Uint8Array(16)), (e: unknown) => e instanceof KeyholeError && e.code === 'BAD_LENGTH');
  await assert.rejects(hpkeSeal(p, 'AES-256-GCM', new Uint8Array(33), utf8(''), utf8(''), utf8('')), (e: unknown) => e instanceof KeyholeError && e.code === 'BAD_LENGTH');
});
