import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { fromBase64, toHex } from '../../src/core/bytes.js';
import {
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../src/core/merkle.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { webCryptoPrimitives } from '../../src/core/webcrypto-primitives.js';
import { flipBit, leavesOf, memorySource } from '../support/merkle-trees.js';
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

async function outcome(run: () => Promise<void>): Promise<'ok' | 'error'> {
  try {
    await run();
    return 'ok';
  } catch {
    return 'error';
  }
}

interface InclusionCase { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean }
interface ConsistencyCase { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; wantErr: boolean }

test('every transparency-dev/merkle inclusion vector gives the expected verdict', async () => {
  const files = jsonFiles(join(TESTDATA, 'inclusion'));
  assert.equal(files.length, 98);
  for (const file of files) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as InclusionCase;
    const got = await outcome(() => verifyInclusion(p, v.leafIdx, v.treeSize, b64(v.leafHash), proofOf(v.proof), b64(v.root)));
    assert.equal(got, v.wantErr ? 'error' : 'ok', relative(TESTDATA, file));
  }
});

test('every transparency-dev/merkle consistency vector gives the expected verdict (0-size rule included)', async () => {
  const files = jsonFiles(join(TESTDATA, 'consistency'));
  assert.equal(files.length, 98);
  for (const file of files) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyCase;
    const got = await outcome(() => verifyConsistency(p, v.size1, v.size2, proofOf(v.proof), b64(v.root1), b64(v.root2)));
    assert.equal(got, v.wantErr ? 'error' : 'ok', relative(TESTDATA, file));
  }
});

interface ReferenceHashes {
  leaf_inputs_hex: string[];
  node_hashes_by_level: string[][];
  root_hashes_by_tree_size: string[];
  empty_root_hash: string;
}

test('reference-hashes.json: node hashes per level and roots for every size 0..8', async () => {
  const ref = JSON.parse(readFileSync(join(SHARED_VECTORS, 'merkle', 'reference-hashes.json'), 'utf8')) as ReferenceHashes;
  const leaves: Hash[] = [];
  for (const hex of ref.leaf_inputs_hex) leaves.push(await leafHash(p, Uint8Array.from(Buffer.from(hex, 'hex'))));
  assert.equal(ref.root_hashes_by_tree_size.length, 9);
  for (let n = 0; n < ref.root_hashes_by_tree_size.length; n++) {
    assert.equal(toHex(await rootFromLeafHashes(p, leaves.slice(0, n))), ref.root_hashes_by_tree_size[n], `root of size ${n}`);
  }
  const source = memorySource(leaves);
  for (const [level, row] of ref.node_hashes_by_level.entries()) {
    for (const [index, hex] of row.entries()) assert.equal(toHex(await source.node(level, index)), hex, `node ${level}/${index}`);
  }
  assert.equal(toHex(await emptyRoot(p)), ref.empty_root_hash);
});



test('generated proofs verify for every index and size pair up to 40', async () => {
  const leaves = await leavesOf(40);
  const source = memorySource(leaves);
  const roots: Hash[] = [];
  for (let n = 0; n <= 40; n++) roots.push(await rootFromLeafHashes(p, leaves.slice(0, n)));
  for (let n = 1; n <= 40; n++) {
    for (let i = 0; i < n; i++) await verifyInclusion(p, i, n, leaves[i]!, await inclusionProof(p, source, i, n), roots[n]!);
    for (let m = 1; m <= n; m++) await verifyConsistency(p, m, n, await consistencyProof(p, source, m, n), roots[m]!, roots[n]!);
  }
});

test('webcrypto and node primitives agree on roots', async () => {
  const leaves = await leavesOf(13);
  const a = await rootFromLeafHashes(p, leaves);
  const b = await rootFromLeafHashes(webCryptoPrimitives, leaves);
  assert.deepEqual(a, b);
  assert.equal(toHex(await emptyRoot(p)), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal((await nodeHash(p, leaves[0]!, leaves[1]!)).length, 32);
});


test('property: any tampering with an inclusion proof is rejected', async () => {
  const leaves = await leavesOf(64);
  const source = memorySource(leaves);
  const root = await rootFromLeafHashes(p, leaves);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 63 }), fc.nat(), fc.constantFrom('flip', 'truncate', 'reorder', 'extend', 'index'), async (i, r, how) => {
      const proof = await inclusionProof(p, source, i, 64);
      let bad: Uint8Array[] = proof.map((h) => Uint8Array.from(h));
      let index = i;
      if (how === 'flip') bad[r % bad.length] = flipBit(bad[r % bad.length]!, r % 256);
      if (how === 'truncate') bad = bad.slice(0, r % bad.length);
      if (how === 'reorder') bad.reverse();
      if (how === 'extend') bad.push(bad[0]!);
      if (how === 'index') index = (i + 1 + (r % 63)) % 64;
      await assert.rejects(verifyInclusion(p, index, 64, leaves[i]!, bad, root));
    }),
    { numRuns: 150 },
  );
});

test('property: tampered consistency proofs and rollbacks are rejected', async () => {
  const leaves = await leavesOf(50);
  const source = memorySource(leaves);
  const roots: Hash[] = [];
  for (let n = 0; n <= 50; n++) roots.push(await rootFromLeafHashes(p, leaves.slice(0, n)));
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 49 }), fc.integer({ min: 1, max: 49 }), fc.nat(), async (a, d, r) => {
      const m = a;
      const n = Math.min(50, a + d);
      if (m === n) return;
      const proof = await consistencyProof(p, source, m, n);
      const flipped: Uint8Array[] = proof.map((h) => Uint8Array.from(h));
      flipped[r % flipped.length] = flipBit(flipped[r % flipped.length]!, r % 256);
      await assert.rejects(verifyConsistency(p, m, n, flipped, roots[m]!, roots[n]!));
      await assert.rejects(verifyConsistency(p, m, n, proof.slice(1), roots[m]!, roots[n]!));
      await assert.rejects(verifyConsistency(p, n, m, proof, roots[n]!, roots[m]!), /rollback/);
    }),
    { numRuns: 100 },
  );
});
