/**
 * Checks vectors/log-tiles/ (docs/SPEC.md §8.7): every file is listed with its
 * hash, the checkpoint verifies, the entry bundles hold 300 canonical access
 * records with intact per-annotator chains, every hash tile holds exactly the
 * RFC 6962 nodes the tlog-tiles layout puts there, each published size has all
 * its tiles, and the product's writer reproduces every byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GENESIS_PREV, decodeAccessRecord, recordChainHash } from '../../src/core/access-record.js';
import { toHex } from '../../src/core/bytes.js';
import { openCheckpoint } from '../../src/core/checkpoint.js';
import { leafHash, rootFromLeafHashes, type Hash } from '../../src/core/merkle.js';
import { ed25519NoteVerifier } from '../../src/core/note.js';
import { decodeEntryBundle, decodeHashTile } from '../../src/core/tile-data.js';
import { entriesPath, partialTileSize, tilePath, TILE_WIDTH } from '../../src/core/tile-paths.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { OUR_VECTORS } from '../support/shared.js';
import { writeTileVectorLog, type TileVectorManifest } from '../vectors/log-tiles.js';

const DIR = join(OUR_VECTORS, 'log-tiles');
const manifest = JSON.parse(readFileSync(join(DIR, 'tiles.json'), 'utf8')) as TileVectorManifest;
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, path)));

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? allFiles(join(dir, n)) : [relative(DIR, join(dir, n))]));
}

/** The paths tlog-tiles requires for a tree of `size` leaves (full tiles and the partial ones at the edge). */
function requiredPaths(size: number): string[] {
  const out: string[] = ['checkpoint'];
  for (let index = 0; index * TILE_WIDTH < size; index++) out.push(entriesPath(index, partialTileSize(0, index, size)));
  for (let level = 0; TILE_WIDTH ** level <= size; level++) {
    const nodes = Math.floor(size / TILE_WIDTH ** level);
    for (let index = 0; index * TILE_WIDTH < nodes; index++) out.push(tilePath(level, index, partialTileSize(level, index, size)));
  }
  return out;
}

async function entries(): Promise<Uint8Array[]> {
  return [...decodeEntryBundle(read('tile/entries/000'), 256), ...decodeEntryBundle(read('tile/entries/001.p/44'), 44)];
}

test('vectors/log-tiles: every file is listed in tiles.json with its SHA-256, and nothing else is there', async () => {
  assert.equal(manifest.format, 'keyhole-log-tiles-v1');
  assert.deepEqual(allFiles(DIR).filter((f) => f !== 'tiles.json').sort(), Object.keys(manifest.files).sort());
  for (const [path, hash] of Object.entries(manifest.files)) assert.equal(toHex(await p.sha256(read(path))), hash, path);
});

test('vectors/log-tiles: each published size has every tile the layout requires, partial tiles of earlier sizes included', () => {
  const have = new Set(Object.keys(manifest.files));
  for (const { size } of manifest.roots) for (const path of requiredPaths(size)) assert.ok(have.has(path), `${path} (size ${size})`);
});

test('vectors/log-tiles: the checkpoint verifies under the log key and names the last root', async () => {
  const { checkpoint } = await openCheckpoint(read('checkpoint'), manifest.origin, await ed25519NoteVerifier(p, manifest.log_vkey));
  const last = manifest.roots.at(-1)!;
  assert.equal(checkpoint.size, last.size);
  assert.equal(toHex(checkpoint.rootHash), last.root_hex);
  assert.deepEqual(checkpoint.extensions, []);
});

test('vectors/log-tiles: the entries are canonical access records whose per-annotator chains hold', async () => {
  const all = await entries();
  assert.equal(all.length, 300);
  // Partial bundles of earlier sizes are prefixes of the full one.
  assert.deepEqual(decodeEntryBundle(read('tile/entries/000.p/1'), 1), all.slice(0, 1));
  assert.deepEqual(decodeEntryBundle(read('tile/entries/000.p/100'), 100), all.slice(0, 100));
  const chains = new Map<string, { seq: number; prev: string }>();
  for (const bytes of all) {
    const r = decodeAccessRecord(bytes);
    const key = r.annotator ?? '';
    const chain = chains.get(key) ?? { seq: 0, prev: GENESIS_PREV };
    assert.equal(r.seq, chain.seq);
    assert.equal(r.prev, chain.prev);
    chains.set(key, { seq: r.seq + 1, prev: await recordChainHash(p, bytes) });
  }
});

test('vectors/log-tiles: every hash tile holds the RFC 6962 nodes of its place, and each listed root is the root of that prefix', async () => {
  const leaves: Hash[] = [];
  for (const e of await entries()) leaves.push(await leafHash(p, e));
  const node = (level: number, index: number) => rootFromLeafHashes(p, leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));
  for (const path of Object.keys(manifest.files).filter((f) => /^tile\/\d+\//.test(f))) {
    const m = /^tile\/(\d+)\/(\d{3})(?:\.p\/(\d+))?$/.exec(path)!;
    const level = Number(m[1]) * 8;
    const index = Number(m[2]);
    const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
    const hashes = decodeHashTile(read(path), width);
    for (let i = 0; i < width; i++) assert.deepEqual(hashes[i], await node(level, index * TILE_WIDTH + i), `${path} hash ${i}`);
  }
  for (const { size, root_hex } of manifest.roots) assert.equal(toHex(await rootFromLeafHashes(p, leaves.slice(0, size))), root_hex, `root of size ${size}`);
});

test('vectors/log-tiles: the product\'s log writer reproduces every file byte for byte', async () => {
  const { files, roots } = await writeTileVectorLog(await entries());
  assert.deepEqual(roots, manifest.roots);
  assert.deepEqual([...files.keys()].sort(), Object.keys(manifest.files).sort());
  for (const [path, data] of files) assert.deepEqual(data, read(path), path);
});
