/**
 * The signed deletion receipt of a shredded batch (docs/SPEC.md §11.3):
 *
 *   {"body": {"v":1,"lab","batch","campaign","keks":[ids, sorted],"time","log"}, "sig": bytes(64)}
 *   sig = Ed25519(lab signing key, "keyhole/v1 deletion-receipt" || 0x00 || JCS(body))
 *
 * `log` is the audit log's origin; the shred record in that log carries
 * `receipt=b64u(SHA-256(JCS(receipt)))` in its reason, so the receipt and the
 * record name each other.
 */
import { z } from 'zod';
import { concat, fromBase64Url, toBase64Url, utf8 } from '../core/bytes.js';
import { canonicalJsonBytes } from '../core/canonical-json.js';
import { fail } from '../core/errors.js';
import type { Ed25519Signer, Primitives } from '../core/primitives.js';
import { Identifier, UnixTime, VersionOne, base64UrlBytes, parseWith } from '../core/schema.js';

export const DeletionReceiptBody = z
  .object({
    v: VersionOne,
    lab: Identifier,
    batch: Identifier,
    campaign: Identifier,
    // docs/SPEC.md §11.3: sorted by UTF-16 code units (JavaScript's default sort), each KEK once.
    keks: z.array(Identifier).max(10_000).refine((ks) => ks.every((k, i) => i === 0 || ks[i - 1]! < k), 'must be sorted, each KEK once'),
    time: UnixTime,
    log: z.string().min(1).max(200),
  })
  .strict();
export type DeletionReceiptBody = z.infer<typeof DeletionReceiptBody>;

export const DeletionReceipt = z.object({ body: DeletionReceiptBody, sig: base64UrlBytes(64) }).strict();
export type DeletionReceipt = z.infer<typeof DeletionReceipt>;

function message(body: DeletionReceiptBody): Uint8Array {
  return concat(utf8('keyhole/v1 deletion-receipt'), new Uint8Array([0]), canonicalJsonBytes(body));
}

export async function signDeletionReceipt(labSigner: Ed25519Signer, body: DeletionReceiptBody): Promise<DeletionReceipt> {
  const b = parseWith(DeletionReceiptBody, body, 'deletion receipt');
  return { body: b, sig: toBase64Url(await labSigner.sign(message(b))) };
}

export async function verifyDeletionReceipt(p: Primitives, labPublicKey: Uint8Array, input: unknown): Promise<DeletionReceipt> {
  const r = parseWith(DeletionReceipt, input, 'deletion receipt');
  if (!(await p.ed25519Verify(labPublicKey, message(r.body), fromBase64Url(r.sig)))) fail('BAD_SIGNATURE', 'deletion receipt: signature does not verify with the lab key');
  return r;
}

/** The value the shred record's reason carries: b64u(SHA-256(JCS(receipt))). */
export async function receiptHash(p: Primitives, receipt: DeletionReceipt): Promise<string> {
  return toBase64Url(await p.sha256(canonicalJsonBytes(receipt)));
}
