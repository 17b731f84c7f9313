/**
 * The lab-only section of an item (docs/SPEC.md §4): the source record id,
 * the A/B mapping and the pseudonym table, sealed with HPKE to the lab's own
 * X25519 key and bound to the item's header digest. It travels with the item
 * through the hub, which cannot open it.
 *
 *   lab section = enc (32 bytes) || HPKE ciphertext
 */
import { concat, utf8 } from './bytes.js';
import { fail } from './errors.js';
import { hpkeOpen, hpkeSeal } from './hpke.js';
import type { Primitives, X25519PrivateKey } from './primitives.js';

const info = (digest: Uint8Array): Uint8Array => concat(utf8('keyhole/v1 lab-section'), new Uint8Array([0]), digest);

export async function sealLabSection(p: Primitives, labKexPublicKey: Uint8Array, digest: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const { enc, ciphertext } = await hpkeSeal(p, 'AES-256-GCM', labKexPublicKey, info(digest), new Uint8Array(0), plaintext);
  return concat(enc, ciphertext);
}

export async function openLabSection(p: Primitives, labKex: X25519PrivateKey, digest: Uint8Array, sealed: Uint8Array): Promise<Uint8Array> {
  if (sealed.length < 32 + 16) fail('TRUNCATED', `lab section: ${sealed.length} bytes is shorter than any sealed section`);
  return hpkeOpen(p, 'AES-256-GCM', labKex, sealed.subarray(0, 32), info(digest), new Uint8Array(0), sealed.subarray(32));
}
