/**
 * C2SP tlog-cosignature v1 (c2sp.org/tlog-cosignature), the Ed25519 type:
 *
 *   key id    = SHA-256(name || 0x0A || 0x04 || public key)[:4]
 *   message   = "cosignature/v1\n" "time " <decimal timestamp> "\n" <checkpoint note text>
 *   signature = uint64_be(timestamp) || Ed25519(message)     (after the key id)
 *
 * Timestamps are POSIX seconds, passed in by the caller so that tests and
 * vectors are reproducible.
 */
import { concat, utf8 } from './bytes.js';
import { fail } from './errors.js';
import {
  SIGNATURE_TYPE_COSIGNATURE_V1,
  checkKeyName,
  computeKeyId,
  formatSignatureLine,
  formatVerifierKey,
  parseVerifierKey,
  type NoteSignature,
  type NoteVerifier,
} from './note.js';
import type { Primitives } from './primitives.js';

const TIMESTAMP_BYTES = 8;
const ED25519_SIGNATURE_BYTES = 64;

/** tlog-cosignature §Ed25519 signed message. */
export function cosignedMessage(timestamp: number, checkpointText: string): Uint8Array {
  checkTimestamp(timestamp);
  return utf8(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) fail('BAD_FORMAT', `cosignature: timestamp ${timestamp} is not a non-negative safe integer`);
}

function encodeTimestamp(timestamp: number): Uint8Array {
  const out = new Uint8Array(TIMESTAMP_BYTES);
  new DataView(out.buffer).setBigUint64(0, BigInt(timestamp), false);
  return out;
}

/** Splits the bytes after the key id into timestamp and Ed25519 signature. */
export function parseTimestampedSignature(sig: Uint8Array): { timestamp: number; signature: Uint8Array } {
  if (sig.length !== TIMESTAMP_BYTES + ED25519_SIGNATURE_BYTES) {
    fail('BAD_LENGTH', `cosignature: ${sig.length} bytes after the key id, expected ${TIMESTAMP_BYTES + ED25519_SIGNATURE_BYTES}`);
  }
  const t = new DataView(sig.buffer, sig.byteOffset, TIMESTAMP_BYTES).getBigUint64(0, false);
  // tlog-cosignature: the timestamp must not exceed 2^63 - 1; we also need it to fit a safe integer.
  if (t > BigInt(Number.MAX_SAFE_INTEGER)) fail('UNSUPPORTED', `cosignature: timestamp ${t} is above 2^53 - 1`);
  return { timestamp: Number(t), signature: sig.slice(TIMESTAMP_BYTES) };
}

export interface CosignatureVerifier extends NoteVerifier {
  readonly publicKey: Uint8Array;
}

/** A NoteVerifier for a witness's cosignature/v1 vkey (type 0x04). */
export async function cosignatureVerifier(p: Primitives, vkey: string): Promise<CosignatureVerifier> {
  const key = await parseVerifierKey(p, vkey);
  if (key.type !== SIGNATURE_TYPE_COSIGNATURE_V1) fail('UNSUPPORTED', `verifier key ${key.name}: not a cosignature/v1 key (type 0x04)`);
  return {
    name: key.name,
    keyId: key.keyId,
    publicKey: key.publicKey,
    // docs/SPEC.md §8.2: a timestamp above 2^53 - 1 is UNSUPPORTED and a wrong length BAD_LENGTH, as for
    // tree sizes; only a well-formed cosignature that fails the Ed25519 check "does not verify".
    async verify(text, sig) {
      const parsed = parseTimestampedSignature(sig);
      const message = concat(utf8(`cosignature/v1\ntime ${parsed.timestamp}\n`), text);
      return p.ed25519Verify(key.publicKey, message, parsed.signature);
    },
  };
}

export interface Cosigner {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  readonly verifierKey: string;
  /** The cosignature over a checkpoint note text at `timestamp` (POSIX seconds). */
  cosign(checkpointText: string, timestamp: number): Promise<NoteSignature>;
}

export async function ed25519Cosigner(p: Primitives, name: string, seed: Uint8Array): Promise<Cosigner> {
  checkKeyName(name);
  const signer = await p.ed25519FromSeed(seed);
  const keyId = await computeKeyId(p, name, SIGNATURE_TYPE_COSIGNATURE_V1, signer.publicKey);
  return {
    name,
    keyId,
    publicKey: signer.publicKey,
    verifierKey: formatVerifierKey(name, keyId, SIGNATURE_TYPE_COSIGNATURE_V1, signer.publicKey),
    async cosign(checkpointText, timestamp) {
      const sig = await signer.sign(cosignedMessage(timestamp, checkpointText));
      return { name, keyId, signature: concat(encodeTimestamp(timestamp), sig) };
    },
  };
}

export function cosignatureLine(sig: NoteSignature): string {
  return formatSignatureLine(sig.name, sig.keyId, sig.signature);
}
