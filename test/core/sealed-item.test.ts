import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { inspectItem, openItem, rewrapSlot, sealItem, sealItemStream, openItemStream, unwrapDek, encodeHead, CHUNK_SIZE, ITEM_PREFIX } from '../../src/core/sealed-item.js';
import { KeyholeError, type ErrorCode } from '../../src/core/errors.js';
import { concat, utf8 } from '../../src/core/bytes.js';
import { labFixture, NOW, p, seed } from '../support/fixtures.js';

const fails = (code: ErrorCode) => (e: unknown) => e instanceof KeyholeError && e.code === code;
const anyKeyholeError = (e: unknown) => e instanceof KeyholeError;

async function sealAndKeys(plaintext: Uint8Array, overrides: Partial<Awaited<ReturnType<typeof labFixture>>['params']> = {}) {
  const { params, kek, labSigner } = await labFixture();
  const sealed = await sealItem(p, { ...params, ...overrides }, plaintext);
  const head = await inspectItem(p, sealed);
  const dek = await unwrapDek(p, kek, head);
  return { sealed, head, dek, kek, labPublicKey: labSigner.publicKey };
}

test('a sealed item round-trips and pads to its bucket', async () => {
  const plaintext = utf8('{"prompt":"hello","a":"one","b":"two"}');
  const { sealed, dek, labPublicKey, head } = await sealAndKeys(plaintext);
  assert.equal(head.header.bucket, 1024);
  assert.equal(sealed.length, encodeHead(head).length + 1024 + 16);
  assert.deepEqual(await openItem(p, sealed, { labPublicKey, dek, now: NOW }), plaintext);
});

test('items of different lengths in one bucket have the same sealed size', async () => {
  const a = await sealAndKeys(new Uint8Array(10));
  const b = await sealAndKeys(new Uint8Array(1000));
  assert.equal(a.sealed.length, b.sealed.length);
});

test('large items stream in 64 KiB chunks and round-trip, including chunk-boundary sizes', async () => {
  for (const size of [CHUNK_SIZE - 8, CHUNK_SIZE - 7, CHUNK_SIZE, 3 * CHUNK_SIZE + 5, 1_000_000]) {
    const plaintext = p.randomBytes(size);
    const { sealed, dek, labPublicKey } = await sealAndKeys(plaintext);
    assert.deepEqual(await openItem(p, sealed, { labPublicKey, dek, now: NOW }), plaintext, `size ${size}`);
  }
});

test('streaming seal refuses a source shorter or longer than declared', async () => {
  const { params } = await labFixture();
  async function* src(n: number) {
    yield new Uint8Array(n);
  }
  const drain = async (it: AsyncIterable<Uint8Array>) => {
    for await (const _ of it) void _;
  };
  await assert.rejects(drain(sealItemStream(p, params, src(10), 11)), fails('TRUNCATED'));
  await assert.rejects(drain(sealItemStream(p, params, src(12), 11)), fails('TRAILING_DATA'));
});

test('any flipped bit anywhere is refused: by the workstation opening it, or (in the key slot) by the gatekeeper unwrapping it', async () => {
  const plaintext = p.randomBytes(70_000);
  const { sealed, dek, labPublicKey, kek } = await sealAndKeys(plaintext);
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: sealed.length * 8 - 1 }), async (bit) => {
      const bad = sealed.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const opened = openItem(p, bad, { labPublicKey, dek, now: NOW }).then(
        () => true,
        (e: unknown) => (e instanceof KeyholeError ? false : Promise.reject(e)),
      );
      // The key slot is read only by the gatekeeper; every other byte is read by the workstation.
      const unwrapped = inspectItem(p, bad).then(
        (head) => unwrapDek(p, kek, head).then(() => true),
        () => false,
      ).catch((e: unknown) => (e instanceof KeyholeError ? false : Promise.reject(e)));
      const accepted = (await opened) && (await unwrapped);
      assert.equal(accepted, false, `bit ${bit} flipped and nobody noticed`);
    }),
    { numRuns: 400 },
  );
});

test('truncation and extension are refused with their own codes', async () => {
  const { sealed, dek, labPublicKey } = await sealAndKeys(p.randomBytes(200_000));
  await assert.rejects(openItem(p, sealed.subarray(0, sealed.length - 1), { labPublicKey, dek, now: NOW }), fails('TRUNCATED'));
  await assert.rejects(openItem(p, sealed.subarray(0, sealed.length - CHUNK_SIZE - 16), { labPublicKey, dek, now: NOW }), fails('TRUNCATED'));
  await assert.rejects(openItem(p, concat(sealed, new Uint8Array(1)), { labPublicKey, dek, now: NOW }), fails('TRAILING_DATA'));
});

test('reordered or dropped chunks are refused', async () => {
  const { sealed, dek, labPublicKey, head } = await sealAndKeys(p.randomBytes(3 * CHUNK_SIZE));
  const start = encodeHead(head).length;
  const size = CHUNK_SIZE + 16;
  const c = (i: number) => sealed.subarray(start + i * size, start + (i + 1) * size);
  const tail = sealed.subarray(start + 3 * size);
  const swapped = concat(sealed.subarray(0, start), c(1), c(0), c(2), tail);
  await assert.rejects(openItem(p, swapped, { labPublicKey, dek, now: NOW }), fails('DECRYPT_FAILED'));
  const dropped = concat(sealed.subarray(0, start), c(0), c(2), tail);
  await assert.rejects(openItem(p, dropped, { labPublicKey, dek, now: NOW }), anyKeyholeError);
});

test('a header moved onto another item\'s payload is refused', async () => {
  const one = await sealAndKeys(p.randomBytes(500), { item: 'item-one' });
  const two = await sealAndKeys(p.randomBytes(500), { item: 'item-two' });
  const moved = concat(encodeHead(one.head), two.sealed.subarray(encodeHead(two.head).length));
  await assert.rejects(openItem(p, moved, { labPublicKey: one.labPublicKey, dek: one.dek, now: NOW }), fails('DECRYPT_FAILED'));
  // With the other item's key, the commitment in the moved header does not match.
  await assert.rejects(openItem(p, moved, { labPublicKey: one.labPublicKey, dek: two.dek, now: NOW }), fails('KEY_COMMITMENT_MISMATCH'));
});

test('the wrong key, wrong lab key, wrong campaign, expiry and key lengths are refused', async () => {
  const { sealed, dek, labPublicKey } = await sealAndKeys(utf8('x'));
  const otherLab = await p.ed25519FromSeed(seed(9));
  await assert.rejects(openItem(p, sealed, { labPublicKey, dek: seed(7), now: NOW }), fails('KEY_COMMITMENT_MISMATCH'));
  await assert.rejects(openItem(p, sealed, { labPublicKey: otherLab.publicKey, dek, now: NOW }), fails('BAD_SIGNATURE'));
  await assert.rejects(openItem(p, sealed, { labPublicKey, dek, now: NOW, expect: { campaign: 'other' } }), fails('MISMATCH'));
  await assert.rejects(openItem(p, sealed, { labPublicKey, dek, now: 2_000_000_000 }), fails('EXPIRED'));
  await assert.rejects(openItem(p, sealed, { labPublicKey, dek: dek.subarray(0, 31), now: NOW }), fails('BAD_LENGTH'));
});

test('an unknown version is refused as such', async () => {
  const { sealed, dek, labPublicKey } = await sealAndKeys(utf8('x'));
  const v2 = sealed.slice();
  v2[ITEM_PREFIX.length - 2] = '2'.charCodeAt(0);
  await assert.rejects(openItem(p, v2, { labPublicKey, dek, now: NOW }), fails('UNKNOWN_VERSION'));
});

test('KEK rotation rewraps the DEK without touching the payload; the old KEK and moved slots fail', async () => {
  const { sealed, head, kek, dek } = await sealAndKeys(utf8('rotate me'));
  const next = { id: 'kek-2026-2', key: seed(3) };
  const slot = await rewrapSlot(p, kek, next, head);
  assert.deepEqual(await unwrapDek(p, next, { digest: head.digest, slot }), dek);
  await assert.rejects(unwrapDek(p, kek, { digest: head.digest, slot }), fails('MISMATCH'));
  await assert.rejects(unwrapDek(p, { id: next.id, key: seed(4) }, { digest: head.digest, slot }), fails('DECRYPT_FAILED'));
  const other = await sealAndKeys(utf8('other'), { item: 'item-0002' });
  await assert.rejects(unwrapDek(p, kek, { digest: other.head.digest, slot: head.slot }), fails('DECRYPT_FAILED'));
  assert.ok(sealed.length > 0);
});

test('streaming open yields the same bytes as the in-memory open for random sizes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 150_000 }), fc.integer({ min: 1, max: 9000 }), async (size, piece) => {
      const plaintext = p.randomBytes(size);
      const { sealed, dek, labPublicKey } = await sealAndKeys(plaintext);
      async function* pieces() {
        for (let i = 0; i < sealed.length; i += piece) yield sealed.subarray(i, i + piece);
      }
      const out: Uint8Array[] = [];
      for await (const part of openItemStream(p, pieces(), { labPublicKey, dek, now: NOW })) out.push(part.slice());
      assert.deepEqual(concat(...out), plaintext);
    }),
    { numRuns: 25 },
  );
});
