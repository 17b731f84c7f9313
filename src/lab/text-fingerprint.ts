/**
 * Text fingerprints that survive the ways a leaked item gets reformatted:
 * lines re-wrapped, whitespace and case changed, the JSON re-serialized
 * (with \uXXXX, \n, \" escapes, possibly escaped twice), fields reordered,
 * or only part of it copied. The text is reduced to a stream of word tokens
 * (NFKC, lower case, letters and digits only), and the fingerprint is the set
 * of overlapping word n-grams ("shingles"). Only keyed hashes of shingles
 * are ever stored (fingerprint-store.ts), never the text.
 */
import { createHmac } from 'node:crypto';

/** Words per shingle: long enough that a shared shingle is not chance, short enough that a partial copy keeps many. */
export const SHINGLE_WORDS = 6;
/** Bytes of HMAC-SHA256 kept per shingle: 2^-64 collisions per pair is far below the match thresholds. */
export const SHINGLE_HASH_BYTES = 8;

const JSON_ESCAPE_RUN = /(?:\\u[0-9a-fA-F]{4})+|\\[nrtbf]|\\["\\/]/g;

/** Undoes JSON string escaping wherever it appears in the dump (up to three levels of re-serialization). */
export function unescapeJsonRuns(text: string): string {
  let out = text;
  for (let pass = 0; pass < 3; pass++) {
    const next = out.replace(JSON_ESCAPE_RUN, (run) => {
      if (run.startsWith('\\u')) {
        try {
          return JSON.parse(`"${run}"`) as string;
        } catch {
          return ' ';
        }
      }
      const c = run[1]!;
      return c === '"' || c === '\\' || c === '/' ? c : ' ';
    });
    if (next === out) break;
    out = next;
  }
  return out;
}

const WORD = /[\p{L}\p{N}]+/gu;

export function words(text: string): string[] {
  return unescapeJsonRuns(text).normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

/** Every string value in a JSON value, depth first: item text without the field names of its format. */
export function stringValues(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringValues(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stringValues(v, out);
  return out;
}

export type ShingleHash = string;

export function hashGram(key: Uint8Array, gram: string): ShingleHash {
  return createHmac('sha256', key).update(gram).digest().subarray(0, SHINGLE_HASH_BYTES).toString('hex');
}

/** Keyed hashes of every SHINGLE_WORDS-word window (of the whole text when it is shorter), deduplicated. */
export function shingleHashes(key: Uint8Array, tokens: readonly string[]): Set<ShingleHash> {
  const out = new Set<ShingleHash>();
  if (tokens.length === 0) return out;
  if (tokens.length < SHINGLE_WORDS) {
    out.add(hashGram(key, tokens.join(' ')));
    return out;
  }
  for (let i = 0; i + SHINGLE_WORDS <= tokens.length; i++) out.add(hashGram(key, tokens.slice(i, i + SHINGLE_WORDS).join(' ')));
  return out;
}
