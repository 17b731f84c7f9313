/** Ed25519 accept/reject against C2SP CCTV's edge cases, with Go's and OpenSSL's rules, on both back ends. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_VECTORS } from '../support/shared.js';
import { nodePrimitives } from '../../src/platform/node-primitives.js';
import { webCryptoPrimitives } from '../../src/core/webcrypto-primitives.js';
import { fromHex, utf8 } from '../../src/core/bytes.js';
import { ed25519Expected, type Ed25519Vector } from '../vectors/ed25519-rule.js';

const vectors = JSON.parse(readFileSync(join(SHARED_VECTORS, 'ed25519', 'ed25519vectors.json'), 'utf8')) as Ed25519Vector[];

test('all 914 CCTV Ed25519 vectors are present', () => {
  assert.equal(vectors.length, 914);
});

for (const p of [nodePrimitives, webCryptoPrimitives]) {
  test(`Ed25519 edge cases accept and reject as Go does, on ${p.name}`, async () => {
    const wrong: string[] = [];
    for (const v of vectors) {
      const got = await p.ed25519Verify(fromHex(v.key), utf8(v.msg), fromHex(v.sig));
      if (got !== ed25519Expected(v)) wrong.push(`#${v.number} [${(v.flags ?? []).join(',')}] got ${got}`);
    }
    assert.deepEqual(wrong, []);
  });
}

test('sign then verify, and a signature from one seed fails under another key', async () => {
  for (const p of [nodePrimitives, webCryptoPrimitives]) {
    const a = await p.ed25519FromSeed(new Uint8Array(32).fill(1));
    const b = await p.ed25519FromSeed(new Uint8Array(32).fill(2));
    const sig = await a.sign(utf8('msg'));
    assert.equal(await p.ed25519Verify(a.publicKey, utf8('msg'), sig), true);
    assert.equal(await p.ed25519Verify(b.publicKey, utf8('msg'), sig), false);
    assert.equal(await p.ed25519Verify(a.publicKey, utf8('msg'), sig.subarray(0, 63)), false);
    assert.equal(await p.ed25519Verify(a.publicKey.subarray(1), utf8('msg'), sig), false);
  }
});

test('RFC 8032 §7.1 test 1: the empty message', async () => {
  const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  for (const p of [nodePrimitives, webCryptoPrimitives]) {
    const s = await p.ed25519FromSeed(seed);
    assert.deepEqual(s.publicKey, fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'));
    assert.deepEqual(
      await s.sign(new Uint8Array(0)),
      fromHex('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'),
    );
  }
});
