/**
 * Reading a tlog-tiles log: hash tiles as a Merkle NodeSource (for proofs) and
 * entry bundles, from storage or over HTTP. A node at tree level 8L + r is the
 * root of 2^r consecutive hashes of a level-L tile (c2sp.org/tlog-tiles §Merkle Tree).
 */
import { fail } from '../core/errors.js';
import { HASH_SIZE, nodeHash, type Hash, type LeafRange, type NodeSource } from '../core/merkle.js';
import type { Primitives } from '../core/primitives.js';
import { decodeEntryBundle } from '../core/tile-data.js';
import { TILE_HEIGHT, TILE_WIDTH, entriesPath, partialTileSize, tilePath } from '../core/tile-paths.js';

export interface ObjectReader {
  read(path: string): Promise<Uint8Array | undefined>;
}

/** Serves tiles over HTTP from a base URL ("https://log.example/"), as any tlog-tiles client would. */
export class HttpObjectReader implements ObjectReader {
  constructor(private readonly base: string) {}

  async read(path: string): Promise<Uint8Array | undefined> {
    const url = new URL(path, this.base.endsWith('/') ? this.base : `${this.base}/`);
    const res = await fetch(url);
    if (res.status === 404) return undefined;
    if (!res.ok) fail('BAD_FORMAT', `GET ${url.pathname}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
}

/**
 * Where tile level L's node at sub-level r (tree level 8L + r, r = 0..7)
 * starts, counted in hashes, in a `TileNodes` buffer: 256 leaves of the tile,
 * then 128 parents, ..., then 2 (the tile's own root is a leaf of level L + 1).
 */
const SUB_LEVEL_OFFSET = [0, 256, 384, 448, 480, 496, 504, 508, 510] as const;
const NODES_PER_TILE = SUB_LEVEL_OFFSET[TILE_HEIGHT];

/**
 * A hash tile with every node inside it computed once: the 255 interior
 * hashes of a full tile cost one pass, then every proof through the tile is
 * a lookup. Sub-level r holds floor(width / 2^r) nodes (a partial tile's
 * incomplete pairs are not nodes of the tree).
 */
class TileNodes {
  private constructor(
    readonly width: number,
    private readonly data: Uint8Array,
  ) {}

  static async build(p: Primitives, tile: Uint8Array, width: number): Promise<TileNodes> {
    if (tile.length !== width * HASH_SIZE) fail('BAD_LENGTH', `tile: ${tile.length} bytes, expected ${width} hashes (${width * HASH_SIZE} bytes)`);
    const data = new Uint8Array(NODES_PER_TILE * HASH_SIZE);
    data.set(tile, 0);
    for (let r = 1; r < TILE_HEIGHT; r++) {
      const below = SUB_LEVEL_OFFSET[r - 1]! * HASH_SIZE;
      const here = SUB_LEVEL_OFFSET[r]! * HASH_SIZE;
      const count = Math.floor(width / 2 ** r);
      for (let j = 0; j < count; j++) {
        // RFC 6962 §2.1: an interior node is the hash of its two children.
        const left = data.subarray(below + 2 * j * HASH_SIZE, below + (2 * j + 1) * HASH_SIZE);
        const right = data.subarray(below + (2 * j + 1) * HASH_SIZE, below + (2 * j + 2) * HASH_SIZE);
        data.set(await nodeHash(p, left, right), here + j * HASH_SIZE);
      }
    }
    return new TileNodes(width, data);
  }

  /** Node j of sub-level r, as a copy (callers may keep or change it), or undefined beyond the tile's width. */
  get(r: number, j: number): Hash | undefined {
    if (j >= Math.floor(this.width / 2 ** r)) return undefined;
    const at = (SUB_LEVEL_OFFSET[r]! + j) * HASH_SIZE;
    return this.data.slice(at, at + HASH_SIZE);
  }
}

interface Slot<T> {
  readonly promise: Promise<T>;
  value?: T;
}

/**
 * A bounded map of promised values that also answers synchronously once a
 * value has arrived. Hits move an entry to the back; when full, the older
 * half is dropped in one pass (dropping one entry per insert from the front
 * of a JavaScript Map rescans its deleted slots each time, which was most of
 * the cost of proofs at 1M entries: docs/PERFORMANCE.md). A failure is not
 * kept, so the next caller tries again.
 */
class PromiseCache<T> {
  private readonly slots = new Map<string, Slot<T>>();

  constructor(private readonly max: number) {}

  peek(key: string): T | undefined {
    return this.slots.get(key)?.value;
  }

  get(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.slots.get(key);
    if (hit) {
      this.slots.delete(key);
      this.slots.set(key, hit);
      return hit.promise;
    }
    const promise = make();
    const slot: Slot<T> = { promise };
    promise.then(
      (value) => {
        slot.value = value;
      },
      () => {
        if (this.slots.get(key) === slot) this.slots.delete(key);
      },
    );
    if (this.slots.size >= this.max) this.dropOlderHalf();
    this.slots.set(key, slot);
    return promise;
  }

  private dropOlderHalf(): void {
    let drop = Math.ceil(this.slots.size / 2);
    for (const key of this.slots.keys()) {
      if (drop-- <= 0) break;
      this.slots.delete(key);
    }
  }
}

/**
 * Full tiles, with their interior nodes, read through one reader. A full
 * tile never changes once written (c2sp.org/tlog-tiles §Merkle Tree: only
 * partial tiles are replaced as the log grows), so sources for successive
 * checkpoints of one log share these and a gatekeeper's proofs for recent
 * entries find them in memory. 4096 tiles are at most 64 MiB and cover every
 * level-0 tile of a 1M-entry log.
 */
export class FullTileCache {
  private readonly tiles: PromiseCache<TileNodes>;

  constructor(maxTiles = 4096) {
    this.tiles = new PromiseCache(maxTiles);
  }

  /** The default cache of each reader, so that a new `TileNodeSource` per checkpoint does not start cold. */
  static of(reader: ObjectReader): FullTileCache {
    let cache = sharedCaches.get(reader);
    if (!cache) {
      cache = new FullTileCache();
      sharedCaches.set(reader, cache);
    }
    return cache;
  }

  peek(key: string): TileNodes | undefined {
    return this.tiles.peek(key);
  }

  get(key: string, make: () => Promise<TileNodes>): Promise<TileNodes> {
    return this.tiles.get(key, make);
  }
}

const sharedCaches = new WeakMap<ObjectReader, FullTileCache>();

/** Non-perfect ranges of one tree size kept for reuse: those of proofs end at the tree size, so there are at most ~64. */
const MAX_EDGE_RANGES = 256;

export class TileNodeSource implements NodeSource {
  /** The partial tiles (at most one per level) and the right-edge range hashes of this tree size. */
  private readonly partial = new PromiseCache<TileNodes>(64);
  private readonly edge = new Map<string, Hash>();

  constructor(
    private readonly p: Primitives,
    private readonly reader: ObjectReader,
    /** The tree size the proofs are for: it decides which partial tiles exist. */
    readonly treeSize: number,
    private readonly full: FullTileCache = FullTileCache.of(reader),
  ) {}

  /**
   * Tiles are cached under "level/index": a full tile's content is fixed, and
   * this source's partial tiles are those of its tree size. The tlog-tiles
   * path (BigInt digit groups) is built only to read a tile, so a cache hit
   * does not pay for it.
   */
  private tileNodes(level: number, index: number): Promise<TileNodes> {
    const width = partialTileSize(level, index, this.treeSize);
    const load = async (): Promise<TileNodes> => {
      const path = tilePath(level, index, width);
      const bytes = await this.reader.read(path);
      if (!bytes) fail('TRUNCATED', `tile ${path} is missing`);
      return TileNodes.build(this.p, bytes, width === 0 ? TILE_WIDTH : width);
    };
    const key = `${level}/${index}`;
    return width === 0 ? this.full.get(key, load) : this.partial.get(key, load);
  }

  /** Tree node (level, index) = node j of sub-level r of tile (level / 8, index / 2^(8 - r)). */
  private locate(level: number, index: number): { tileLevel: number; tileIndex: number; r: number; j: number } {
    const r = level % TILE_HEIGHT;
    const perTile = 2 ** (TILE_HEIGHT - r);
    return { tileLevel: (level - r) / TILE_HEIGHT, tileIndex: Math.floor(index / perTile), r, j: index % perTile };
  }

  async node(level: number, index: number): Promise<Hash> {
    const { tileLevel, tileIndex, r, j } = this.locate(level, index);
    const hash = (await this.tileNodes(tileLevel, tileIndex)).get(r, j);
    if (hash === undefined) fail('TRUNCATED', `node ${level}/${index} is beyond tree size ${this.treeSize}`);
    return hash;
  }

  cached(range: LeafRange): Hash | undefined {
    const n = range.end - range.start;
    if (n <= 0) return undefined;
    const level = Math.round(Math.log2(n));
    if (2 ** level !== n || range.start % n !== 0) return this.edge.get(`${range.start}-${range.end}`)?.slice();
    const { tileLevel, tileIndex, r, j } = this.locate(level, range.start / n);
    const key = `${tileLevel}/${tileIndex}`;
    return (partialTileSize(tileLevel, tileIndex, this.treeSize) === 0 ? this.full.peek(key) : this.partial.peek(key))?.get(r, j);
  }

  remember(range: LeafRange, hash: Hash): void {
    if (range.end !== this.treeSize || this.edge.size >= MAX_EDGE_RANGES) return;
    this.edge.set(`${range.start}-${range.end}`, hash.slice());
  }
}

/** Entry `index` of a log of `treeSize` entries, read from its entry bundle. */
export async function readEntry(reader: ObjectReader, index: number, treeSize: number): Promise<Uint8Array> {
  if (index >= treeSize) fail('BAD_FORMAT', `entry ${index} is not below tree size ${treeSize}`);
  const bundleIndex = Math.floor(index / TILE_WIDTH);
  const width = partialTileSize(0, bundleIndex, treeSize);
  const path = entriesPath(bundleIndex, width);
  const bytes = await reader.read(path);
  if (!bytes) fail('TRUNCATED', `entry bundle ${path} is missing`);
  return decodeEntryBundle(bytes, width === 0 ? TILE_WIDTH : width)[index % TILE_WIDTH]!;
}
