/**
 * Proofs served from TileNodeSource's caches (full tiles shared across tree
 * sizes, interior nodes computed once per tile, remembered right-edge ranges)
 * must equal proofs computed without any cache, straight from the leaf
 * hashes, for random tree sizes and indices, whether the cache is cold, warm,
 * or evicting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toHex, utf8 } from '../../src/core/bytes.js';
import {
  consistencyProof,
  inclusionProof,
  nodeHash,
  rangeHash,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type NodeSource,
} from '../../src/core/merkle.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { FullTileCache, TileNodeSource, type ObjectReader } from '../../src/log/tile-reader.js';
import { TiledTree } from '../../src/log/tiled-tree.js';

/** Past 65,536 entries, so that proofs cross tile levels 0, 1 and 2, and partial tiles at each. */
const MAX_SIZE = 66_100;

interface Log {
  readonly reader: ObjectReader;
  /** Tree sizes whose partial tiles are all stored. */
  readonly sizes: readonly number[];
  /** levels[l][i]: the hash of the perfect subtree of 2^l leaves at i * 2^l, computed without tiles. */
  readonly levels: readonly (readonly Hash[])[];
  readonly leaves: readonly Hash[];
}

async function buildLog(): Promise<Log> {
  const objects = new Map<string, Uint8Array>();
  const sizes: number[] = [];
  const leaves: Hash[] = [];
  let tree = TiledTree.empty(p);
  // Uneven steps: some sizes land on tile boundaries, most inside tiles.
  const steps = [1, 1, 3, 251, 256, 1, 767, 3_000, 9_000, 40_000, 12_256, 1, 510, 53, 1];
  for (let i = 0; tree.size < MAX_SIZE; i++) {
    const n = Math.min(steps[i % steps.length]!, MAX_SIZE - tree.size);
    const grown = await tree.append(Array.from({ length: n }, (_, k) => utf8(`entry ${tree.size + k}`)));
    for (const o of grown.objects) objects.set(o.path, o.data);
    leaves.push(...grown.leafHashes);
    tree = grown.tree;
    sizes.push(tree.size);
  }
  const levels: Hash[][] = [leaves];
  while (levels[levels.length - 1]!.length > 1) {
    const below = levels[levels.length - 1]!;
    const here: Hash[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) here.push(await nodeHash(p, below[i]!, below[i + 1]!));
    levels.push(here);
  }
  return { reader: { read: async (path) => objects.get(path) }, sizes, levels, leaves };
}

/** The uncached reference: perfect subtrees from the precomputed levels, every other range hashed by core/merkle. */
function referenceSource(log: Log): NodeSource {
  return {
    node: async (level, index) => {
      const hash = log.levels[level]?.[index];
      assert.ok(hash, `reference has no node ${level}/${index}`);
      return hash;
    },
  };
}

const hex = (proof: readonly Hash[]): string[] => proof.map(toHex);
const rootOf = (log: Log, size: number): Promise<Hash> => rangeHash(p, referenceSource(log), { start: 0, end: size });
const built = buildLog();

test('cached inclusion and consistency proofs equal uncached ones for random sizes and indices', async () => {
  const log = await built;
  const reference = referenceSource(log);
  // One cache shared by every size (as for a gatekeeper's successive checkpoints), and a tiny one that keeps evicting.
  const shared = new FullTileCache();
  const tiny = new FullTileCache(4);
  const sources = new Map<number, TileNodeSource[]>();
  const sourcesFor = (size: number): TileNodeSource[] => {
    let s = sources.get(size);
    if (!s) {
      s = [new TileNodeSource(p, log.reader, size, shared), new TileNodeSource(p, log.reader, size, tiny)];
      sources.set(size, s);
    }
    return s;
  };
  const sizeAndIndex = fc
    .tuple(fc.integer({ min: 0, max: log.sizes.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }))
    .map(([s, at]) => ({ size: log.sizes[s]!, index: Math.floor(at * log.sizes[s]!) }));

  await fc.assert(
    fc.asyncProperty(sizeAndIndex, fc.boolean(), async ({ size, index }, fresh) => {
      const expected = await inclusionProof(p, reference, index, size);
      const root = await rootOf(log, size);
      const cachedSources = fresh ? [new TileNodeSource(p, log.reader, size, new FullTileCache())] : sourcesFor(size);
      for (const source of cachedSources) {
        // Twice: the first may fill the cache, the second is served from it.
        for (let round = 0; round < 2; round++) {
          const proof = await inclusionProof(p, source, index, size);
          assert.deepEqual(hex(proof), hex(expected), `inclusion proof for ${index} at size ${size}, round ${round}`);
          await verifyInclusion(p, index, size, log.leaves[index]!, proof, root);
        }
      }
      const oldSize = index + 1;
      if (oldSize < size) {
        const expectedConsistency = await consistencyProof(p, reference, oldSize, size);
        for (const source of cachedSources) {
          const proof = await consistencyProof(p, source, oldSize, size);
          assert.deepEqual(hex(proof), hex(expectedConsistency), `consistency proof ${oldSize} -> ${size}`);
          await verifyConsistency(p, oldSize, size, proof, await rootOf(log, oldSize), root);
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('a proof hash handed out is a copy: changing it does not change the cache', async () => {
  const log = await built;
  const source = new TileNodeSource(p, log.reader, MAX_SIZE, new FullTileCache());
  const first = await inclusionProof(p, source, 1234, MAX_SIZE);
  const before = hex(first);
  for (const h of first) h.fill(0);
  assert.deepEqual(hex(await inclusionProof(p, source, 1234, MAX_SIZE)), before);
});

test('a missing tile is reported, and not remembered as missing once it appears', async () => {
  const log = await built;
  let hide = true;
  const reader: ObjectReader = { read: async (path) => (hide && path === 'tile/0/005' ? undefined : log.reader.read(path)) };
  const source = new TileNodeSource(p, reader, MAX_SIZE, new FullTileCache());
  await assert.rejects(inclusionProof(p, source, 5 * 256 + 7, MAX_SIZE), /tile tile\/0\/005 is missing/);
  hide = false;
  assert.deepEqual(hex(await inclusionProof(p, source, 5 * 256 + 7, MAX_SIZE)), hex(await inclusionProof(p, referenceSource(log), 5 * 256 + 7, MAX_SIZE)));
});
