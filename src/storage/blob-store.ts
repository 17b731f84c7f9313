/**
 * Where the hub keeps opaque blobs (sealed items, lab-only sections): a flat
 * namespace of slash-separated keys. Every implementation holds ciphertext
 * only and never a key; they differ in where the bytes live (a directory, an
 * S3 bucket), not in what they promise.
 */
import { fail } from '../core/errors.js';

export interface BlobStore {
  /** Human-readable location, for startup messages (never contains credentials). */
  readonly location: string;
  /**
   * Stores `data` under `key` so that, when the promise resolves, the blob is
   * whole and durable; a concurrent reader sees the old bytes or the new ones,
   * never a mix.
   */
  put(key: string, data: Uint8Array): Promise<void>;
  /** The blob's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * The blob's bytes (or those of `range`) as a stream, or undefined when
   * there is none: what the hub sends a client without holding a large item
   * in memory. A range past the blob's end is cut at the end.
   */
  stream(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | undefined>;
}

/** Bytes `start` to `end` of a blob, both inclusive, as in an HTTP Range header (RFC 9110 §14.1.2). */
export interface ByteRange {
  start: number;
  end: number;
}

/** One key segment: the same alphabet as core's Identifier, so no "..", no leading dot, no slash. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_SEGMENTS = 8;

/**
 * Refuses any key that could leave the store's root or alias another key
 * (absolute paths, "..", empty segments, backslashes), before any I/O.
 */
export function checkBlobKey(key: string): string {
  const segments = key.split('/');
  if (segments.length === 0 || segments.length > MAX_SEGMENTS || !segments.every((s) => SEGMENT.test(s))) {
    fail('BAD_FORMAT', `blob key "${key.slice(0, 80)}" is not 1-${MAX_SEGMENTS} segments of A-Z a-z 0-9 . _ - (no "..", no leading dot)`);
  }
  return key;
}
