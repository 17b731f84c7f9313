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
  private readonly cache = new Map<string, Hash[]>();
  /**
   * Interior nodes computed from tiles (levels not stored in any tile), so
   * that proofs for many entries under one checkpoint share the work: a tile
   * costs at most its 255 interior hashes once, not once per proof.
   */
  private readonly interior = new Map<string, Hash>();

  constructor(
    private readonly p: Primitives,
    private readonly reader: ObjectReader,
    /** The tree size the proofs are for: it decides which partial tiles exist. */
    readonly treeSize: number,
    private readonly maxCachedTiles = 4096,
  ) {}

  async tile(level: number, index: number): Promise<Hash[]> {
    const width = partialTileSize(level, index, this.treeSize);
    const path = tilePath(level, index, width);
    const hit = this.cache.get(path);
    if (hit) return hit;
    const bytes = await this.reader.read(path);
    if (!bytes) fail('TRUNCATED', `tile ${path} is missing`);
    const hashes = decodeHashTile(bytes, width === 0 ? TILE_WIDTH : width);
    if (this.cache.size >= this.maxCachedTiles) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(path, hashes);
    return hashes;
  }

  async node(level: number, index: number): Promise<Hash> {
    if (level % TILE_HEIGHT === 0) {
      const hashes = await this.tile(level / TILE_HEIGHT, Math.floor(index / TILE_WIDTH));
      const hash = hashes[index % TILE_WIDTH];
      if (hash === undefined) fail('TRUNCATED', `node ${level}/${index} is beyond tree size ${this.treeSize}`);
      return hash;
    }
    const key = `${level}/${index}`;
    const hit = this.interior.get(key);
    if (hit) return hit;
    // RFC 6962 §2.1: an interior node is the hash of its two children.
    const hash = await nodeHash(this.p, await this.node(level - 1, 2 * index), await this.node(level - 1, 2 * index + 1));
    if (this.interior.size >= this.maxCachedTiles * 16) this.interior.delete(this.interior.keys().next().value!);
    this.interior.set(key, hash);
    return hash;
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
