/**
 * The bytes of tlog-tiles resources (c2sp.org/tlog-tiles):
 *
 *   hash tile    = the 32-byte hashes of up to 256 consecutive tree nodes, concatenated
 *   entry bundle = (uint16_be(length) || entry)*, up to 256 entries of at most 65535 bytes
 */
import { concat } from './bytes.js';
import { fail } from './errors.js';
import { HASH_SIZE } from './merkle.js';
import { TILE_WIDTH } from './tile-paths.js';

export const MAX_ENTRY_BYTES = 0xffff;

export function encodeHashTile(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0 || hashes.length > TILE_WIDTH) fail('BAD_LENGTH', `tile: ${hashes.length} hashes, expected 1..${TILE_WIDTH}`);
  return concat(...hashes);
}

/** Splits a hash tile, which must hold exactly `width` hashes. */
export function decodeHashTile(bytes: Uint8Array, width: number): Uint8Array[] {
  if (bytes.length !== width * HASH_SIZE) fail('BAD_LENGTH', `tile: ${bytes.length} bytes, expected ${width} hashes (${width * HASH_SIZE} bytes)`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < width; i++) out.push(bytes.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return out;
}

export function checkEntrySize(entry: Uint8Array): void {
  if (entry.length > MAX_ENTRY_BYTES) fail('BAD_LENGTH', `entry is ${entry.length} bytes, over the bundle limit of ${MAX_ENTRY_BYTES}`);
}

export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length === 0 || entries.length > TILE_WIDTH) fail('BAD_LENGTH', `entry bundle: ${entries.length} entries, expected 1..${TILE_WIDTH}`);
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    checkEntrySize(e);
    parts.push(new Uint8Array([e.length >> 8, e.length & 0xff]), e);
  }
  return concat(...parts);
}

/** Splits an entry bundle, which must hold exactly `count` entries and nothing after them. */
export function decodeEntryBundle(bytes: Uint8Array, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (o + 2 > bytes.length) fail('TRUNCATED', `entry bundle: truncated length prefix at byte ${o}`);
    const len = (bytes[o]! << 8) | bytes[o + 1]!;
    o += 2;
    if (o + len > bytes.length) fail('TRUNCATED', `entry bundle: entry ${out.length} needs ${len} bytes, ${bytes.length - o} left`);
    out.push(bytes.slice(o, o + len));
    o += len;
    if (out.length > count) fail('TRAILING_DATA', `entry bundle: more than the expected ${count} entries`);
  }
  if (out.length !== count) fail('TRUNCATED', `entry bundle: ${out.length} entries, expected ${count}`);
  return out;
}
