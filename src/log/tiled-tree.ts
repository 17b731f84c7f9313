/**
 * The right edge of a tlog-tiles tree: for each tile level, the hashes of the
 * current incomplete tile, plus the entries of the incomplete entry bundle.
 * That is all a writer needs to append, to compute the root, and to know which
 * tiles and bundles to write (c2sp.org/tlog-tiles §Merkle Tree: a tile at
 * level L holds complete nodes of tree level 8L only; partial tiles carry
 * their width in the path).
 */
import { fail } from '../core/errors.js';
import { emptyRoot, leafHash, nodeHash, rootFromLeafHashes, type Hash } from '../core/merkle.js';
import type { Primitives } from '../core/primitives.js';
import { decodeEntryBundle, decodeHashTile, encodeEntryBundle, encodeHashTile } from '../core/tile-data.js';
import { TILE_WIDTH, entriesPath, tilePath } from '../core/tile-paths.js';
import type { StorageDriver, StoredObject } from './storage.js';

export interface TreeGrowth {
  readonly tree: TiledTree;
  /** The tiles and entry bundles that the new size needs, to be made durable before the size is committed. */
  readonly objects: readonly StoredObject[];
  /** Leaf hashes of the appended entries, in order. */
  readonly leafHashes: readonly Hash[];
}

export class TiledTree {
  private constructor(
    private readonly p: Primitives,
    readonly size: number,
    /** edges[L]: hashes of the complete tree-level-8L nodes in the last, incomplete tile of tile level L. */
    private readonly edges: readonly (readonly Hash[])[],
    private readonly bundleEdge: readonly Uint8Array[],
  ) {}

  static empty(p: Primitives): TiledTree {
    return new TiledTree(p, 0, [], []);
  }

  /** Rebuilds the edge of a committed tree of `size` from its stored partial tiles and bundle. */
  static async load(p: Primitives, storage: StorageDriver, size: number): Promise<TiledTree> {
    const edges: Hash[][] = [];
    for (let level = 0, nodes = size; nodes > 0; level++, nodes = Math.floor(nodes / TILE_WIDTH)) {
      const width = nodes % TILE_WIDTH;
      if (width === 0) {
        edges.push([]);
        continue;
      }
      const path = tilePath(level, Math.floor(nodes / TILE_WIDTH), width);
      const bytes = await storage.read(path);
      if (!bytes) fail('TRUNCATED', `log state says size ${size} but ${path} is missing`);
      edges.push(decodeHashTile(bytes, width));
    }
    let bundleEdge: Uint8Array[] = [];
    const bundleWidth = size % TILE_WIDTH;
    if (bundleWidth > 0) {
      const path = entriesPath(Math.floor(size / TILE_WIDTH), bundleWidth);
      const bytes = await storage.read(path);
      if (!bytes) fail('TRUNCATED', `log state says size ${size} but ${path} is missing`);
      bundleEdge = decodeEntryBundle(bytes, bundleWidth);
    }
    return new TiledTree(p, size, edges, bundleEdge);
  }

  /** RFC 6962 root: the right fold of the compact range (perfect subtrees, largest first). */
  async root(): Promise<Hash> {
    const range: Hash[] = [];
    for (let level = this.edges.length - 1; level >= 0; level--) {
      const edge = this.edges[level]!;
      let pos = 0;
      for (let width = TILE_WIDTH / 2; width >= 1; width /= 2) {
        if ((edge.length & width) === 0) continue;
        range.push(await rootFromLeafHashes(this.p, edge.slice(pos, pos + width)));
        pos += width;
      }
    }
    if (range.length === 0) return emptyRoot(this.p);
    let root = range[range.length - 1]!;
    for (let i = range.length - 2; i >= 0; i--) root = await nodeHash(this.p, range[i]!, root);
    return root;
  }

  /** The tree with `entries` appended and the objects to store for it; this tree is unchanged. */
  async append(entries: readonly Uint8Array[]): Promise<TreeGrowth> {
    const edges = this.edges.map((e) => [...e]);
    const bundle = [...this.bundleEdge];
    const objects: StoredObject[] = [];
    const touched = new Set<number>();
    const leafHashes: Hash[] = [];
    let size = this.size;

    const addNode = async (level: number, hash: Hash, nodeIndex: number): Promise<void> => {
      while (edges.length <= level) edges.push([]);
      const edge = edges[level]!;
      edge.push(hash);
      touched.add(level);
      if (edge.length === TILE_WIDTH) {
        const tileIndex = Math.floor(nodeIndex / TILE_WIDTH);
        objects.push({ path: tilePath(level, tileIndex, 0), data: encodeHashTile(edge) });
        const parent = await rootFromLeafHashes(this.p, edge);
        edges[level] = [];
        touched.delete(level);
        await addNode(level + 1, parent, tileIndex);
      }
    };

    for (const entry of entries) {
      const h = await leafHash(this.p, entry);
      leafHashes.push(h);
      bundle.push(entry);
      if (bundle.length === TILE_WIDTH) {
        objects.push({ path: entriesPath(Math.floor(size / TILE_WIDTH), 0), data: encodeEntryBundle(bundle) });
        bundle.length = 0;
      }
      await addNode(0, h, size);
      size++;
    }
    if (bundle.length > 0 && entries.length > 0) {
      objects.push({ path: entriesPath(Math.floor(size / TILE_WIDTH), bundle.length), data: encodeEntryBundle(bundle) });
    }
    for (const level of touched) {
      const edge = edges[level]!;
      const nodes = Math.floor(size / TILE_WIDTH ** level);
      objects.push({ path: tilePath(level, Math.floor(nodes / TILE_WIDTH), edge.length), data: encodeHashTile(edge) });
    }
    return { tree: new TiledTree(this.p, size, edges, bundle), objects, leafHashes };
  }
}
