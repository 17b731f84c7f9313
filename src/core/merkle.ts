/**
 * RFC 6962 §2.1 Merkle tree hashing, and inclusion and consistency proofs:
 * generation (RFC 6962 §2.1.1 PATH and §2.1.2 PROOF/SUBPROOF) and verification
 * (RFC 9162 §2.1.3.2 and §2.1.4.2, in the chained form used by
 * transparency-dev/merkle, whose test data this module passes).
 *
 * Tree sizes and indices are JavaScript numbers and must be safe integers
 * (below 2^53); bit arithmetic is done with division, never with the 32-bit
 * `>>` operators.
 */
import { concat, constantTimeEqual } from './bytes.js';
import { fail } from './errors.js';
import type { Primitives } from './primitives.js';

export const HASH_SIZE = 32;
const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

export type Hash = Uint8Array;

/** RFC 6962 §2.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function leafHash(p: Primitives, entry: Uint8Array): Promise<Hash> {
  return p.sha256(concat(LEAF_PREFIX, entry));
}

/** RFC 6962 §2.1: interior node SHA-256(0x01 || left || right). */
export function nodeHash(p: Primitives, left: Hash, right: Hash): Promise<Hash> {
  return p.sha256(concat(NODE_PREFIX, left, right));
}

/** RFC 6962 §2.1: the hash of the empty tree is SHA-256 of the empty string. */
export function emptyRoot(p: Primitives): Promise<Hash> {
  return p.sha256(new Uint8Array(0));
}

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) fail('BAD_FORMAT', `${what} ${n} is not a non-negative safe integer`);
}

/** The largest power of two strictly smaller than n (n >= 2): the split point k of RFC 6962 §2.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Bit i of n, for n up to 2^53. */
function bit(n: number, i: number): number {
  return Math.floor(n / 2 ** i) % 2;
}

function bitLength(n: number): number {
  return n === 0 ? 0 : BigInt(n).toString(2).length;
}

function popCount(n: number): number {
  let c = 0;
  for (const ch of BigInt(n).toString(2)) if (ch === '1') c++;
  return c;
}

function trailingZeros(n: number): number {
  let z = 0;
  while (n > 0 && bit(n, z) === 0) z++;
  return z;
}

/**
 * MTH of a list of leaf hashes, RFC 6962 §2.1, computed left to right with a
 * stack of perfect subtrees (the compact range), O(n) hashes and O(log n) memory.
 */
export async function rootFromLeafHashes(p: Primitives, leaves: readonly Hash[]): Promise<Hash> {
  if (leaves.length === 0) return emptyRoot(p);
  const stack: { hash: Hash; size: number }[] = [];
  for (const leaf of leaves) {
    let node = { hash: leaf, size: 1 };
    while (stack.length > 0 && stack[stack.length - 1]!.size === node.size) {
      const left = stack.pop()!;
      node = { hash: await nodeHash(p, left.hash, node.hash), size: node.size * 2 };
    }
    stack.push(node);
  }
  let root = stack.pop()!.hash;
  while (stack.length > 0) root = await nodeHash(p, stack.pop()!.hash, root);
  return root;
}

/** A half-open range of leaves [start, end) whose MTH is one element of a proof. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/**
 * RFC 6962 §2.1.1 PATH(m, D[n]) as the list of leaf ranges whose MTH make up
 * the audit path, leaf's sibling first. Each range starts at a multiple of
 * the largest power of two not above its length, so it decomposes into
 * stored perfect subtrees (see `rangeHash`).
 */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  checkSize(index, 'leaf index');
  checkSize(size, 'tree size');
  if (index >= size) fail('BAD_FORMAT', `leaf index ${index} is not below tree size ${size}`);
  const out: LeafRange[] = [];
  const path = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, start, start + k);
      out.push({ start: start + k, end });
    } else {
      path(m - k, start + k, end);
      out.push({ start, end: start + k });
    }
  };
  path(index, 0, size);
  return out;
}

/** RFC 6962 §2.1.2 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as leaf ranges. */
export function consistencyProofRanges(oldSize: number, newSize: number): LeafRange[] {
  checkSize(oldSize, 'old tree size');
  checkSize(newSize, 'new tree size');
  if (oldSize > newSize) fail('BAD_FORMAT', `old tree size ${oldSize} is larger than new tree size ${newSize}`);
  // A proof from the empty tree, or between equal sizes, is empty (RFC 9162 §2.1.4.1).
  if (oldSize === 0 || oldSize === newSize) return [];
  const out: LeafRange[] = [];
  const subproof = (m: number, start: number, end: number, complete: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!complete) out.push({ start, end });
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, start + k, complete);
      out.push({ start: start + k, end });
    } else {
      subproof(m - k, start + k, end, false);
      out.push({ start, end: start + k });
    }
  };
  subproof(oldSize, 0, newSize, true);
  return out;
}

/** Where proof generation reads the hash of the perfect subtree at (level, index): leaves index*2^level .. (index+1)*2^level - 1. */
export interface NodeSource {
  node(level: number, index: number): Promise<Hash>;
  /**
   * Optional fast path: MTH(D[start:end]) for a range as in `rangeHash` when
   * the source already holds it in memory, else undefined. A cached proof
   * then costs lookups, not a promise per hash.
   */
  cached?(range: LeafRange): Hash | undefined;
  /** Optional: keeps a computed range that is not a stored perfect subtree (the right edge, shared by every proof for one tree size). */
  remember?(range: LeafRange, hash: Hash): void;
}

/** MTH(D[start:end]) from perfect subtrees; `start` must be aligned as in the ranges above. */
export async function rangeHash(p: Primitives, source: NodeSource, range: LeafRange): Promise<Hash> {
  const n = range.end - range.start;
  if (n <= 0) fail('BAD_FORMAT', `empty leaf range [${range.start}, ${range.end})`);
  const level = bitLength(n) - 1;
  if (2 ** level === n && range.start % n === 0) return source.node(level, range.start / n);
  const k = splitPoint(n);
  const left = await proofHash(p, source, { start: range.start, end: range.start + k });
  const right = await proofHash(p, source, { start: range.start + k, end: range.end });
  const hash = await nodeHash(p, left, right);
  source.remember?.(range, hash);
  return hash;
}

/** The range's hash from the source's memory when it has it, else computed. */
function proofHash(p: Primitives, source: NodeSource, range: LeafRange): Hash | Promise<Hash> {
  return source.cached?.(range) ?? rangeHash(p, source, range);
}

export async function inclusionProof(p: Primitives, source: NodeSource, index: number, size: number): Promise<Hash[]> {
  const out: Hash[] = [];
  for (const r of inclusionProofRanges(index, size)) {
    const hash = proofHash(p, source, r);
    out.push(hash instanceof Uint8Array ? hash : await hash);
  }
  return out;
}

export async function consistencyProof(p: Primitives, source: NodeSource, oldSize: number, newSize: number): Promise<Hash[]> {
  const out: Hash[] = [];
  for (const r of consistencyProofRanges(oldSize, newSize)) out.push(await proofHash(p, source, r));
  return out;
}

/** RFC 9162 §2.1.3.2: an inclusion proof has inner + border hashes. */
function decomposeInclusion(index: number, size: number): { inner: number; border: number } {
  const inner = bitLength(Number(BigInt(index) ^ BigInt(size - 1)));
  const border = popCount(Math.floor(index / 2 ** inner));
  return { inner, border };
}

function checkProofHashes(proof: readonly Hash[]): void {
  proof.forEach((h, i) => {
    if (h.length !== HASH_SIZE) fail('BAD_LENGTH', `proof hash ${i} is ${h.length} bytes, expected ${HASH_SIZE}`);
  });
}

async function chainInner(p: Primitives, seed: Hash, proof: readonly Hash[], index: number): Promise<Hash> {
  let h = seed;
  for (let i = 0; i < proof.length; i++) {
    h = bit(index, i) === 0 ? await nodeHash(p, h, proof[i]!) : await nodeHash(p, proof[i]!, h);
  }
  return h;
}

async function chainInnerRight(p: Primitives, seed: Hash, proof: readonly Hash[], index: number): Promise<Hash> {
  let h = seed;
  for (let i = 0; i < proof.length; i++) if (bit(index, i) === 1) h = await nodeHash(p, proof[i]!, h);
  return h;
}

async function chainBorderRight(p: Primitives, seed: Hash, proof: readonly Hash[]): Promise<Hash> {
  let h = seed;
  for (const x of proof) h = await nodeHash(p, x, h);
  return h;
}

/** RFC 9162 §2.1.3.2: the root implied by an inclusion proof. Throws when the proof has the wrong shape. */
export async function rootFromInclusionProof(p: Primitives, index: number, size: number, leaf: Hash, proof: readonly Hash[]): Promise<Hash> {
  checkSize(index, 'leaf index');
  checkSize(size, 'tree size');
  if (index >= size) fail('BAD_FORMAT', `leaf index ${index} is not below tree size ${size}`);
  if (leaf.length !== HASH_SIZE) fail('BAD_LENGTH', `leaf hash is ${leaf.length} bytes, expected ${HASH_SIZE}`);
  const { inner, border } = decomposeInclusion(index, size);
  if (proof.length !== inner + border) {
    fail('BAD_LENGTH', `inclusion proof has ${proof.length} hashes, expected ${inner + border}`);
  }
  checkProofHashes(proof);
  const h = await chainInner(p, leaf, proof.slice(0, inner), index);
  return chainBorderRight(p, h, proof.slice(inner));
}

/** RFC 9162 §2.1.3.2. Throws MISMATCH (or the shape error) unless `leaf` is at `index` in the tree with `root`. */
export async function verifyInclusion(p: Primitives, index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): Promise<void> {
  const computed = await rootFromInclusionProof(p, index, size, leaf, proof);
  if (!constantTimeEqual(computed, root)) fail('MISMATCH', `inclusion proof for leaf ${index} does not lead to the root of tree size ${size}`);
}

/**
 * RFC 9162 §2.1.4.2. Throws unless the tree of `newSize` with `newRoot` extends
 * the tree of `oldSize` with `oldRoot`. A proof from size 0 is refused: any tree
 * extends the empty tree, so such a proof proves nothing (transparency-dev/merkle
 * rule, 0 -> 0 included; see the shared vectors' README note 2); equal sizes need equal roots and
 * an empty proof.
 */
export async function verifyConsistency(
  p: Primitives,
  oldSize: number,
  newSize: number,
  proof: readonly Hash[],
  oldRoot: Hash,
  newRoot: Hash,
): Promise<void> {
  checkSize(oldSize, 'old tree size');
  checkSize(newSize, 'new tree size');
  if (newSize < oldSize) fail('STALE', `new tree size ${newSize} is smaller than old tree size ${oldSize} (rollback)`);
  if (oldSize === 0) fail('BAD_FORMAT', 'a consistency proof from the empty tree proves nothing and is refused');
  if (oldSize === newSize) {
    if (!constantTimeEqual(oldRoot, newRoot)) fail('MISMATCH', `two different roots for the same tree size ${oldSize}`);
    if (proof.length > 0) fail('BAD_LENGTH', `consistency proof between equal sizes has ${proof.length} hashes, expected 0`);
    return;
  }
  if (proof.length === 0) fail('BAD_LENGTH', `consistency proof from ${oldSize} to ${newSize} is empty`);
  checkProofHashes(proof);

  const decomposed = decomposeInclusion(oldSize - 1, newSize);
  const shift = trailingZeros(oldSize);
  const inner = decomposed.inner - shift;
  // When oldSize is a power of two its root is itself a node of the new tree
  // and is not repeated in the proof (RFC 9162 §2.1.4.1 SUBPROOF with b = true).
  const oldIsPerfect = oldSize === 2 ** shift;
  const seed = oldIsPerfect ? oldRoot : proof[0]!;
  const start = oldIsPerfect ? 0 : 1;
  const expected = start + inner + decomposed.border;
  if (proof.length !== expected) fail('BAD_LENGTH', `consistency proof has ${proof.length} hashes, expected ${expected}`);
  const rest = proof.slice(start);
  const mask = Math.floor((oldSize - 1) / 2 ** shift);

  let h1 = await chainInnerRight(p, seed, rest.slice(0, inner), mask);
  h1 = await chainBorderRight(p, h1, rest.slice(inner));
  if (!constantTimeEqual(h1, oldRoot)) fail('MISMATCH', `consistency proof does not lead to the old root (size ${oldSize})`);
  let h2 = await chainInner(p, seed, rest.slice(0, inner), mask);
  h2 = await chainBorderRight(p, h2, rest.slice(inner));
  if (!constantTimeEqual(h2, newRoot)) fail('MISMATCH', `consistency proof does not lead to the new root (size ${newSize})`);
}
