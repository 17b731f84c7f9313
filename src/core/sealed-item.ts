/**
 * The sealed item (docs/SPEC.md §3): what the vendor's hub stores and the
 * annotator's workstation opens. Layout:
 *
 *   "keyhole-item/v1\n" || u32be(len) || header || sig(64) || u32be(len) || key slot || chunk_0 .. chunk_{n-1}
 *
 * - header: RFC 8785 JSON (lab, dataset, batch, item, campaign, policy hash,
 *   expiry, padding bucket, key commitment), signed by the lab.
 * - key slot: {kek, dek}, the DEK wrapped with AES-256-GCM under the batch
 *   KEK, bound to the header's digest. The slot sits outside the signature so
 *   a KEK rotation replaces it without re-encrypting or re-signing the item.
 * - chunks: the padded plaintext in 64 KiB pieces, each AES-256-GCM with the
 *   header digest as associated data and the STREAM nonce (counter || last
 *   flag, Hoang-Reyhanitabar-Rogaway-Vizár 2015) used by age.
 * - key commitment: the header holds HKDF(DEK, "commitment"); the payload key
 *   is HKDF(DEK, "payload"). A ciphertext therefore opens under one DEK only.
 */
import { z } from 'zod';
import { ByteReader, collect, once } from './byte-reader.js';
import { concat, constantTimeEqual, fromBase64Url, fromUtf8, i2osp, readU32be, toBase64Url, u32be, utf8 } from './bytes.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { fail } from './errors.js';
import { hkdfExpand, hkdfExtract } from './hkdf.js';
import { bucketFor, isBucket } from './padding.js';
import type { Ed25519Signer, Primitives } from './primitives.js';
import { Identifier, Sha256Hex, UnixTime, VersionOne, base64UrlBytes, parseCanonicalJson, parseWith } from './schema.js';
import { signFor, verifyFor } from './signing.js';

export const ITEM_PREFIX = utf8('keyhole-item/v1\n');
const ITEM_PREFIX_FAMILY = utf8('keyhole-item/v');
export const CHUNK_SIZE = 65536;
export const DEK_LENGTH = 32;
const TAG_LENGTH = 16;
const LENGTH_PREFIX = 8;
const MAX_HEADER_LENGTH = 4096;
const MAX_SLOT_LENGTH = 512;
const WRAP_NONCE_LENGTH = 12;
const WRAPPED_DEK_LENGTH = WRAP_NONCE_LENGTH + DEK_LENGTH + TAG_LENGTH;

export const ItemHeader = z
  .object({
    v: VersionOne,
    lab: Identifier,
    dataset: Identifier,
    batch: Identifier,
    item: Identifier,
    campaign: Identifier,
    policy: Sha256Hex,
    expires: UnixTime,
    bucket: z.number().int().refine(isBucket, 'must be a padding bucket (docs/SPEC.md §3.4)'),
    commit: base64UrlBytes(32),
  })
  .strict();
export type ItemHeader = z.infer<typeof ItemHeader>;

export const KeySlot = z.object({ kek: Identifier, dek: base64UrlBytes(WRAPPED_DEK_LENGTH) }).strict();
export type KeySlot = z.infer<typeof KeySlot>;

/** Everything before the chunks, parsed but not yet verified. */
export interface ItemHead {
  header: ItemHeader;
  headerBytes: Uint8Array;
  signature: Uint8Array;
  slot: KeySlot;
  /** SHA-256 of the header bytes: the payload's associated data and the item's identity in assignments and labels. */
  digest: Uint8Array;
}

export interface Kek {
  id: string;
  key: Uint8Array;
}

export interface SealParams {
  lab: string;
  dataset: string;
  batch: string;
  item: string;
  campaign: string;
  /** SHA-256 (hex) of the minimization policy that produced the item. */
  policy: string;
  /** Unix seconds after which the item must not be opened. */
  expires: number;
  labSigner: Ed25519Signer;
  kek: Kek;
}

const label = (s: string): Uint8Array => utf8(`keyhole/v1 sealed-item ${s}`);

/** §3.5: the payload key and the key commitment, both from the DEK. */
async function deriveItemKeys(p: Primitives, dek: Uint8Array): Promise<{ payloadKey: Uint8Array; commitment: Uint8Array }> {
  const prk = await hkdfExtract(p, new Uint8Array(0), dek);
  return { payloadKey: await hkdfExpand(p, prk, label('payload'), 32), commitment: await hkdfExpand(p, prk, label('commitment'), 32) };
}

/** §3.3: associated data for the DEK wrap binds the item's digest and the KEK id. */
function wrapAad(digest: Uint8Array, kekId: string): Uint8Array {
  return concat(utf8('keyhole/v1 dek-wrap'), new Uint8Array([0]), digest, utf8(kekId));
}

/** §3.6: STREAM nonce, an 11-byte big-endian chunk counter and a last-chunk flag. */
function chunkNonce(index: number, last: boolean): Uint8Array {
  return concat(i2osp(index, 11), new Uint8Array([last ? 1 : 0]));
}

export async function wrapDek(p: Primitives, kek: Kek, digest: Uint8Array, dek: Uint8Array): Promise<KeySlot> {
  const nonce = p.randomBytes(WRAP_NONCE_LENGTH);
  const sealed = await p.aeadSeal('AES-256-GCM', kek.key, nonce, dek, wrapAad(digest, kek.id));
  return { kek: kek.id, dek: toBase64Url(concat(nonce, sealed)) };
}

/** Unwraps the DEK of an item with its batch KEK. Fails if the slot was moved from another item or KEK. */
export async function unwrapDek(p: Primitives, kek: Kek, head: Pick<ItemHead, 'digest' | 'slot'>): Promise<Uint8Array> {
  if (head.slot.kek !== kek.id) fail('MISMATCH', `key slot: wrapped under KEK ${head.slot.kek}, not ${kek.id}`);
  const wrapped = fromBase64Url(head.slot.dek, 'key slot dek');
  try {
    return await p.aeadOpen('AES-256-GCM', kek.key, wrapped.subarray(0, WRAP_NONCE_LENGTH), wrapped.subarray(WRAP_NONCE_LENGTH), wrapAad(head.digest, kek.id));
  } catch {
    return fail('DECRYPT_FAILED', 'key slot: the wrapped DEK does not open with this KEK for this item');
  }
}

/** KEK rotation: the same DEK under a new KEK. The header, signature and chunks stay as they are. */
export async function rewrapSlot(p: Primitives, from: Kek, to: Kek, head: Pick<ItemHead, 'digest' | 'slot'>): Promise<KeySlot> {
  return wrapDek(p, to, head.digest, await unwrapDek(p, from, head));
}

export function encodeHead(head: Pick<ItemHead, 'headerBytes' | 'signature' | 'slot'>): Uint8Array {
  const slotBytes = canonicalJsonBytes(head.slot);
  return concat(ITEM_PREFIX, u32be(head.headerBytes.length), head.headerBytes, head.signature, u32be(slotBytes.length), slotBytes);
}

/**
 * Splits the source into the padded plaintext's chunks (§3.4):
 * u64be(size) || data || zeros, `bucket` bytes in all. A chunk that lies
 * whole inside one source piece is passed on without a copy.
 */
async function* paddedChunks(source: AsyncIterable<Uint8Array>, size: number, bucket: number): AsyncGenerator<Uint8Array> {
  let emitted = 0;
  let buffer: Uint8Array | undefined;
  let filled = 0;
  let seen = 0;
  const chunkLength = (): number => Math.min(CHUNK_SIZE, bucket - emitted);
  const push = function* (bytes: Uint8Array): Generator<Uint8Array> {
    let offset = 0;
    while (offset < bytes.length) {
      const want = chunkLength();
      if (filled === 0 && bytes.length - offset >= want) {
        yield bytes.subarray(offset, offset + want);
        offset += want;
        emitted += want;
        continue;
      }
      buffer ??= new Uint8Array(want);
      const take = Math.min(want - filled, bytes.length - offset);
      buffer.set(bytes.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === want) {
        yield buffer;
        emitted += want;
        buffer = undefined;
        filled = 0;
      }
    }
  };
  yield* push(i2osp(size, LENGTH_PREFIX));
  for await (const part of source) {
    seen += part.length;
    if (seen > size) fail('TRAILING_DATA', `item source: more than the declared ${size} bytes`);
    yield* push(part);
  }
  if (seen !== size) fail('TRUNCATED', `item source: ${seen} bytes, but ${size} were declared`);
  // Padding: the rest of the bucket is zeros, which fresh buffers already hold.
  while (emitted < bucket) {
    const want = chunkLength();
    yield buffer ?? new Uint8Array(want);
    emitted += want;
    buffer = undefined;
    filled = 0;
  }
}

export type HeaderFields = Omit<SealParams, 'labSigner' | 'kek'>;

/** §3.2: the header of an item of `size` plaintext bytes whose DEK is `dek`, and its canonical bytes. */
export async function itemHeaderFor(p: Primitives, fields: HeaderFields, dek: Uint8Array, size: number): Promise<{ header: ItemHeader; headerBytes: Uint8Array }> {
  if (dek.length !== DEK_LENGTH) fail('BAD_LENGTH', `DEK must be ${DEK_LENGTH} bytes, got ${dek.length}`);
  const { commitment } = await deriveItemKeys(p, dek);
  const header = parseWith(
    ItemHeader,
    {
      v: 1,
      lab: fields.lab,
      dataset: fields.dataset,
      batch: fields.batch,
      item: fields.item,
      campaign: fields.campaign,
      policy: fields.policy,
      expires: fields.expires,
      bucket: bucketFor(size + LENGTH_PREFIX),
      commit: toBase64Url(commitment),
    },
    'item header',
  );
  return { header, headerBytes: canonicalJsonBytes(header) };
}

/**
 * What the key holder hands whoever encrypts an item: the signed header, the
 * key slot and the DEK. The lab's ingest gets these from its gatekeeper
 * (admin API), so the signing key and the KEKs never leave it (DESIGN §8).
 */
export interface IssuedItemKeys {
  headerBytes: Uint8Array;
  signature: Uint8Array;
  slot: KeySlot;
  dek: Uint8Array;
}

/** Signs a header and wraps its DEK: the key holder's half of sealing (§3.2, §3.3). */
export async function issueItemKeys(p: Primitives, headerBytes: Uint8Array, dek: Uint8Array, labSigner: Ed25519Signer, kek: Kek): Promise<IssuedItemKeys> {
  const signature = await signFor(labSigner, 'item-header', headerBytes);
  const slot = await wrapDek(p, kek, await p.sha256(headerBytes), dek);
  return { headerBytes, signature, slot, dek };
}

/**
 * Encrypts `size` bytes from `source` under issued keys, streaming: memory
 * stays at about one chunk whatever the size. Fails if the plaintext does not
 * fit the header's bucket or the DEK does not match its commitment.
 */
export async function* sealWithKeys(p: Primitives, keys: IssuedItemKeys, source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  const header = parseCanonical(ItemHeader, keys.headerBytes, 'item header');
  if (bucketFor(size + LENGTH_PREFIX) !== header.bucket) fail('MISMATCH', `item ${header.item}: ${size} bytes do not pad to the header's bucket ${header.bucket}`);
  const { payloadKey, commitment } = await deriveItemKeys(p, keys.dek);
  if (!constantTimeEqual(commitment, fromBase64Url(header.commit))) fail('KEY_COMMITMENT_MISMATCH', `item ${header.item}: the DEK does not match the header's key commitment`);
  const digest = await p.sha256(keys.headerBytes);
  yield encodeHead(keys);
  const chunkCount = Math.ceil(header.bucket / CHUNK_SIZE);
  let index = 0;
  for await (const chunk of paddedChunks(source, size, header.bucket)) {
    yield await p.aeadSeal('AES-256-GCM', payloadKey, chunkNonce(index, index === chunkCount - 1), chunk, digest);
    index++;
  }
}

/** Seals `size` bytes from `source`, streaming, holding every key itself (tests, vectors, the demo's canaries). */
export async function* sealItemStream(p: Primitives, params: SealParams, source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  const dek = p.randomBytes(DEK_LENGTH);
  const { headerBytes } = await itemHeaderFor(p, params, dek, size);
  yield* sealWithKeys(p, await issueItemKeys(p, headerBytes, dek, params.labSigner, params.kek), source, size);
}

export async function sealItem(p: Primitives, params: SealParams, plaintext: Uint8Array): Promise<Uint8Array> {
  return collect(sealItemStream(p, params, once(plaintext), plaintext.length));
}

/** Parses the part before the chunks. Checks structure only: see verifyItemHead for the signature and expiry. */
export async function readItemHead(p: Primitives, reader: ByteReader): Promise<ItemHead> {
  const prefix = await reader.read(ITEM_PREFIX.length, 'sealed item prefix');
  if (!constantTimeEqual(prefix, ITEM_PREFIX)) {
    if (constantTimeEqual(prefix.subarray(0, ITEM_PREFIX_FAMILY.length), ITEM_PREFIX_FAMILY)) {
      fail('UNKNOWN_VERSION', `sealed item: unknown version ${JSON.stringify(fromUtf8(prefix, 'sealed item prefix').trim())}`);
    }
    fail('BAD_FORMAT', 'sealed item: does not start with "keyhole-item/v1"');
  }
  const headerLength = readU32be(await reader.read(4, 'sealed item header length'), 0);
  if (headerLength === 0 || headerLength > MAX_HEADER_LENGTH) fail('BAD_LENGTH', `sealed item: header length ${headerLength} is outside 1..${MAX_HEADER_LENGTH}`);
  const headerBytes = await reader.read(headerLength, 'sealed item header');
  const signature = await reader.read(64, 'sealed item signature');
  const slotLength = readU32be(await reader.read(4, 'sealed item key slot length'), 0);
  if (slotLength === 0 || slotLength > MAX_SLOT_LENGTH) fail('BAD_LENGTH', `sealed item: key slot length ${slotLength} is outside 1..${MAX_SLOT_LENGTH}`);
  const slotBytes = await reader.read(slotLength, 'sealed item key slot');

  const header = parseCanonical(ItemHeader, headerBytes, 'sealed item header');
  const slot = parseCanonical(KeySlot, slotBytes, 'sealed item key slot');
  return { header, headerBytes, signature, slot, digest: await p.sha256(headerBytes) };
}

/**
 * JSON that must be in RFC 8785 form, so each value has one encoding and a
 * signed header cannot be re-serialized into a different byte string.
 */
function parseCanonical<S extends z.ZodType>(schema: S, bytes: Uint8Array, what: string): z.infer<S> {
  return parseCanonicalJson(schema, fromUtf8(bytes, what), what);
}

export interface ItemExpectation {
  lab?: string;
  campaign?: string;
  item?: string;
  /** The digest named by the assignment the item was leased under. */
  digest?: Uint8Array;
}

/** Checks the lab's signature, the expiry and, when given, which item this must be. */
export async function verifyItemHead(p: Primitives, head: ItemHead, labPublicKey: Uint8Array, now: number, expect: ItemExpectation = {}): Promise<void> {
  await verifyFor(p, labPublicKey, 'item-header', head.headerBytes, head.signature, 'sealed item header');
  for (const field of ['lab', 'campaign', 'item'] as const) {
    const want = expect[field];
    if (want !== undefined && head.header[field] !== want) fail('MISMATCH', `sealed item: ${field} is ${head.header[field]}, expected ${want}`);
  }
  if (expect.digest && !constantTimeEqual(expect.digest, head.digest)) fail('MISMATCH', 'sealed item: header digest differs from the assignment');
  if (now >= head.header.expires) fail('EXPIRED', `sealed item: expired at ${new Date(head.header.expires * 1000).toISOString()}`);
}

export interface OpenParams {
  labPublicKey: Uint8Array;
  dek: Uint8Array;
  /** Unix seconds. */
  now: number;
  expect?: ItemExpectation;
}

/** Verifies and decrypts, yielding the plaintext in pieces; the last yield comes only after every check passed. */
export async function* openItemStream(p: Primitives, source: AsyncIterable<Uint8Array>, params: OpenParams): AsyncGenerator<Uint8Array> {
  const reader = new ByteReader(source);
  const head = await readItemHead(p, reader);
  await verifyItemHead(p, head, params.labPublicKey, params.now, params.expect);
  // §3.7 step 5: the DEK's length is checked with its commitment, after the header's own checks.
  if (params.dek.length !== DEK_LENGTH) fail('BAD_LENGTH', `DEK must be ${DEK_LENGTH} bytes, got ${params.dek.length}`);
  const { payloadKey, commitment } = await deriveItemKeys(p, params.dek);
  if (!constantTimeEqual(commitment, fromBase64Url(head.header.commit))) {
    fail('KEY_COMMITMENT_MISMATCH', 'sealed item: the key does not match the header\'s key commitment');
  }

  const bucket = head.header.bucket;
  const chunkCount = Math.ceil(bucket / CHUNK_SIZE);
  let size = -1;
  let position = 0; // offset in the padded plaintext
  for (let index = 0; index < chunkCount; index++) {
    const last = index === chunkCount - 1;
    const plainLength = last ? bucket - index * CHUNK_SIZE : CHUNK_SIZE;
    const sealed = await reader.read(plainLength + TAG_LENGTH, `sealed item chunk ${index}`);
    let chunk: Uint8Array;
    try {
      chunk = await p.aeadOpen('AES-256-GCM', payloadKey, chunkNonce(index, last), sealed, head.digest);
    } catch {
      return fail('DECRYPT_FAILED', `sealed item: chunk ${index} of ${chunkCount} failed authentication (tampered, reordered or from another item)`);
    }
    let dataStart = 0;
    if (index === 0) {
      size = Number(new DataView(chunk.buffer, chunk.byteOffset, 8).getBigUint64(0, false));
      if (size > bucket - LENGTH_PREFIX) fail('BAD_LENGTH', `sealed item: declared length ${size} exceeds bucket ${bucket}`);
      dataStart = LENGTH_PREFIX;
    }
    const dataEnd = Math.max(dataStart, Math.min(chunk.length, LENGTH_PREFIX + size - position));
    for (let i = dataEnd; i < chunk.length; i++) {
      if (chunk[i] !== 0) fail('BAD_FORMAT', `sealed item: non-zero padding in chunk ${index}`);
    }
    position += chunk.length;
    if (last && !(await reader.atEnd())) fail('TRAILING_DATA', 'sealed item: bytes after the final chunk');
    if (dataEnd > dataStart) yield chunk.subarray(dataStart, dataEnd);
  }
}

export async function openItem(p: Primitives, sealed: Uint8Array, params: OpenParams): Promise<Uint8Array> {
  return collect(openItemStream(p, once(sealed), params));
}

/** Reads and verifies only the head of a sealed item held in memory (the hub and the gatekeeper need no payload). */
export async function inspectItem(p: Primitives, sealed: Uint8Array): Promise<ItemHead> {
  return readItemHead(p, new ByteReader(once(sealed)));
}
