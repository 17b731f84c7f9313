/**
 * The sealed label (docs/SPEC.md §6): an annotator's answer, encrypted with
 * HPKE (base mode, AES-256-GCM) to the campaign's result key, bound to the
 * item, the lease and the annotator through HPKE's `info`, and signed by the
 * device's Ed25519 key. The hub can check who sent it and for which lease; it
 * cannot read it.
 */
import { z } from 'zod';
import { concat, fromBase64Url, toBase64Url, utf8 } from './bytes.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { deviceId, type DevicePublicKeys } from './device.js';
import { fail } from './errors.js';
import { hpkeOpen, hpkeSeal } from './hpke.js';
import type { Ed25519Signer, Primitives, X25519PrivateKey } from './primitives.js';
import { Identifier, Sha256Hex, VersionOne, base64UrlBytes, base64UrlBytesBetween, parseWith } from './schema.js';
import { signFor, verifyFor } from './signing.js';

/** A label is a human's answer; 64 KiB is ample and bounds what a hub must store. */
export const MAX_LABEL_BYTES = 65536;

export const LabelBinding = z
  .object({
    v: VersionOne,
    lab: Identifier,
    campaign: Identifier,
    item: Identifier,
    digest: base64UrlBytes(32),
    lease: Identifier,
    annotator: Identifier,
    device: Sha256Hex,
    resultKey: base64UrlBytes(32),
  })
  .strict();
export type LabelBinding = z.infer<typeof LabelBinding>;

export const SealedLabel = LabelBinding.extend({
  enc: base64UrlBytes(32),
  ct: base64UrlBytesBetween(16, MAX_LABEL_BYTES + 16),
  sig: base64UrlBytes(64),
}).strict();
export type SealedLabel = z.infer<typeof SealedLabel>;

function bindingOf(label: SealedLabel): LabelBinding {
  const { enc: _enc, ct: _ct, sig: _sig, ...binding } = label;
  return binding;
}

function hpkeInfo(binding: LabelBinding): Uint8Array {
  return concat(utf8('keyhole/v1 label'), new Uint8Array([0]), canonicalJsonBytes(binding));
}

export async function sealLabel(p: Primitives, binding: LabelBinding, plaintext: Uint8Array, device: Ed25519Signer): Promise<SealedLabel> {
  const b = parseWith(LabelBinding, binding, 'label binding');
  if (plaintext.length > MAX_LABEL_BYTES) fail('BAD_LENGTH', `label is ${plaintext.length} bytes, over the ${MAX_LABEL_BYTES}-byte limit`);
  const { enc, ciphertext } = await hpkeSeal(p, 'AES-256-GCM', fromBase64Url(b.resultKey), hpkeInfo(b), new Uint8Array(0), plaintext);
  const unsigned = { ...b, enc: toBase64Url(enc), ct: toBase64Url(ciphertext) };
  const sig = await signFor(device, 'label', canonicalJsonBytes(unsigned));
  return { ...unsigned, sig: toBase64Url(sig) };
}

/** What the hub checks before it accepts a label: its shape, and that the named device signed it. */
export async function verifyLabel(p: Primitives, input: unknown, device: DevicePublicKeys): Promise<SealedLabel> {
  const label = parseWith(SealedLabel, input, 'sealed label');
  if ((await deviceId(p, device)) !== label.device) fail('MISMATCH', 'sealed label: signed for another device');
  const { sig, ...unsigned } = label;
  await verifyFor(p, device.signing, 'label', canonicalJsonBytes(unsigned), fromBase64Url(sig), 'sealed label');
  return label;
}

/** The lab's side: verify, then decrypt with the campaign's result key. */
export async function openLabel(p: Primitives, input: unknown, device: DevicePublicKeys, resultKey: X25519PrivateKey): Promise<{ label: SealedLabel; plaintext: Uint8Array }> {
  const label = await verifyLabel(p, input, device);
  if (toBase64Url(resultKey.publicKey) !== label.resultKey) fail('MISMATCH', 'sealed label: sealed to another result key');
  const plaintext = await hpkeOpen(p, 'AES-256-GCM', resultKey, fromBase64Url(label.enc), hpkeInfo(bindingOf(label)), new Uint8Array(0), fromBase64Url(label.ct));
  return { label, plaintext };
}
