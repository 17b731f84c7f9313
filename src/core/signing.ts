/**
 * Domain-separated Ed25519 signatures. Every keyhole signature covers
 *
 *   "keyhole/v1 " || purpose || 0x00 || body
 *
 * so a signature made for one purpose (say, a label) can never be presented
 * as another (say, a release request). See docs/SPEC.md §"Signatures".
 */
import { concat, utf8 } from './bytes.js';
import { fail } from './errors.js';
import type { Ed25519Signer, Primitives } from './primitives.js';

export type SignaturePurpose =
  | 'item-header'
  | 'label'
  | 'release-request'
  | 'release-ended'
  | 'assignment'
  | 'campaign-manifest'
  | 'hub-request'
  | 'admin-request'
  | 'enrollment';

export function signedMessage(purpose: SignaturePurpose, body: Uint8Array): Uint8Array {
  return concat(utf8(`keyhole/v1 ${purpose}`), new Uint8Array([0]), body);
}

export function signFor(signer: Ed25519Signer, purpose: SignaturePurpose, body: Uint8Array): Promise<Uint8Array> {
  return signer.sign(signedMessage(purpose, body));
}

/** Throws BAD_SIGNATURE naming `what` unless the signature verifies. */
export async function verifyFor(
  p: Primitives,
  publicKey: Uint8Array,
  purpose: SignaturePurpose,
  body: Uint8Array,
  signature: Uint8Array,
  what: string,
): Promise<void> {
  if (!(await p.ed25519Verify(publicKey, signedMessage(purpose, body), signature))) {
    fail('BAD_SIGNATURE', `${what}: signature does not verify`);
  }
}
