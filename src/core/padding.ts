/**
 * Size buckets for sealed items. Lengths are padded with Padmé (Nikitin et
 * al., "Reducing Metadata Leakage from Encrypted Files and Communication with
 * PURBs", PoPETs 2019, §4): at most 12% overhead, and a length leaks only
 * O(log log L) bits. Everything up to MIN_BUCKET looks the same.
 */
import { fail } from './errors.js';

export const MIN_BUCKET = 1024;
/** Items are for humans to read; 1 GiB is far beyond any real one. */
export const MAX_BUCKET = 1 << 30;

/** The bucket (padded length) for `length` bytes. */
export function bucketFor(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) fail('BAD_LENGTH', `cannot pad a length of ${length}`);
  if (length <= MIN_BUCKET) return MIN_BUCKET;
  const e = Math.floor(Math.log2(length));
  const s = Math.floor(Math.log2(e)) + 1;
  const step = 2 ** (e - s);
  const bucket = Math.ceil(length / step) * step;
  if (bucket > MAX_BUCKET) fail('BAD_LENGTH', `an item of ${length} bytes is over the ${MAX_BUCKET}-byte limit`);
  return bucket;
}

/** True when `bucket` is a value bucketFor can return, so a header cannot claim an odd size. */
export function isBucket(bucket: number): boolean {
  if (!Number.isSafeInteger(bucket) || bucket < MIN_BUCKET || bucket > MAX_BUCKET) return false;
  return bucketFor(bucket) === bucket;
}
