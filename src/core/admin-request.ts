/**
 * How the lab's operators sign requests to their gatekeeper's admin API
 * (docs/SPEC.md §12). One header,
 *
 *   Keyhole-Operator-Signature: v1 operator=<id>,time=<unix s>,nonce=<base64url 16 bytes>,sig=<base64url 64 bytes>
 *
 * where sig is the operator's Ed25519 signature, purpose "admin-request"
 * (signing.ts), over the RFC 8785 JSON of
 *
 *   {v:1, lab, operator, method, path, time, nonce, body: SHA-256 hex of the raw body}
 *
 * `path` is the request target as sent (path and query) and `lab` the
 * gatekeeper's lab id, so a signature is good for one gatekeeper, one target,
 * one body, once (the nonce), within a short window. The header is checked
 * before any body byte is read: the signed body hash is compared after.
 * Pure: the gatekeeper verifies with it, the lab's tools sign with it.
 */
import { toBase64Url, toHex } from './bytes.js';
import { canonicalJsonBytes } from './canonical-json.js';
import type { Ed25519Signer, Primitives } from './primitives.js';
import { signFor, signedMessage } from './signing.js';

export const OPERATOR_SIGNATURE_HEADER = 'Keyhole-Operator-Signature';
/** How far a request's time may be from the gatekeeper's clock, either way, in seconds. */
export const ADMIN_REQUEST_WINDOW_SECONDS = 60;

export type AdminMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface AdminRequest {
  lab: string;
  operator: string;
  method: AdminMethod;
  /** Path and query exactly as sent. */
  path: string;
  body: Uint8Array;
}

export interface OperatorSignatureHeader {
  operator: string;
  time: number;
  nonce: string;
  sig: string;
}

const HEADER = /^v1 operator=([A-Za-z0-9][A-Za-z0-9._-]{0,63}),time=(\d{1,15}),nonce=([A-Za-z0-9_-]{22}),sig=([A-Za-z0-9_-]{86})$/;

export function parseOperatorSignatureHeader(value: string): OperatorSignatureHeader | undefined {
  const m = HEADER.exec(value);
  if (m === null) return undefined;
  return { operator: m[1]!, time: Number(m[2]), nonce: m[3]!, sig: m[4]! };
}

/** The exact bytes an operator signs (before the purpose prefix of signing.ts). */
export async function adminRequestBody(p: Primitives, r: AdminRequest, time: number, nonce: string): Promise<Uint8Array> {
  return canonicalJsonBytes({ v: 1, lab: r.lab, operator: r.operator, method: r.method, path: r.path, time, nonce, body: toHex(await p.sha256(r.body)) });
}

/** The header value for one request; a fresh nonce each call. */
export async function signAdminRequest(p: Primitives, signer: Ed25519Signer, r: AdminRequest, time: number): Promise<string> {
  const nonce = toBase64Url(p.randomBytes(16));
  const sig = await signFor(signer, 'admin-request', await adminRequestBody(p, r, time, nonce));
  return `v1 operator=${r.operator},time=${time},nonce=${nonce},sig=${toBase64Url(sig)}`;
}

/** The message whose signature the gatekeeper checks, for `verify` with the operator's key. */
export async function adminSignedMessage(p: Primitives, r: AdminRequest, time: number, nonce: string): Promise<Uint8Array> {
  return signedMessage('admin-request', await adminRequestBody(p, r, time, nonce));
}
