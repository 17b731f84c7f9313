/**
 * Enrollment by invitation (docs/SPEC.md §2.3). The lab gives a person a
 * one-time code out of band; the workstation proves it holds the device's
 * keys by signing, for purpose `enrollment`, the code's hash and the device's
 * public keys, and sends that with the code to the gatekeeper. The hub never
 * sees the code, so a vendor cannot bind a device of its own to the person.
 *
 * The signature covers the hash rather than the code so that a signed body
 * kept or shown anywhere (a log, a support ticket) does not hand out the code.
 */
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from './bytes.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { deviceId, type DevicePublicKeys } from './device.js';
import { fail } from './errors.js';
import type { Ed25519Signer, Primitives } from './primitives.js';
import { Identifier, VersionOne, base64UrlBytes, parseWith } from './schema.js';
import { signFor, verifyFor } from './signing.js';

/** An invitation code is 32 random bytes, base64url: 43 characters. */
export const INVITATION_CODE_BYTES = 32;
export const InvitationCode = base64UrlBytes(INVITATION_CODE_BYTES);

/** `annotator` is who the holder signed in as at the hub: an invitation issued to someone else is refused unused. */
export const EnrollmentBody = z.object({ v: VersionOne, invitation: base64UrlBytes(32), annotator: Identifier, signing: base64UrlBytes(32), kex: base64UrlBytes(32) }).strict();
export type EnrollmentBody = z.infer<typeof EnrollmentBody>;

export const EnrollmentRequest = z.object({ body: EnrollmentBody, code: InvitationCode, sig: base64UrlBytes(64) }).strict();
export type EnrollmentRequest = z.infer<typeof EnrollmentRequest>;

/** The invitation's hash, SHA-256 of the code's 32 bytes: what the gatekeeper stores and the device signs. */
export async function invitationHash(p: Primitives, code: string): Promise<Uint8Array> {
  return p.sha256(fromBase64Url(parseWith(InvitationCode, code, 'invitation code'), 'invitation code'));
}

export async function signEnrollmentRequest(p: Primitives, signer: Ed25519Signer, kex: Uint8Array, code: string, annotator: string): Promise<EnrollmentRequest> {
  const body: EnrollmentBody = { v: 1, invitation: toBase64Url(await invitationHash(p, code)), annotator, signing: toBase64Url(signer.publicKey), kex: toBase64Url(kex) };
  return { body, code, sig: toBase64Url(await signFor(signer, 'enrollment', canonicalJsonBytes(body))) };
}

export interface VerifiedEnrollment {
  readonly invitation: Uint8Array;
  readonly annotator: string;
  readonly keys: DevicePublicKeys;
  readonly device: string;
}

/**
 * Checks, in order: the members (§1.2), that `body.invitation` is the hash of `code` (*mismatch*),
 * and `sig` under `body.signing` (*bad signature*). Whether the invitation is live is the gatekeeper's.
 */
export async function verifyEnrollmentRequest(p: Primitives, input: unknown): Promise<VerifiedEnrollment> {
  const r = parseWith(EnrollmentRequest, input, 'enrollment request');
  const invitation = await invitationHash(p, r.code);
  if (toBase64Url(invitation) !== r.body.invitation) fail('MISMATCH', 'enrollment request: body.invitation is not the hash of the code sent with it');
  const keys = { signing: fromBase64Url(r.body.signing), kex: fromBase64Url(r.body.kex) };
  await verifyFor(p, keys.signing, 'enrollment', canonicalJsonBytes(r.body), fromBase64Url(r.sig), 'enrollment request');
  return { invitation, annotator: r.body.annotator, keys, device: await deviceId(p, keys) };
}
