/**
 * C2SP tlog-tiles path encoding (c2sp.org/tlog-tiles §Merkle Tree, §Log Entries):
 *
 *   tile/<L>/<N>[.p/<W>]        a tile of 256 hashes at tile level L (tree level 8L)
 *   tile/entries/<N>[.p/<W>]    an entry bundle of up to 256 entries
 *
 * <N> is the index as 3-digit zero-padded groups, each group but the last
 * prefixed with "x" (1234067 -> x001/x234/067). <W> (1..255) is the width of a
 * partial tile; full tiles have no suffix. Indices are bigints in the parser
 * because tile indices go up to 2^56 at level 0.
 */
import { fail } from './errors.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** tlog-tiles: L is at most 63. */
const MAX_LEVEL = 63;
/** At most six 3-digit groups (indices below 10^18). */
const MAX_GROUPS = 6;

function checkPartial(partial: number): void {
  if (!Number.isInteger(partial) || partial < 0 || partial >= TILE_WIDTH) fail('BAD_FORMAT', `tile: partial width ${partial} is not in 0..255`);
}

/** <N>[.p/<W>] for an index and partial width (0 = full tile). */
export function nWithSuffix(index: number | bigint, partial: number): string {
  checkPartial(partial);
  let n = BigInt(index);
  if (n < 0n) fail('BAD_FORMAT', `tile: negative index ${n}`);
  let path = (n % 1000n).toString().padStart(3, '0');
  n /= 1000n;
  while (n > 0n) {
    path = `x${(n % 1000n).toString().padStart(3, '0')}/${path}`;
    n /= 1000n;
  }
  return partial > 0 ? `${path}.p/${partial}` : path;
}

export function tilePath(level: number, index: number | bigint, partial: number): string {
  if (!Number.isInteger(level) || level < 0 || level > MAX_LEVEL) fail('BAD_FORMAT', `tile: level ${level} is not in 0..${MAX_LEVEL}`);
  return `tile/${level}/${nWithSuffix(index, partial)}`;
}

export function entriesPath(index: number | bigint, partial: number): string {
  return `tile/entries/${nWithSuffix(index, partial)}`;
}

/** Width of tile (level, index) in a tree of logSize leaves: 0 when the tile is full. */
export function partialTileSize(level: number, index: number, logSize: number): number {
  const sizeAtLevel = Math.floor(logSize / 2 ** (TILE_HEIGHT * level));
  const fullTiles = Math.floor(sizeAtLevel / TILE_WIDTH);
  return index < fullTiles ? 0 : sizeAtLevel % TILE_WIDTH;
}

/** The entry bundle that holds entry `seq` in a log of `logSize` entries. */
export function entriesPathForLogIndex(seq: number, logSize: number): string {
  const index = Math.floor(seq / TILE_WIDTH);
  return entriesPath(index, partialTileSize(0, index, logSize));
}

export interface ParsedTilePath {
  readonly level: number;
  readonly index: bigint;
  readonly partial: number;
}

/** Parses the <L> and <N>[.p/<W>] parts of a tile path, refusing any non-canonical spelling. */
export function parseTileLevelIndexPartial(levelText: string, indexText: string): ParsedTilePath {
  if (!/^(0|[1-9][0-9]?)$/.test(levelText) || Number(levelText) > MAX_LEVEL) fail('BAD_FORMAT', `tile path: bad level "${levelText}"`);
  const { index, partial } = parseIndexPartial(indexText);
  return { level: Number(levelText), index, partial };
}

/** Parses <N>[.p/<W>]. */
export function parseIndexPartial(text: string): { index: bigint; partial: number } {
  let body = text;
  let partial = 0;
  const p = text.indexOf('.p/');
  if (p >= 0) {
    const w = text.slice(p + 3);
    if (!/^[1-9][0-9]{0,2}$/.test(w) || Number(w) >= TILE_WIDTH) fail('BAD_FORMAT', `tile path: bad partial width "${w}"`);
    partial = Number(w);
    body = text.slice(0, p);
  }
  const groups = body.split('/');
  if (groups.length > MAX_GROUPS) fail('BAD_FORMAT', `tile path: index "${body}" has more than ${MAX_GROUPS} groups`);
  // One path per tile: a leading "x000" group would name the same index as the path without it.
  if (groups.length > 1 && groups[0] === 'x000') fail('BAD_FORMAT', `tile path: index "${body}" has a leading zero group`);
  let index = 0n;
  groups.forEach((g, i) => {
    const last = i === groups.length - 1;
    const re = last ? /^[0-9]{3}$/ : /^x[0-9]{3}$/;
    if (!re.test(g)) fail('BAD_FORMAT', `tile path: bad index group "${g}" in "${body}"`);
    index = index * 1000n + BigInt(last ? g : g.slice(1));
  });
  return { index, partial };
}

export interface BundleSlice {
  /** Entry bundle index. */
  readonly index: number;
  /** First entry wanted within the bundle. */
  readonly first: number;
  /** Number of entries wanted from the bundle. */
  readonly n: number;
  /** Partial width of the bundle at this tree size (0 = full). */
  readonly partial: number;
}

/** The entry bundles (and the slices of them) that hold entries [from, from+n) of a tree of treeSize. */
export function bundleRange(from: number, n: number, treeSize: number): BundleSlice[] {
  const end = Math.min(from + n, treeSize);
  const out: BundleSlice[] = [];
  for (let i = from; i < end; ) {
    const index = Math.floor(i / TILE_WIDTH);
    const first = i % TILE_WIDTH;
    const count = Math.min(TILE_WIDTH - first, end - i);
    out.push({ index, first, n: count, partial: partialTileSize(0, index, treeSize) });
    i += count;
  }
  return out;
}
