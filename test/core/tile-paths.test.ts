import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bundleRange,
  entriesPath,
  entriesPathForLogIndex,
  nWithSuffix,
  parseTileLevelIndexPartial,
  tilePath,
} from '../../src/core/tile-paths.js';
import { SHARED_VECTORS } from '../support/shared.js';

// Integers above 2^53 would be rounded by JSON.parse: keep every long number as a string.
const raw = readFileSync(join(SHARED_VECTORS, 'tessera-log', 'tile-paths.json'), 'utf8').replace(/:\s*(\d{16,})/g, ': "$1"');
const v = JSON.parse(raw) as {
  tile_path: { level: number; index: number; partial: number; expected_path: string }[];
  entries_path: { index: number; partial: number; expected_path: string }[];
  entries_path_for_log_index: { seq: number; log_size: number; expected_path: string }[];
  n_with_suffix: { index: number; partial: number; expected: string }[];
  parse_tile_level_index_partial: { path_level: string; path_index: string; want_level: number; want_index: number | string; want_partial: number; want_err: boolean }[];
  range: { desc: string; from: number; n: number; tree_size: number; want: { index: number; first: number; n: number; partial: number }[] }[];
};

test('tile paths match Tessera', () => {
  for (const c of v.tile_path) assert.equal(tilePath(c.level, c.index, c.partial), c.expected_path);
  for (const c of v.entries_path) assert.equal(entriesPath(c.index, c.partial), c.expected_path);
  for (const c of v.entries_path_for_log_index) assert.equal(entriesPathForLogIndex(Number(c.seq), Number(c.log_size)), c.expected_path);
  for (const c of v.n_with_suffix) assert.equal(nWithSuffix(c.index, c.partial), c.expected);
});

test('tile path parsing matches Tessera, errors included', () => {
  assert.equal(v.parse_tile_level_index_partial.length, 19);
  for (const c of v.parse_tile_level_index_partial) {
    const what = `${c.path_level} ${c.path_index}`;
    if (c.want_err) {
      assert.throws(() => parseTileLevelIndexPartial(c.path_level, c.path_index), /tile path/, what);
    } else {
      const got = parseTileLevelIndexPartial(c.path_level, c.path_index);
      assert.deepEqual(got, { level: c.want_level, index: BigInt(c.want_index), partial: c.want_partial }, what);
      assert.equal(tilePath(got.level, got.index, got.partial), `tile/${c.path_level}/${c.path_index}`);
    }
  }
});

test('entry bundle ranges match Tessera', () => {
  for (const c of v.range) assert.deepEqual(bundleRange(c.from, c.n, c.tree_size), c.want, c.desc);
});
