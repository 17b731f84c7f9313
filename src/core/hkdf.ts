/**
 * HKDF with SHA-256 (RFC 5869), as separate Extract and Expand steps: HPKE's
 * labeled variants (RFC 9180 §4) need them apart, which WebCrypto's one-shot
 * HKDF does not offer.
 */
import type { Primitives } from './primitives.js';
import { concat } from './bytes.js';
import { fail } from './errors.js';

export const HASH_LENGTH = 32;

/** RFC 5869 §2.2. An empty salt means HashLen zero bytes. */
export function hkdfExtract(p: Primitives, salt: Uint8Array, ikm: Uint8Array): Promise<Uint8Array> {
  return p.hmacSha256(salt.length === 0 ? new Uint8Array(HASH_LENGTH) : salt, ikm);
}

/** RFC 5869 §2.3. */
export async function hkdfExpand(p: Primitives, prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  if (length > 255 * HASH_LENGTH) fail('BAD_LENGTH', `HKDF-Expand cannot produce ${length} bytes`);
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, offset = 0; offset < length; i++) {
    previous = await p.hmacSha256(prk, concat(previous, info, new Uint8Array([i])));
    out.set(previous.subarray(0, Math.min(HASH_LENGTH, length - offset)), offset);
    offset += HASH_LENGTH;
  }
  return out;
}
