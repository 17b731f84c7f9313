/**
 * What an attacker decodes before searching a stolen file: the raw bytes, and what the file's
 * base64, base64url and hex runs and its gzip members decode to, two layers deep (base64 of gzip,
 * gzip of hex, ...). Plaintext or a key stored encoded is then still found by the plaintext search
 * and the key trial (issue 19: a search of raw bytes misses plaintext kept base64-, hex- or
 * gzip-encoded).
 */
import { constants, inflateRawSync } from 'node:zlib';

export const ENCODINGS = ['base64', 'base64url', 'hex', 'gzip'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export interface DecodedView {
  /** How the bytes were reached: "raw", or the decodings in order, e.g. "base64 > gzip". */
  readonly how: string;
  readonly bytes: Uint8Array;
}

/** Layers of encoding undone: two covers a compressed payload carried as base64 text. */
export const DECODE_DEPTH = 2;
/** No view grows past this (a gzip bomb in the copy must not stop the drill). */
const MAX_VIEW_BYTES = 64 * 1024 * 1024;

/** Runs shorter than 16 characters are ordinary words, not encoded data. */
const RUNS: Record<Exclude<Encoding, 'gzip'>, RegExp> = {
  base64: /[A-Za-z0-9+/]{16,}={0,2}/g,
  base64url: /[A-Za-z0-9_-]{16,}/g,
  hex: /(?:[0-9a-fA-F]{2}){8,}/g,
};

const GZIP_MAGIC = [0x1f, 0x8b, 0x08] as const;
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * A base64 run whose length is no multiple of four may start with characters that belong to its
 * neighbour (a key name, a word), so it is decoded from both alignments.
 */
function decodeRun(run: string, encoding: Exclude<Encoding, 'gzip'>): Buffer[] {
  if (encoding === 'hex') return [Buffer.from(run, 'hex')];
  const spill = run.replace(/=+$/, '').length % 4;
  return spill === 0 ? [Buffer.from(run, encoding)] : [Buffer.from(run, encoding), Buffer.from(run.slice(spill), encoding)];
}

/** Every run of `encoding` in the bytes, decoded and concatenated. */
function decodeRuns(bytes: Uint8Array, encoding: Exclude<Encoding, 'gzip'>): Uint8Array {
  const parts: Buffer[] = [];
  let size = 0;
  for (const m of latin1(bytes).matchAll(RUNS[encoding])) {
    for (const d of decodeRun(m[0], encoding)) {
      size += d.length;
      if (size > MAX_VIEW_BYTES) return Buffer.concat(parts);
      parts.push(d);
    }
  }
  return Buffer.concat(parts);
}

/** Where the deflate data of the gzip member at `at` starts (RFC 1952 §2.3), or undefined. */
function deflateStart(bytes: Uint8Array, at: number): number | undefined {
  const flags = bytes[at + 3]!;
  let i = at + 10;
  if (flags & FEXTRA) i += 2 + (bytes[i]! | (bytes[i + 1]! << 8));
  if (flags & FNAME) while (i < bytes.length && bytes[i++] !== 0);
  if (flags & FCOMMENT) while (i < bytes.length && bytes[i++] !== 0);
  if (flags & FHCRC) i += 2;
  return i < bytes.length ? i : undefined;
}

/** Every gzip member found anywhere in the bytes, inflated (a truncated one as far as it goes). */
function inflateMembers(bytes: Uint8Array): Uint8Array {
  const parts: Buffer[] = [];
  let size = 0;
  for (let at = 0; at + 10 < bytes.length; at++) {
    if (bytes[at] !== GZIP_MAGIC[0] || bytes[at + 1] !== GZIP_MAGIC[1] || bytes[at + 2] !== GZIP_MAGIC[2]) continue;
    const start = deflateStart(bytes, at);
    if (start === undefined) continue;
    try {
      const out = inflateRawSync(bytes.subarray(start), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: MAX_VIEW_BYTES - size });
      size += out.length;
      parts.push(out);
    } catch {
      // Not a gzip member after all: three bytes that happen to look like one.
    }
    if (size >= MAX_VIEW_BYTES) break;
  }
  return Buffer.concat(parts);
}

function decode(bytes: Uint8Array, encoding: Encoding): Uint8Array {
  return encoding === 'gzip' ? inflateMembers(bytes) : decodeRuns(bytes, encoding);
}

/** The raw bytes and every non-empty decoding of them, up to DECODE_DEPTH layers. */
export function decodedViews(bytes: Uint8Array, depth = DECODE_DEPTH): DecodedView[] {
  const views: DecodedView[] = [{ how: 'raw', bytes }];
  let frontier = views;
  for (let layer = 0; layer < depth; layer++) {
    const next: DecodedView[] = [];
    for (const view of frontier) {
      for (const encoding of ENCODINGS) {
        const decoded = decode(view.bytes, encoding);
        if (decoded.length > 0) next.push({ how: view.how === 'raw' ? encoding : `${view.how} > ${encoding}`, bytes: decoded });
      }
    }
    views.push(...next);
    frontier = next;
  }
  return views;
}
