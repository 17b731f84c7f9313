/**
 * How a lab signs its requests to a hub (docs/HUB.md §"Lab request
 * authentication"). The lab sends one header,
 *
 *   Keyhole-Lab-Signature: v1 lab=<id>,time=<unix s>,nonce=<base64url 16 bytes>,body=<SHA-256 hex of the body>,sig=<base64url 64 bytes>
 *
 * where sig is the lab's Ed25519 signature, with purpose "hub-request"
 * (src/core/signing.ts), over the RFC 8785 JSON of
 *
 *   {v:1, hub, lab, method, path, time, nonce, body: SHA-256 hex of the raw body}
 *
 * `path` is the request target as sent (path and query), `hub` the hub's id,
 * so a signed request is good for one hub, one target, one body, once, within
 * a short window. The header repeats the body's digest so the hub can verify
 * the signature before it reads a byte of the body, and then only checks that
 * the body it reads hashes to the signed digest: an unsigned or forged upload
 * is refused from its headers (issue 14 finding 3). Pure: runs wherever the
 * lab's client does.
 */
import { z } from 'zod';
import { toBase64Url, toHex } from '../core/bytes.js';
import { canonicalJsonBytes } from '../core/canonical-json.js';
import type { Ed25519Signer, Primitives } from '../core/primitives.js';
import { Identifier, Sha256Hex, UnixTime, VersionOne, base64UrlBytes } from '../core/schema.js';
import { signFor } from '../core/signing.js';

export const LAB_SIGNATURE_HEADER = 'Keyhole-Lab-Signature';
/** How far a request's time may be from the hub's clock, either way, in seconds. */
export const LAB_REQUEST_WINDOW_SECONDS = 60;

export const SignedRequestBody = z
  .object({
    v: VersionOne,
    hub: Identifier,
    lab: Identifier,
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
    path: z.string().min(1).max(2048).startsWith('/'),
    time: UnixTime,
    nonce: base64UrlBytes(16),
    body: Sha256Hex,
  })
  .strict();
export type SignedRequestBody = z.infer<typeof SignedRequestBody>;

export interface LabSignatureHeader {
  lab: string;
  time: number;
  nonce: string;
  /** SHA-256 hex of the request body, as signed. */
  body: string;
  sig: string;
}

// One spelling per header: decimal time without leading zeros (as the signer writes it).
const HEADER = /^v1 lab=([A-Za-z0-9][A-Za-z0-9._-]{0,127}),time=(0|[1-9]\d{0,14}),nonce=([A-Za-z0-9_-]{22}),body=([0-9a-f]{64}),sig=([A-Za-z0-9_-]{86})$/;

export function parseLabSignatureHeader(value: string): LabSignatureHeader | undefined {
  const m = HEADER.exec(value);
  if (m === null) return undefined;
  return { lab: m[1]!, time: Number(m[2]), nonce: m[3]!, body: m[4]!, sig: m[5]! };
}

export interface LabRequest {
  hub: string;
  lab: string;
  method: SignedRequestBody['method'];
  /** Path and query exactly as sent, e.g. /v1/labs/acme/campaigns/c1/submissions?after=10 */
  path: string;
  body: Uint8Array;
}

/** What the lab signs; `bodyDigest` is the SHA-256 hex of the raw request body. */
export function signedRequestBody(request: Omit<LabRequest, 'body'>, time: number, nonce: string, bodyDigest: string): SignedRequestBody {
  return { v: 1, hub: request.hub, lab: request.lab, method: request.method, path: request.path, time, nonce, body: bodyDigest };
}

export async function bodyDigest(p: Primitives, body: Uint8Array): Promise<string> {
  return toHex(await p.sha256(body));
}

/** The header value for one request. `time` is Unix seconds; the nonce is fresh random bytes each call. */
export async function signLabRequest(p: Primitives, labSigner: Ed25519Signer, request: LabRequest, time: number): Promise<string> {
  const nonce = toBase64Url(p.randomBytes(16));
  const digest = await bodyDigest(p, request.body);
  const signed = signedRequestBody(request, time, nonce, digest);
  const sig = await signFor(labSigner, 'hub-request', canonicalJsonBytes(signed));
  return `v1 lab=${request.lab},time=${time},nonce=${nonce},body=${digest},sig=${toBase64Url(sig)}`;
}
