/**
 * Every Merkle proof the log, the monitor and the workstation refuse is refused for its reason
 * (src/core/merkle.ts): a KeyholeError with the code of the check that caught it. Counting any
 * exception as a refusal would pass a verifier that crashes with a TypeError on a short proof, and
 * a crash is not a verdict (a caller that catches and retries, or maps errors, would treat it as
 * an outage rather than as evidence of a lying log).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { fromBase64 } from '../../src/core/bytes.js';
import { KeyholeError, type ErrorCode } from '../../src/core/errors.js';
import { consistencyProof, inclusionProof, rootFromLeafHashes, verifyConsistency, verifyInclusion, type Hash } from '../../src/core/merkle.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { flipBit, leavesOf, memorySource } from '../support/merkle-trees.js';
import { SHARED_VECTORS } from '../support/shared.js';

const TESTDATA = join(SHARED_VECTORS, 'merkle', 'testdata');
const REFUSALS: readonly ErrorCode[] = ['BAD_FORMAT', 'BAD_LENGTH', 'MISMATCH', 'STALE'];

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? jsonFiles(join(dir, name)) : name.endsWith('.json') ? [join(dir, name)] : []));
}

const b64 = (s: string): Uint8Array => fromBase64(s);
const proofOf = (x: string[] | null): Uint8Array[] => (x ?? []).map(b64);

/** The verdict: 'ok', or the code of a KeyholeError; anything else thrown fails the test with what it was. */
async function verdict(run: () => Promise<void>): Promise<'ok' | ErrorCode> {
  try {
    await run();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof KeyholeError, `a refusal must be a KeyholeError, got ${String(err)}`);
    return err.code;
  }
}

async function refusedWith(code: ErrorCode, run: () => Promise<void>, what: string): Promise<void> {
  assert.equal(await verdict(run), code, what);
}

interface InclusionCase { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean }
interface ConsistencyCase { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; wantErr: boolean }

test('every refused transparency-dev/merkle vector is refused with a KeyholeError, none by a crash', async () => {
  let refused = 0;
  for (const file of jsonFiles(join(TESTDATA, 'inclusion'))) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as InclusionCase;
    const got = await verdict(() => verifyInclusion(p, v.leafIdx, v.treeSize, b64(v.leafHash), proofOf(v.proof), b64(v.root)));
    if (v.wantErr) refused++;
    assert.ok(v.wantErr ? REFUSALS.includes(got as ErrorCode) : got === 'ok', `${relative(TESTDATA, file)}: ${got}`);
  }
  for (const file of jsonFiles(join(TESTDATA, 'consistency'))) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyCase;
    const got = await verdict(() => verifyConsistency(p, v.size1, v.size2, proofOf(v.proof), b64(v.root1), b64(v.root2)));
    if (v.wantErr) refused++;
    assert.ok(v.wantErr ? REFUSALS.includes(got as ErrorCode) : got === 'ok', `${relative(TESTDATA, file)}: ${got}`);
  }
  assert.ok(refused > 100, `the vectors include refusals (${refused})`);
});




test('property: a tampered inclusion proof is refused for its reason (MISMATCH, or BAD_LENGTH for a wrong number of hashes)', async () => {
  const leaves = await leavesOf(64);
  const source = memorySource(leaves);
  const root = await rootFromLeafHashes(p, leaves);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 63 }), fc.nat(), fc.constantFrom('flip', 'truncate', 'reorder', 'extend', 'index', 'short-hash'), async (i, r, how) => {
      const proof = await inclusionProof(p, source, i, 64);
      let bad: Uint8Array[] = proof.map((h) => Uint8Array.from(h));
      let index = i;
      if (how === 'flip') bad[r % bad.length] = flipBit(bad[r % bad.length]!, r % 256);
      if (how === 'truncate') bad = bad.slice(0, r % bad.length);
      if (how === 'reorder') bad.reverse();
      if (how === 'extend') bad.push(bad[0]!);
      if (how === 'index') index = (i + 1 + (r % 63)) % 64;
      if (how === 'short-hash') bad[r % bad.length] = bad[r % bad.length]!.slice(1);
      const code = how === 'truncate' || how === 'extend' || how === 'short-hash' ? 'BAD_LENGTH' : 'MISMATCH';
      await refusedWith(code, () => verifyInclusion(p, index, 64, leaves[i]!, bad, root), `${how} of the proof for leaf ${i}`);
    }),
    { numRuns: 150 },
  );
  await refusedWith('BAD_FORMAT', () => verifyInclusion(p, 64, 64, leaves[0]!, [], root), 'index past the tree');
});

test('property: tampered consistency proofs are refused for their reason, rollbacks as STALE', async () => {
  const leaves = await leavesOf(50);
  const source = memorySource(leaves);
  const roots: Hash[] = [];
  for (let n = 0; n <= 50; n++) roots.push(await rootFromLeafHashes(p, leaves.slice(0, n)));
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 49 }), fc.integer({ min: 1, max: 49 }), fc.nat(), async (m, d, r) => {
      const n = Math.min(50, m + d);
      if (m === n) return;
      const proof = await consistencyProof(p, source, m, n);
      const flipped: Uint8Array[] = proof.map((h) => Uint8Array.from(h));
      flipped[r % flipped.length] = flipBit(flipped[r % flipped.length]!, r % 256);
      await refusedWith('MISMATCH', () => verifyConsistency(p, m, n, flipped, roots[m]!, roots[n]!), `flipped ${m} -> ${n}`);
      await refusedWith('BAD_LENGTH', () => verifyConsistency(p, m, n, proof.slice(1), roots[m]!, roots[n]!), `short ${m} -> ${n}`);
      await refusedWith('BAD_LENGTH', () => verifyConsistency(p, m, n, [], roots[m]!, roots[n]!), `empty ${m} -> ${n}`);
      await refusedWith('STALE', () => verifyConsistency(p, n, m, proof, roots[n]!, roots[m]!), `rollback ${n} -> ${m}`);
    }),
    { numRuns: 100 },
  );
  await refusedWith('BAD_FORMAT', () => verifyConsistency(p, 0, 5, [], roots[0]!, roots[5]!), 'from the empty tree');
  await refusedWith('MISMATCH', () => verifyConsistency(p, 5, 5, [], roots[5]!, roots[6]!), 'two roots for one size');
});
