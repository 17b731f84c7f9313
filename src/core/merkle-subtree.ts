/**
 * Subtrees of an RFC 9162 Merkle tree, and their inclusion and consistency
 * proofs, as defined in §4 ("Subtrees") of draft-ietf-plants-merkle-tree-certs
 * (Merkle Tree Certificates; section numbers below are that draft's, editor's
 * copy after -05, where empty subtrees [x, x) are valid). transparency-dev/merkle
 * implements the same algorithms; this module passes its subtree test data and
 * the draft's accumulated test vectors (Appendix "Subtree Test Vectors").
 *
 * Leaf and node hashing, the empty-tree hash, inclusion proof evaluation and
 * range hashing are those of ./merkle.js. As there, tree sizes and indices are
 * JavaScript numbers that must be safe integers (below 2^53); bit operations
 * are done with division, never with the 32-bit `>>` operators.
 */
import { constantTimeEqual } from './bytes.js';
import { fail } from './errors.js';
import {
  HASH_SIZE,
  emptyRoot,
  inclusionProofRanges,
  nodeHash,
  rangeHash,
  rootFromInclusionProof,
  splitPoint,
  type Hash,
  type LeafRange,
  type NodeSource,
} from './merkle.js';
import type { Primitives } from './primitives.js';

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) fail('BAD_FORMAT', `${what} ${n} is not a non-negative safe integer`);
}

/** §2 BIT_CEIL(n): the smallest power of two >= n (1 for n = 0). */
function bitCeil(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

const half = (n: number): number => Math.floor(n / 2);
const lsb = (n: number): number => n % 2;

const show = (start: number, end: number): string => `[${start}, ${end})`;

/**
 * §4.1: [start, end) is a subtree iff 0 <= start <= end and start is a multiple
 * of BIT_CEIL(end - start). So [0, x) and the empty [x, x) are always valid;
 * the tree-size bound end <= n is checked by the operations that know n.
 */
export function isValidSubtree(start: number, end: number): boolean {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end) return false;
  return start % bitCeil(end - start) === 0;
}

/** Throws BAD_FORMAT naming the reason unless [start, end) is a subtree (§4.1). */
export function checkSubtree(start: number, end: number): void {
  checkSize(start, 'subtree start');
  checkSize(end, 'subtree end');
  if (start > end) fail('BAD_FORMAT', `subtree ${show(start, end)} is not valid: start is after end`);
  const c = bitCeil(end - start);
  if (start % c !== 0) fail('BAD_FORMAT', `subtree ${show(start, end)} is not valid: start ${start} is not a multiple of BIT_CEIL(${end - start}) = ${c}`);
}

function checkHashes(proof: readonly Hash[]): void {
  proof.forEach((h, i) => {
    if (h.length !== HASH_SIZE) fail('BAD_LENGTH', `proof hash ${i} is ${h.length} bytes, expected ${HASH_SIZE}`);
  });
}

function expectCount(proof: readonly Hash[], expected: number, what: string): void {
  if (proof.length !== expected) fail('BAD_LENGTH', `${what} has ${proof.length} hashes, expected ${expected}`);
}

/**
 * §4.1 MTH(D[start:end]) from the stored perfect subtrees. A valid subtree's
 * start is aligned to BIT_CEIL(end - start), which is what `rangeHash` needs;
 * the empty subtree's hash is HASH() (RFC 9162 §2.1.1).
 */
export async function subtreeHash(p: Primitives, source: NodeSource, start: number, end: number): Promise<Hash> {
  checkSubtree(start, end);
  if (start === end) return emptyRoot(p);
  return rangeHash(p, source, { start, end });
}

// ---------------------------------------------------------------------------
// §4.3 Subtree inclusion proofs
// ---------------------------------------------------------------------------

function checkIndexInSubtree(index: number, start: number, end: number): void {
  checkSubtree(start, end);
  checkSize(index, 'entry index');
  if (index < start || index >= end) fail('BAD_FORMAT', `entry index ${index} is outside subtree ${show(start, end)}`);
}

/**
 * §4.3: the subtree inclusion proof for entry `index` is the RFC 9162
 * §2.1.3.1 inclusion proof for m = index - start over D[start:end], i.e.
 * `inclusionProofRanges` shifted by `start`, as absolute leaf ranges.
 */
export function subtreeInclusionProofRanges(index: number, start: number, end: number): LeafRange[] {
  checkIndexInSubtree(index, start, end);
  return inclusionProofRanges(index - start, end - start).map((r) => ({ start: r.start + start, end: r.end + start }));
}

export async function subtreeInclusionProof(p: Primitives, source: NodeSource, index: number, start: number, end: number): Promise<Hash[]> {
  const out: Hash[] = [];
  for (const r of subtreeInclusionProofRanges(index, start, end)) out.push(await rangeHash(p, source, r));
  return out;
}

/**
 * §4.3.2 "Evaluating a Subtree Inclusion Proof": check the subtree and that
 * start <= index < end, then evaluate as RFC 9162 §2.1.3.2 with leaf_index =
 * index - start and tree_size = end - start. Returns the implied subtree hash.
 */
export async function subtreeHashFromInclusionProof(
  p: Primitives,
  index: number,
  start: number,
  end: number,
  entryHash: Hash,
  proof: readonly Hash[],
): Promise<Hash> {
  checkIndexInSubtree(index, start, end);
  return rootFromInclusionProof(p, index - start, end - start, entryHash, proof);
}

/** §4.3.3 "Verifying a Subtree Inclusion Proof". Throws unless entry `index` with `entryHash` is in the subtree [start, end) with `subtreeRoot`. */
export async function verifySubtreeInclusion(
  p: Primitives,
  index: number,
  start: number,
  end: number,
  entryHash: Hash,
  proof: readonly Hash[],
  subtreeRoot: Hash,
): Promise<void> {
  const computed = await subtreeHashFromInclusionProof(p, index, start, end, entryHash, proof);
  if (!constantTimeEqual(computed, subtreeRoot)) {
    fail('MISMATCH', `subtree inclusion proof for entry ${index} does not lead to the hash of subtree ${show(start, end)}`);
  }
}

// ---------------------------------------------------------------------------
// §4.4 Subtree consistency proofs
// ---------------------------------------------------------------------------

function checkSubtreeInTree(start: number, end: number, size: number): void {
  checkSubtree(start, end);
  checkSize(size, 'tree size');
  if (end > size) fail('BAD_FORMAT', `subtree ${show(start, end)} ends after tree size ${size}`);
}

/**
 * §4.4.1 SUBTREE_PROOF(start, end, D_n) as absolute leaf ranges, in proof
 * order. SUBTREE_PROOF(0, m, D_n) is RFC 9162 PROOF(m, D_n) and
 * SUBTREE_PROOF(s, s + 1, D_n) is PATH(s, D_n).
 */
export function subtreeConsistencyProofRanges(start: number, end: number, size: number): LeafRange[] {
  checkSubtreeInTree(start, end, size);
  if (start === end) return [];
  const out: LeafRange[] = [];
  // SUBTREE_SUBPROOF(start, end, D[offset:offset+n], b), start/end relative to offset.
  const subproof = (s: number, e: number, offset: number, n: number, b: boolean): void => {
    if (s === 0 && e === n) {
      if (!b) out.push({ start: offset, end: offset + n });
      return;
    }
    const k = splitPoint(n); // n > 1 here: the only subtree of a 1-leaf tree is [0, 1)
    if (e <= k) {
      subproof(s, e, offset, k, b);
      out.push({ start: offset + k, end: offset + n });
    } else if (k <= s) {
      subproof(s - k, e - k, offset + k, n - k, b);
      out.push({ start: offset, end: offset + k });
    } else {
      // s < k < e, which for a valid subtree implies s = 0.
      subproof(0, e - k, offset + k, n - k, false);
      out.push({ start: offset, end: offset + k });
    }
  };
  subproof(start, end, 0, size, true);
  return out;
}

export async function subtreeConsistencyProof(p: Primitives, source: NodeSource, start: number, end: number, size: number): Promise<Hash[]> {
  const out: Hash[] = [];
  for (const r of subtreeConsistencyProofRanges(start, end, size)) out.push(await rangeHash(p, source, r));
  return out;
}

/** One proof hash of §4.4.3 step 7: hashed on the left (into sr, and into fr while fn < sn) or on the right (into sr only). */
interface ConsistencyStep {
  readonly left: boolean;
  readonly intoSubtree: boolean;
}

/**
 * §4.4.3 steps 3 to 7 run on the numbers fn, sn, tn alone: whether the first
 * proof hash is the starting node (step 6) and what each further hash is for.
 * Knowing the proof length up front lets a wrong length fail with a message;
 * it fails exactly when the draft's "tn is 0" / "tn is not 0" checks would.
 */
function consistencyPlan(start: number, end: number, size: number): { seedInProof: boolean; steps: ConsistencyStep[] } {
  let fn = start;
  let sn = end - 1;
  let tn = size - 1;
  const shift = (): void => {
    fn = half(fn);
    sn = half(sn);
    tn = half(tn);
  };
  // Steps 3-4: climb to the starting node.
  if (sn === tn) {
    while (fn !== sn) shift();
  } else {
    while (fn !== sn && lsb(sn) === 1) shift();
  }
  const seedInProof = fn !== sn; // step 5 (seed = node_hash) or step 6 (seed = first proof hash)
  const steps: ConsistencyStep[] = [];
  while (tn !== 0) {
    if (lsb(sn) === 1 || sn === tn) {
      steps.push({ left: true, intoSubtree: fn < sn });
      while (lsb(sn) === 0) shift(); // sn > 0 here, since sn = tn = 0 ended the loop
    } else {
      steps.push({ left: false, intoSubtree: false });
    }
    shift();
  }
  return { seedInProof, steps };
}

/**
 * §4.4.3 "Verifying a Subtree Consistency Proof". Throws unless the subtree
 * [start, end) with hash `subtreeRoot` is consistent with the tree of `size`
 * leaves with root `treeRoot`.
 *
 * An empty subtree is consistent with every tree: its proof must be empty and
 * its hash must be HASH(), and `treeRoot` is not looked at (step 2). Root and
 * subtree hashes are only compared, never length-checked: a subtree [0, n) of
 * the tree of size n needs an empty proof and subtreeRoot == treeRoot.
 */
export async function verifySubtreeConsistency(
  p: Primitives,
  start: number,
  end: number,
  size: number,
  proof: readonly Hash[],
  subtreeRoot: Hash,
  treeRoot: Hash,
): Promise<void> {
  checkSubtreeInTree(start, end, size); // step 1
  if (start === end) {
    // Step 2.
    expectCount(proof, 0, `consistency proof for the empty subtree ${show(start, end)}`);
    if (!constantTimeEqual(subtreeRoot, await emptyRoot(p))) {
      fail('MISMATCH', `the hash of the empty subtree ${show(start, end)} is not HASH() of the empty string`);
    }
    return;
  }
  const plan = consistencyPlan(start, end, size);
  expectCount(proof, (plan.seedInProof ? 1 : 0) + plan.steps.length, `subtree consistency proof for ${show(start, end)} in tree size ${size}`);
  checkHashes(proof);

  const rest = plan.seedInProof ? proof.slice(1) : proof;
  let fr = plan.seedInProof ? proof[0]! : subtreeRoot;
  let sr = fr;
  for (const [i, step] of plan.steps.entries()) {
    const c = rest[i]!;
    if (step.left) {
      if (step.intoSubtree) fr = await nodeHash(p, c, fr);
      sr = await nodeHash(p, c, sr);
    } else {
      sr = await nodeHash(p, sr, c);
    }
  }
  // Step 8 (tn = 0 holds by construction of the plan).
  if (!constantTimeEqual(fr, subtreeRoot)) {
    fail('MISMATCH', `subtree consistency proof does not lead to the hash of subtree ${show(start, end)}`);
  }
  if (!constantTimeEqual(sr, treeRoot)) {
    fail('MISMATCH', `subtree consistency proof does not lead to the root of tree size ${size}`);
  }
}
