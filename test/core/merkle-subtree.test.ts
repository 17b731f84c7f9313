import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { fromBase64, toHex, utf8 } from '../../src/core/bytes.js';
import { KeyholeError } from '../../src/core/errors.js';
import {
  consistencyProofRanges,
  inclusionProofRanges,
  leafHash,
  nodeHash,
  rangeHash,
  rootFromLeafHashes,
  type Hash,
  type LeafRange,
  type NodeSource,
} from '../../src/core/merkle.js';
import {
  checkSubtree,
  isValidSubtree,
  subtreeConsistencyProof,
  subtreeConsistencyProofRanges,
  subtreeHash,
  subtreeInclusionProof,
  subtreeInclusionProofRanges,
  verifySubtreeConsistency,
  verifySubtreeInclusion,
} from '../../src/core/merkle-subtree.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { SHARED_VECTORS } from '../support/shared.js';

const TESTDATA = join(SHARED_VECTORS, 'merkle', 'testdata');

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...jsonFiles(path));
    else if (name.endsWith('.json')) out.push(path);
  }
  return out;
}

const b64 = (s: string): Uint8Array => fromBase64(s);
const proofOf = (x: string[] | null): Uint8Array[] => (x ?? []).map(b64);

/** 'ok', or the KeyholeError code; anything else is a bug and is rethrown. */
async function outcome(run: () => Promise<void>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (e) {
    if (e instanceof KeyholeError) return e.code;
    throw e;
  }
}

interface SubtreeInclusionCase { leafIdx: number; start: number; end: number; root: string; leafHash: string; proof: string[] | null; desc: string; wantErr: boolean }
interface SubtreeConsistencyCase { start: number; end: number; size: number; root1: string; root2: string; proof: string[] | null; desc: string; wantErr: boolean }

// Five files hold integers above 2^53 (2^64 - 1, 2^63 + 2); JSON.parse rounds
// them, and the verifiers refuse any size or index that is not a safe integer,
// which is the expected verdict (wantErr) for all five.
async function runFolder<T extends { wantErr: boolean; desc: string }>(folder: string, expected: number, verify: (v: T) => Promise<void>): Promise<void> {
  const files = jsonFiles(join(TESTDATA, folder));
  const mismatches: string[] = [];
  let read = 0;
  for (const file of files) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as T;
    read++;
    const got = await outcome(() => verify(v));
    if ((got !== 'ok') !== v.wantErr) mismatches.push(`${relative(TESTDATA, file)} (${v.desc}): wantErr ${v.wantErr}, got ${got}`);
  }
  assert.equal(read, expected, `files read in ${folder}`);
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${read} files in ${folder} disagree`);
}

test('transparency-dev/merkle subtreeinclusion: all 204 files give their wantErr verdict', async () => {
  await runFolder<SubtreeInclusionCase>('subtreeinclusion', 204, (v) =>
    verifySubtreeInclusion(p, v.leafIdx, v.start, v.end, b64(v.leafHash), proofOf(v.proof), b64(v.root)),
  );
});

test('transparency-dev/merkle subtreeconsistency: all 118 files give their wantErr verdict', async () => {
  await runFolder<SubtreeConsistencyCase>('subtreeconsistency', 118, (v) =>
    verifySubtreeConsistency(p, v.start, v.end, v.size, proofOf(v.proof), b64(v.root1), b64(v.root2)),
  );
});

// ---------------------------------------------------------------------------
// Trees for generation tests: every perfect node precomputed.
// ---------------------------------------------------------------------------

interface Tree {
  leaves: Hash[];
  source: NodeSource;
  /** MTH(D[start:end]) for aligned ranges, memoised. */
  range(r: LeafRange): Promise<Hash>;
}

async function treeOf(leaves: Hash[]): Promise<Tree> {
  const levels: Hash[][] = [leaves];
  for (let row = leaves; row.length >= 2; ) {
    const next: Hash[] = [];
    for (let i = 0; i + 1 < row.length; i += 2) next.push(await nodeHash(p, row[i]!, row[i + 1]!));
    levels.push(next);
    row = next;
  }
  const source: NodeSource = {
    async node(level, index) {
      const h = levels[level]?.[index];
      if (!h) throw new Error(`no node ${level}/${index}`);
      return h;
    },
  };
  const memo = new Map<string, Hash>();
  return {
    leaves,
    source,
    async range(r) {
      const key = `${r.start},${r.end}`;
      let h = memo.get(key);
      if (!h) memo.set(key, (h = await rangeHash(p, source, r)));
      return h;
    },
  };
}

async function testTree(n: number): Promise<Tree> {
  const leaves: Hash[] = [];
  for (let i = 0; i < n; i++) leaves.push(await leafHash(p, utf8(`leaf ${i}`)));
  return treeOf(leaves);
}

/** Every valid subtree [start, end) with end <= max, in the draft appendix's order (end, then start). */
function* subtrees(max: number): Generator<[number, number]> {
  for (let end = 0; end <= max; end++) for (let start = 0; start <= end; start++) if (isValidSubtree(start, end)) yield [start, end];
}

// ---------------------------------------------------------------------------
// The draft's accumulated test vectors (appendix "Subtree Test Vectors"):
// leaves d[i] = the byte i, all inputs up to 130, SHA-256 over text lines.
// ---------------------------------------------------------------------------

test('draft appendix: accumulated subtree hash, inclusion proof and consistency proof vectors (sizes up to 130)', async () => {
  const leaves: Hash[] = [];
  for (let i = 0; i < 130; i++) leaves.push(await leafHash(p, Uint8Array.of(i)));
  const tree = await treeOf(leaves);
  const hexMemo = new Map<string, string>();
  const hex = async (r: LeafRange): Promise<string> => {
    const key = `${r.start},${r.end}`;
    let h = hexMemo.get(key);
    if (h === undefined) hexMemo.set(key, (h = toHex(await tree.range(r))));
    return h;
  };

  const hashes = createHash('sha256');
  for (const [start, end] of subtrees(130)) hashes.update(`[${start}, ${end}) ${toHex(await subtreeHash(p, tree.source, start, end))}\n`);
  assert.equal(hashes.digest('hex'), 'b82806ad4265bb151c1119c0f4db437bb4d1a1f887b3a7fba1cd4ebf552e3e81', 'subtree hashes');

  const inclusion = createHash('sha256');
  for (const [start, end] of subtrees(130)) {
    for (let index = start; index < end; index++) {
      let line = `${index} [${start}, ${end})`;
      for (const r of subtreeInclusionProofRanges(index, start, end)) line += ` ${await hex(r)}`;
      inclusion.update(`${line}\n`);
    }
  }
  assert.equal(inclusion.digest('hex'), 'ac2a8f989e44d99e399db448050ff5f19757df53cfb716aa81015d3955d8163f', 'subtree inclusion proofs');

  const all = [...subtrees(130)];
  const consistency = createHash('sha256');
  for (let n = 0; n <= 130; n++) {
    for (const [start, end] of all) {
      if (end > n) break; // `all` is ordered by end
      let line = `[${start}, ${end}) ${n}`;
      for (const r of subtreeConsistencyProofRanges(start, end, n)) line += ` ${await hex(r)}`;
      consistency.update(`${line}\n`);
    }
  }
  assert.equal(consistency.digest('hex'), '10fa99b37bf9bf9ffa26b412fbd98bd75363256d0b75d61bc4538b9c9c5a0a74', 'subtree consistency proofs');
});

// ---------------------------------------------------------------------------
// Validity, hashes, and the draft's identities with RFC 9162 proofs.
// ---------------------------------------------------------------------------

test('§4.1 validity: the non-empty valid subtrees are exactly the nodes of the trees of every size', () => {
  const max = 70;
  const nodes = new Set<string>();
  const walk = (start: number, end: number): void => {
    nodes.add(`${start},${end}`);
    if (end - start <= 1) return;
    const mid = start + 2 ** Math.floor(Math.log2(end - start - 1));
    walk(start, mid);
    walk(mid, end);
  };
  for (let n = 1; n <= max; n++) walk(0, n);
  const valid = new Set<string>();
  for (const [start, end] of subtrees(max)) if (start < end) valid.add(`${start},${end}`);
  assert.deepEqual([...valid].sort(), [...nodes].sort());
  for (let x = 0; x <= max; x++) assert.ok(isValidSubtree(x, x) && isValidSubtree(0, x), `[${x}, ${x}) and [0, ${x})`);
});

test('invalid subtrees and bad bounds are refused with a message naming them', async () => {
  assert.throws(() => checkSubtree(4, 9), { code: 'BAD_FORMAT', message: 'subtree [4, 9) is not valid: start 4 is not a multiple of BIT_CEIL(5) = 8' });
  assert.doesNotThrow(() => checkSubtree(8, 14)); // BIT_CEIL(6) = 8 divides 8: the right child of the tree of size 14
  assert.throws(() => checkSubtree(2, 1), { code: 'BAD_FORMAT', message: /subtree \[2, 1\) is not valid: start is after end/ });
  assert.throws(() => checkSubtree(0, 2 ** 64), { code: 'BAD_FORMAT', message: /not a non-negative safe integer/ });
  assert.equal(isValidSubtree(-1, 0), false);
  assert.equal(isValidSubtree(0.5, 1), false);
  const tree = await testTree(16);
  const proof = await subtreeInclusionProof(p, tree.source, 9, 8, 12);
  const root = await subtreeHash(p, tree.source, 8, 12);
  await assert.rejects(verifySubtreeInclusion(p, 12, 8, 12, tree.leaves[12]!, proof, root), { code: 'BAD_FORMAT', message: 'entry index 12 is outside subtree [8, 12)' });
  await assert.rejects(verifySubtreeInclusion(p, 9, 8, 12, tree.leaves[9]!, proof.slice(1), root), { code: 'BAD_LENGTH', message: 'inclusion proof has 1 hashes, expected 2' });
  await assert.rejects(verifySubtreeConsistency(p, 8, 12, 11, [], root, root), { code: 'BAD_FORMAT', message: 'subtree [8, 12) ends after tree size 11' });
  const cproof = await subtreeConsistencyProof(p, tree.source, 8, 13, 14);
  assert.equal(cproof.length, 4); // §4.4.2: d[12], d[13], [8, 12), [0, 8)
  await assert.rejects(
    verifySubtreeConsistency(p, 8, 13, 14, cproof.slice(0, 3), await subtreeHash(p, tree.source, 8, 13), await tree.range({ start: 0, end: 14 })),
    { code: 'BAD_LENGTH', message: 'subtree consistency proof for [8, 13) in tree size 14 has 3 hashes, expected 4' },
  );
});

test('§4.4.1 identities: SUBTREE_PROOF(0, m) = PROOF(m), SUBTREE_PROOF(s, s + 1) = PATH(s); subtree hash = MTH(D[start:end])', async () => {
  const tree = await testTree(40);
  for (let n = 1; n <= 40; n++) {
    for (let m = 1; m <= n; m++) assert.deepEqual(subtreeConsistencyProofRanges(0, m, n), consistencyProofRanges(m, n), `PROOF(${m}, D_${n})`);
    for (let s = 0; s < n; s++) assert.deepEqual(subtreeConsistencyProofRanges(s, s + 1, n), inclusionProofRanges(s, n), `PATH(${s}, D_${n})`);
  }
  for (const [start, end] of subtrees(40)) {
    assert.deepEqual(await subtreeHash(p, tree.source, start, end), await rootFromLeafHashes(p, tree.leaves.slice(start, end)), `[${start}, ${end})`);
  }
});

test('generated subtree proofs verify for every valid subtree, index and tree size up to 32', async () => {
  const max = 32;
  const tree = await testTree(max);
  const roots: Hash[] = [];
  for (let n = 0; n <= max; n++) roots.push(await rootFromLeafHashes(p, tree.leaves.slice(0, n)));
  for (const [start, end] of subtrees(max)) {
    const sub = await subtreeHash(p, tree.source, start, end);
    for (let i = start; i < end; i++) {
      await verifySubtreeInclusion(p, i, start, end, tree.leaves[i]!, await subtreeInclusionProof(p, tree.source, i, start, end), sub);
    }
    for (let n = end; n <= max; n++) {
      await verifySubtreeConsistency(p, start, end, n, await subtreeConsistencyProof(p, tree.source, start, end, n), sub, roots[n]!);
    }
  }
});

// ---------------------------------------------------------------------------
// Tampering.
// ---------------------------------------------------------------------------

const flipBit = (h: Uint8Array, bit: number): Uint8Array => {
  const c = Uint8Array.from(h);
  c[Math.floor(bit / 8) % c.length]! ^= 1 << (bit % 8);
  return c;
};

const SIZE = 48;
const nonEmpty = [...subtrees(SIZE)].filter(([s, e]) => s < e);

test('property: tampered subtree inclusion proofs, indices, leaves and roots are rejected', async () => {
  const tree = await testTree(SIZE);
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...nonEmpty), fc.nat(), fc.constantFrom('flip', 'truncate', 'reorder', 'extend', 'index', 'root', 'leaf'), async ([start, end], r, how) => {
      const index = start + (r % (end - start));
      const proof = await subtreeInclusionProof(p, tree.source, index, start, end);
      let root = await subtreeHash(p, tree.source, start, end);
      let bad: Hash[] = proof.map((h) => Uint8Array.from(h));
      let i = index;
      let leaf = tree.leaves[index]!;
      if (how === 'flip' || how === 'truncate' || how === 'reorder') {
        if (bad.length === 0 || (how === 'reorder' && bad.length < 2)) return;
        if (how === 'flip') bad[r % bad.length] = flipBit(bad[r % bad.length]!, r % 256);
        if (how === 'truncate') bad = bad.slice(0, r % bad.length);
        if (how === 'reorder') bad = [bad[bad.length - 1]!, ...bad.slice(0, -1)];
        if (how === 'reorder' && bad.every((h, k) => toHex(h) === toHex(proof[k]!))) return;
      }
      if (how === 'extend') bad.push(root);
      if (how === 'index') {
        if (end - start < 2) return;
        i = start + ((index - start + 1 + (r % (end - start - 1))) % (end - start));
      }
      if (how === 'root') root = flipBit(root, r % 256);
      if (how === 'leaf') leaf = flipBit(leaf, r % 256);
      await assert.rejects(verifySubtreeInclusion(p, i, start, end, leaf, bad, root));
    }),
    { numRuns: 200 },
  );
});

test('property: tampered, reordered, truncated or extended subtree consistency proofs and wrong roots are rejected', async () => {
  const tree = await testTree(SIZE);
  const roots: Hash[] = [];
  for (let n = 0; n <= SIZE; n++) roots.push(await rootFromLeafHashes(p, tree.leaves.slice(0, n)));
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...nonEmpty), fc.nat(), fc.constantFrom('flip', 'truncate', 'reorder', 'extend', 'subtreeRoot', 'treeRoot'), async ([start, end], r, how) => {
      const n = end + (r % (SIZE - end + 1));
      const proof = await subtreeConsistencyProof(p, tree.source, start, end, n);
      let sub = await subtreeHash(p, tree.source, start, end);
      let root = roots[n]!;
      let bad: Hash[] = proof.map((h) => Uint8Array.from(h));
      if (how === 'flip' || how === 'truncate' || how === 'reorder') {
        if (bad.length === 0 || (how === 'reorder' && bad.length < 2)) return;
        if (how === 'flip') bad[r % bad.length] = flipBit(bad[r % bad.length]!, r % 256);
        if (how === 'truncate') bad = bad.slice(0, r % bad.length);
        if (how === 'reorder') bad = [bad[bad.length - 1]!, ...bad.slice(0, -1)];
      }
      if (how === 'extend') bad.push(root);
      if (how === 'subtreeRoot') sub = flipBit(sub, r % 256);
      if (how === 'treeRoot') root = flipBit(root, r % 256);
      await assert.rejects(verifySubtreeConsistency(p, start, end, n, bad, sub, root));
    }),
    { numRuns: 200 },
  );
});

test('the empty subtree: consistent with any tree given an empty proof and HASH(); nothing else', async () => {
  const tree = await testTree(8);
  const empty = await subtreeHash(p, tree.source, 5, 5);
  assert.equal(toHex(empty), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.deepEqual(await subtreeConsistencyProof(p, tree.source, 5, 5, 8), []);
  await verifySubtreeConsistency(p, 5, 5, 8, [], empty, utf8('any root at all'));
  await assert.rejects(verifySubtreeConsistency(p, 5, 5, 8, [tree.leaves[0]!], empty, empty), { code: 'BAD_LENGTH' });
  await assert.rejects(verifySubtreeConsistency(p, 5, 5, 8, [], tree.leaves[0]!, empty), { code: 'MISMATCH', message: /empty subtree \[5, 5\)/ });
  await assert.rejects(verifySubtreeConsistency(p, 9, 9, 8, [], empty, empty), { code: 'BAD_FORMAT' });
  await assert.rejects(verifySubtreeInclusion(p, 5, 5, 5, tree.leaves[5]!, [], empty), { code: 'BAD_FORMAT' });
});

test('a subtree inclusion proof does not bind the subtree position: callers must authenticate (start, end, hash) together', async () => {
  // Evaluation (§4.3.2) depends only on index - start and end - start, so the
  // same entry hash, proof and subtree hash also "verify" at another aligned
  // position. The subtree hash alone says nothing about where the subtree sits.
  const tree = await testTree(8);
  const proof = await subtreeInclusionProof(p, tree.source, 1, 0, 4);
  const root = await subtreeHash(p, tree.source, 0, 4);
  await verifySubtreeInclusion(p, 1, 0, 4, tree.leaves[1]!, proof, root);
  await verifySubtreeInclusion(p, 5, 4, 8, tree.leaves[1]!, proof, root);
});
