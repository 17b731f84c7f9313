import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseSignerKey } from '../../src/core/note.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { LogWriter } from '../../src/log/writer.js';
import { SHARED_VECTORS } from '../support/shared.js';

const TESSERA = join(SHARED_VECTORS, 'tessera-log');

async function files(dir: string, under = dir): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) out.push(...(await files(path, under)));
    else out.push(relative(under, path));
  }
  return out.sort();
}

test('the writer reproduces Tessera\'s 15-entry log byte for byte (checkpoints, tiles, entry bundles)', async () => {
  const keys = JSON.parse(await readFile(join(TESSERA, 'log-keys.json'), 'utf8')) as { log_private_key: string; log_public_key: string; leaves_in_order: string[] };
  const signer = await parseSignerKey(p, keys.log_private_key);
  assert.equal(signer.verifierKey, keys.log_public_key);
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-tessera-'));
  try {
    const writer = await LogWriter.open({ primitives: p, storage: new FileSystemStorage(dir), signer, batchSize: 1 });
    assert.equal(await readFile(join(dir, 'checkpoint'), 'utf8'), await readFile(join(TESSERA, 'log', 'checkpoint.0'), 'utf8'));
    for (const [i, leaf] of keys.leaves_in_order.entries()) {
      const appended = await writer.append(Buffer.from(leaf, 'ascii'));
      assert.equal(appended.index, i);
      const want = await readFile(join(TESSERA, 'log', `checkpoint.${i + 1}`), 'utf8');
      assert.equal(appended.checkpoint, want, `checkpoint after ${i + 1} entries`);
      assert.equal(await readFile(join(dir, 'checkpoint'), 'utf8'), want);
    }
    await writer.close();
    const ours = await files(join(dir, 'tile'));
    const theirs = await files(join(TESSERA, 'log', 'tile'));
    assert.deepEqual(ours, theirs);
    for (const f of theirs) {
      assert.deepEqual(await readFile(join(dir, 'tile', f)), await readFile(join(TESSERA, 'log', 'tile', f)), f);
    }
    assert.equal(await readFile(join(dir, '.state', 'treeState'), 'utf8'), await readFile(join(TESSERA, 'log', '.state', 'treeState'), 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
