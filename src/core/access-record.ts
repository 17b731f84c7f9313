/**
 * The audit log's leaf: one access record, serialized as RFC 8785 canonical
 * JSON (DESIGN §5). The leaf bytes ARE the canonical JSON; the Merkle leaf hash
 * is SHA-256(0x00 || bytes) (RFC 6962 §2.1). Decoding is strict: the bytes
 * must be exactly the canonical serialization of a record that passes the
 * schema, with no unknown member, so one record has exactly one leaf.
 *
 * Per-annotator chaining: `seq` counts the records about one annotator
 * (starting at 0) and `prev` is the base64url SHA-256 of that annotator's
 * previous record's leaf bytes (43 'A's, i.e. 32 zero bytes, for seq 0), so a
 * monitor can tell when a record about an annotator is missing.
 */
import { z } from 'zod';
import { canonicalJsonBytes } from './canonical-json.js';
import { fromUtf8, toBase64Url } from './bytes.js';
import { fail } from './errors.js';
import type { Primitives } from './primitives.js';
import { VersionOne, base64UrlBytes, parseCanonicalJson, parseWith } from './schema.js';
import { MAX_ENTRY_BYTES } from './tile-data.js';

export const ACCESS_RECORD_VERSION = 1;

/** `skip`: the device proved a release ended without a label (SPEC §7.4, release-ended notice). */
export const ACCESS_RECORD_KINDS = ['enroll', 'release', 'deny', 'submit', 'skip', 'suspend', 'shred', 'policy', 'alert'] as const;

// Canonical base64url (docs/SPEC.md §1.1): 43 characters whose unused low bits are zero, and 86.
const b64u32 = base64UrlBytes(32);
const b64u64 = base64UrlBytes(64);
/** A record id (docs/SPEC.md §8.4): unlike a §1.3 id it may hold ':', as in the annotator reference "<hub>:<annotator>". */
const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, 'must be an opaque id of [A-Za-z0-9._:-]');

export const GENESIS_PREV = toBase64Url(new Uint8Array(32));

export const AccessRecordSchema = z.strictObject({
  v: VersionOne,
  kind: z.enum(ACCESS_RECORD_KINDS),
  /** UTC time with millisecond precision, RFC 3339 "YYYY-MM-DDTHH:MM:SS.sssZ". */
  time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be RFC 3339 UTC with milliseconds'),
  campaign: id.optional(),
  item: id.optional(),
  /** The annotator's pseudonym, never a name or e-mail. */
  annotator: id.optional(),
  /** The device id (docs/SPEC.md §2.1), its 32 bytes in base64url. */
  deviceKeyHash: b64u32.optional(),
  /** The Ed25519 signature of the device's request. */
  requestSignature: b64u64.optional(),
  decision: z.enum(['allow', 'deny', 'none']),
  reason: z.string().max(256).optional(),
  policyHash: b64u32.optional(),
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  prev: b64u32,
}).refine((r) => r.seq !== 0 || r.prev === GENESIS_PREV, { message: `must be ${GENESIS_PREV} (32 zero bytes) when seq is 0`, path: ['prev'] });

export type AccessRecord = z.infer<typeof AccessRecordSchema>;

/** Refuses times like 2024-02-30 that match the pattern but name no real instant. */
function checkInstant(time: string): void {
  const d = new Date(time);
  if (Number.isNaN(d.getTime()) || d.toISOString() !== time) fail('BAD_FORMAT', 'access record: time is not a real UTC instant');
}

export function encodeAccessRecord(record: AccessRecord): Uint8Array {
  const parsed = parseWith(AccessRecordSchema, record, 'access record');
  checkInstant(parsed.time);
  const bytes = canonicalJsonBytes(parsed);
  if (bytes.length > MAX_ENTRY_BYTES) fail('BAD_LENGTH', `access record: ${bytes.length} bytes, over the entry limit of ${MAX_ENTRY_BYTES}`);
  return bytes;
}

export function decodeAccessRecord(bytes: Uint8Array): AccessRecord {
  const record = parseCanonicalJson(AccessRecordSchema, fromUtf8(bytes, 'access record'), 'access record');
  checkInstant(record.time);
  return record;
}

/** The `prev` value for the record that follows this one for the same annotator. */
export async function recordChainHash(p: Primitives, leafBytes: Uint8Array): Promise<string> {
  return toBase64Url(await p.sha256(leafBytes));
}
