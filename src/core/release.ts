/**
 * Key release (docs/SPEC.md §7). The workstation asks the gatekeeper for an
 * item's DEK with a request signed by its device key, carrying the hub's
 * assignment, a fresh nonce and the time. The gatekeeper answers, once the
 * decision is durable in the audit log, with the DEK sealed by HPKE to the
 * device's X25519 key; HPKE's `info` binds the item, the lease, the device and
 * the request's nonce, so a grant cannot be replayed onto another request.
 * The log proof that travels with a grant is specified with the log (§8).
 */
import { z } from 'zod';
import { Assignment } from './assignment.js';
import { concat, fromBase64Url, toBase64Url, utf8 } from './bytes.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { deviceId, type DevicePublicKeys } from './device.js';
import { fail } from './errors.js';
import { hpkeOpen, hpkeSeal } from './hpke.js';
import type { Ed25519Signer, Primitives, X25519PrivateKey } from './primitives.js';
import { Identifier, Sha256Hex, UnixTime, VersionOne, base64UrlBytes, parseWith } from './schema.js';
import { signFor, verifyFor } from './signing.js';
import { DEK_LENGTH } from './sealed-item.js';

/** How far a request's time may be from the gatekeeper's clock, in seconds. Nonces are kept at least this long. */
export const REQUEST_WINDOW_SECONDS = 60;

export const ReleaseRequestBody = z
  .object({
    v: VersionOne,
    assignment: Assignment,
    device: Sha256Hex,
    nonce: base64UrlBytes(16),
    time: UnixTime,
  })
  .strict();
export type ReleaseRequestBody = z.infer<typeof ReleaseRequestBody>;

export const ReleaseRequest = z.object({ body: ReleaseRequestBody, sig: base64UrlBytes(64) }).strict();
export type ReleaseRequest = z.infer<typeof ReleaseRequest>;

export const ReleaseGrant = z
  .object({
    v: VersionOne,
    lease: Identifier,
    enc: base64UrlBytes(32),
    dek: base64UrlBytes(DEK_LENGTH + 16),
  })
  .strict();
export type ReleaseGrant = z.infer<typeof ReleaseGrant>;

export async function signReleaseRequest(
  p: Primitives,
  device: { signer: Ed25519Signer; keys: DevicePublicKeys },
  assignment: Assignment,
  now: number,
): Promise<ReleaseRequest> {
  const body: ReleaseRequestBody = {
    v: 1,
    assignment,
    device: await deviceId(p, device.keys),
    nonce: toBase64Url(p.randomBytes(16)),
    time: now,
  };
  return { body, sig: toBase64Url(await signFor(device.signer, 'release-request', canonicalJsonBytes(body))) };
}

/**
 * The gatekeeper's stateless checks: shape, device signature, that the
 * assignment names this device, and freshness. Nonce reuse is checked against
 * the gatekeeper's store; the assignment's hub signature by verifyAssignment.
 */
export async function verifyReleaseRequest(p: Primitives, input: unknown, device: DevicePublicKeys, now: number): Promise<ReleaseRequest> {
  const request = parseWith(ReleaseRequest, input, 'release request');
  const id = await deviceId(p, device);
  if (request.body.device !== id) fail('MISMATCH', 'release request: signed for another device');
  await verifyFor(p, device.signing, 'release-request', canonicalJsonBytes(request.body), fromBase64Url(request.sig), 'release request');
  if (request.body.assignment.body.device !== id) fail('MISMATCH', `release request: assignment ${request.body.assignment.body.lease} is for another device`);
  if (Math.abs(now - request.body.time) > REQUEST_WINDOW_SECONDS) fail('STALE', `release request: time is more than ${REQUEST_WINDOW_SECONDS} s from the gatekeeper's clock`);
  return request;
}

/**
 * Why a release ended without a label: the hub's closed list of skip reasons
 * (free text could carry what the annotator read).
 */
export const RELEASE_END_REASONS = ['cannot-judge', 'harmful-content', 'broken-item', 'wrong-language', 'conflict-of-interest', 'other'] as const;
export type ReleaseEndReason = (typeof RELEASE_END_REASONS)[number];

/**
 * The release-ended notice (SPEC §7.4): the device says it is done with a
 * released item without labelling it (a skip), so the gatekeeper can give the
 * item's overlap place back and the hub's requeued item can go to the next
 * annotator. Only the device can sign it, so a vendor cannot use it to lift
 * the caps of a device it does not hold.
 */
export const ReleaseEndedBody = z
  .object({
    v: VersionOne,
    lab: Identifier,
    campaign: Identifier,
    item: Identifier,
    digest: base64UrlBytes(32),
    lease: Identifier,
    device: Sha256Hex,
    reason: z.enum(RELEASE_END_REASONS),
    time: UnixTime,
  })
  .strict();
export type ReleaseEndedBody = z.infer<typeof ReleaseEndedBody>;

export const ReleaseEnded = z.object({ body: ReleaseEndedBody, sig: base64UrlBytes(64) }).strict();
export type ReleaseEnded = z.infer<typeof ReleaseEnded>;

/** The notice for the lease the assignment names, signed by the device it names. */
export async function signReleaseEnded(
  p: Primitives,
  device: { signer: Ed25519Signer; keys: DevicePublicKeys },
  assignment: Assignment,
  reason: ReleaseEndReason,
  now: number,
): Promise<ReleaseEnded> {
  const a = assignment.body;
  const body: ReleaseEndedBody = { v: 1, lab: a.lab, campaign: a.campaign, item: a.item, digest: a.digest, lease: a.lease, device: await deviceId(p, device.keys), reason, time: now };
  return { body, sig: toBase64Url(await signFor(device.signer, 'release-ended', canonicalJsonBytes(body))) };
}

/** Parses a notice and checks it is signed by `device` (whose id it must name); BAD_SIGNATURE or MISMATCH otherwise. */
export async function verifyReleaseEnded(p: Primitives, input: unknown, device: DevicePublicKeys): Promise<ReleaseEnded> {
  const notice = parseWith(ReleaseEnded, input, 'release-ended notice');
  if (notice.body.device !== (await deviceId(p, device))) fail('MISMATCH', 'release-ended notice: signed for another device');
  await verifyFor(p, device.signing, 'release-ended', canonicalJsonBytes(notice.body), fromBase64Url(notice.sig), 'release-ended notice');
  return notice;
}

function grantInfo(request: ReleaseRequest): Uint8Array {
  const a = request.body.assignment.body;
  const bound = { lab: a.lab, campaign: a.campaign, item: a.item, digest: a.digest, lease: a.lease, device: request.body.device, nonce: request.body.nonce };
  return concat(utf8('keyhole/v1 dek-release'), new Uint8Array([0]), canonicalJsonBytes(bound));
}

export async function sealGrant(p: Primitives, request: ReleaseRequest, deviceKex: Uint8Array, dek: Uint8Array): Promise<ReleaseGrant> {
  const { enc, ciphertext } = await hpkeSeal(p, 'AES-256-GCM', deviceKex, grantInfo(request), new Uint8Array(0), dek);
  return { v: 1, lease: request.body.assignment.body.lease, enc: toBase64Url(enc), dek: toBase64Url(ciphertext) };
}

/** The workstation's side: the DEK for the request it sent, or DECRYPT_FAILED. */
export async function openGrant(p: Primitives, input: unknown, request: ReleaseRequest, deviceKex: X25519PrivateKey): Promise<Uint8Array> {
  const grant = parseWith(ReleaseGrant, input, 'release grant');
  if (grant.lease !== request.body.assignment.body.lease) fail('MISMATCH', `release grant: for lease ${grant.lease}, not ${request.body.assignment.body.lease}`);
  return hpkeOpen(p, 'AES-256-GCM', deviceKex, fromBase64Url(grant.enc), grantInfo(request), new Uint8Array(0), fromBase64Url(grant.dek));
}
