/**
 * The right edge of a Merkle tree (RFC 6962) as the roots of its perfect
 * subtrees, largest first: enough to append leaves and compute the root
 * without keeping the leaves. The follower extends it with entries it read
 * and compares the root with the checkpoint's, so every entry it evaluates is
 * proven to be in the signed tree. Hashing is synchronous node:crypto: this
 * is the monitor's hot path.
 */
import { createHash } from 'node:crypto';
import { fromBase64, toBase64 } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export function leafHashSync(entry: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF).update(entry).digest();
}

function nodeHashSync(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

export class CompactRange {
  private constructor(
    private sizeValue: number,
    private readonly roots: Uint8Array[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** From the stored form (JSON array of base64 roots); checks it fits the size. */
  static restore(size: number, json: string): CompactRange {
    const list: unknown = JSON.parse(json);
    if (!Array.isArray(list) || list.some((h) => typeof h !== 'string')) fail('BAD_FORMAT', 'monitor state: frontier is not a list of hashes');
    const roots = (list as string[]).map((h) => fromBase64(h, 'monitor state: frontier hash'));
    let bits = 0;
    for (let n = size; n > 0; n = Math.floor(n / 2)) bits += n % 2;
    if (roots.length !== bits) fail('MISMATCH', `monitor state: frontier has ${roots.length} hashes, size ${size} needs ${bits}`);
    return new CompactRange(size, roots);
  }

  get size(): number {
    return this.sizeValue;
  }

  clone(): CompactRange {
    return new CompactRange(this.sizeValue, [...this.roots]);
  }

  toJSON(): string {
    return JSON.stringify(this.roots.map(toBase64));
  }

  append(leafHash: Uint8Array): void {
    let h = leafHash;
    // Each trailing 1 bit of the old size is a perfect subtree the new leaf completes.
    for (let n = this.sizeValue; n % 2 === 1; n = Math.floor(n / 2)) h = nodeHashSync(this.roots.pop()!, h);
    this.roots.push(h);
    this.sizeValue++;
  }

  root(): Uint8Array {
    if (this.roots.length === 0) return createHash('sha256').digest();
    let h = this.roots[this.roots.length - 1]!;
    for (let i = this.roots.length - 2; i >= 0; i--) h = nodeHashSync(this.roots[i]!, h);
    return h;
  }
}
