/**
 * A lease, as the vendor's hub signs it (docs/SPEC.md §5): this annotator,
 * on this device, may work on this exact item (named by its header digest)
 * until `expires`. The gatekeeper checks it before any release; it trusts the
 * hub's signature for "who was assigned what", never for counts or policy.
 */
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from './bytes.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { fail } from './errors.js';
import type { Ed25519Signer, Primitives } from './primitives.js';
import { Identifier, Sha256Hex, UnixTime, VersionOne, base64UrlBytes, parseWith } from './schema.js';
import { signFor, verifyFor } from './signing.js';

/** Clock skew tolerated between hub, gatekeeper and workstation, in seconds. */
export const CLOCK_SKEW_SECONDS = 120;

export const AssignmentBody = z
  .object({
    v: VersionOne,
    hub: Identifier,
    lab: Identifier,
    campaign: Identifier,
    item: Identifier,
    digest: base64UrlBytes(32),
    lease: Identifier,
    annotator: Identifier,
    device: Sha256Hex,
    issued: UnixTime,
    expires: UnixTime,
  })
  .strict()
  .refine((a) => a.expires > a.issued, { message: 'expires must be after issued', path: ['expires'] });
export type AssignmentBody = z.infer<typeof AssignmentBody>;

export const Assignment = z
  .object({ body: AssignmentBody, sig: base64UrlBytes(64) })
  .strict();
export type Assignment = z.infer<typeof Assignment>;

export async function signAssignment(hubSigner: Ed25519Signer, body: AssignmentBody): Promise<Assignment> {
  const checked = parseWith(AssignmentBody, body, 'assignment');
  return { body: checked, sig: toBase64Url(await signFor(hubSigner, 'assignment', canonicalJsonBytes(checked))) };
}

/** Parses untrusted input, checks the hub's signature and that the lease is current at `now` (Unix seconds). */
export async function verifyAssignment(p: Primitives, hubPublicKey: Uint8Array, input: unknown, now: number): Promise<Assignment> {
  const a = parseWith(Assignment, input, 'assignment');
  await verifyFor(p, hubPublicKey, 'assignment', canonicalJsonBytes(a.body), fromBase64Url(a.sig), 'assignment');
  if (a.body.issued > now + CLOCK_SKEW_SECONDS) fail('NOT_YET_VALID', `assignment ${a.body.lease}: issued in the future`);
  if (now >= a.body.expires) fail('EXPIRED', `assignment ${a.body.lease}: lease expired at ${new Date(a.body.expires * 1000).toISOString()}`);
  return a;
}
