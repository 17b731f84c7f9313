/**
 * Reading a tlog-tiles log: hash tiles as a Merkle NodeSource (for proofs) and
 * entry bundles, from storage or over HTTP. A node at tree level 8L + r is the
 * root of 2^r consecutive hashes of a level-L tile (c2sp.org/tlog-tiles §Merkle Tree).
 */
import { fail } from '../core/errors.js';
import { nodeHash, type Hash, type NodeSource } from '../core/merkle.js';
import type { Primitives } from '../core/primitives.js';
import { decodeEntryBundle, decodeHashTile } from '../core/tile-data.js';
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

export class TileNodeSource implements NodeSource {
  /**
   * Tiles and interior nodes (levels not stored in any tile), kept as
   * promises so that many proofs under one checkpoint, computed at once,
   * share one read per tile and one hash per node: a tile costs at most its
   * 255 interior hashes once, not once per proof.
   */
  private readonly cache = new Map<string, Promise<Hash[]>>();
  private readonly interior = new Map<string, Promise<Hash>>();

  constructor(
    private readonly p: Primitives,
    private readonly reader: ObjectReader,
    /** The tree size the proofs are for: it decides which partial tiles exist. */
    readonly treeSize: number,
    private readonly maxCachedTiles = 4096,
  ) {}

  tile(level: number, index: number): Promise<Hash[]> {
    const width = partialTileSize(level, index, this.treeSize);
    const path = tilePath(level, index, width);
    return remember(this.cache, path, this.maxCachedTiles, async () => {
      const bytes = await this.reader.read(path);
      if (!bytes) fail('TRUNCATED', `tile ${path} is missing`);
      return decodeHashTile(bytes, width === 0 ? TILE_WIDTH : width);
    });
  }

  async node(level: number, index: number): Promise<Hash> {
    if (level % TILE_HEIGHT === 0) {
      const hashes = await this.tile(level / TILE_HEIGHT, Math.floor(index / TILE_WIDTH));
      const hash = hashes[index % TILE_WIDTH];
      if (hash === undefined) fail('TRUNCATED', `node ${level}/${index} is beyond tree size ${this.treeSize}`);
      return hash;
    }
    // RFC 6962 §2.1: an interior node is the hash of its two children.
    return remember(this.interior, `${level}/${index}`, this.maxCachedTiles * 16, async () =>
      nodeHash(this.p, await this.node(level - 1, 2 * index), await this.node(level - 1, 2 * index + 1)),
    );
  }
}

/** The cached promise for `key`, or a new one from `make`; a failure is not kept, so the next caller tries again. */
function remember<T>(cache: Map<string, Promise<T>>, key: string, max: number, make: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit) return hit;
  const made = make();
  if (cache.size >= max) cache.delete(cache.keys().next().value!);
  cache.set(key, made);
  made.catch(() => cache.delete(key));
  return made;
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
