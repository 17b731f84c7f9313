import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utf8 } from '../../src/core/bytes.js';
import { openCheckpoint } from '../../src/core/checkpoint.js';
import { inclusionProof, consistencyProof, leafHash, rootFromLeafHashes, verifyConsistency, verifyInclusion, type Hash } from '../../src/core/merkle.js';
import { ed25519NoteSigner, ed25519NoteVerifier } from '../../src/core/note.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { TileNodeSource, readEntry } from '../../src/log/tile-reader.js';
import { LogWriter } from '../../src/log/writer.js';

const ORIGIN = 'test.keyhole.example/log';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-writer-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('batched appends across tile boundaries and tile levels 0 and 1: roots, proofs and reopen agree with an in-memory tree', async () => {
  await withDir(async (dir) => {
    const signer = await ed25519NoteSigner(p, ORIGIN, new Uint8Array(32).fill(7));
    const verifier = await ed25519NoteVerifier(p, signer.verifierKey);
    const storage = new FileSystemStorage(dir);
    let writer = await LogWriter.open({ primitives: p, storage, signer, batchSize: 100, batchDelayMs: 1 });
    const entries = Array.from({ length: 3_000 }, (_, i) => utf8(`entry ${i}`));
    const first = await Promise.all(entries.slice(0, 1_000).map((e) => writer.append(e)));
    assert.deepEqual(first.map((a) => a.index), entries.slice(0, 1_000).map((_, i) => i));
    await writer.close();
    writer = await LogWriter.open({ primitives: p, storage, signer, batchSize: 333, batchDelayMs: 1 });
    assert.equal(writer.size, 1_000);
    const rest = await Promise.all(entries.slice(1_000).map((e) => writer.append(e)));
    assert.equal(rest[rest.length - 1]!.index, 2_999);
    await writer.close();

    const leaves: Hash[] = [];
    for (const e of entries) leaves.push(await leafHash(p, e));
    const { checkpoint } = await openCheckpoint(writer.checkpoint, ORIGIN, verifier);
    assert.equal(checkpoint.size, 3_000);
    assert.deepEqual(checkpoint.rootHash, await rootFromLeafHashes(p, leaves));
    const source = new TileNodeSource(p, storage, 3_000);
    for (const i of [0, 255, 256, 1_000, 2_047, 2_048, 2_999]) {
      await verifyInclusion(p, i, 3_000, leaves[i]!, await inclusionProof(p, source, i, 3_000), checkpoint.rootHash);
      assert.deepEqual(await readEntry(storage, i, 3_000), entries[i]);
    }
    for (const m of [1, 255, 256, 1_000, 2_048, 2_999]) {
      const oldRoot = await rootFromLeafHashes(p, leaves.slice(0, m));
      await verifyConsistency(p, m, 3_000, await consistencyProof(p, source, m, 3_000), oldRoot, checkpoint.rootHash);
    }
  });
});

test('oversized entries are refused without failing the batch', async () => {
  await withDir(async (dir) => {
    const signer = await ed25519NoteSigner(p, ORIGIN, new Uint8Array(32).fill(8));
    const writer = await LogWriter.open({ primitives: p, storage: new FileSystemStorage(dir), signer, batchSize: 4 });
    const ok = writer.append(utf8('fine'));
    await assert.rejects(writer.append(new Uint8Array(65_536)), /over the bundle limit/);
    assert.equal((await ok).index, 0);
    await writer.close();
    await assert.rejects(writer.append(utf8('late')), /closed/);
  });
});

test('a log whose tiles do not match its state, or whose key is another origin, is refused on open', async () => {
  await withDir(async (dir) => {
    const signer = await ed25519NoteSigner(p, ORIGIN, new Uint8Array(32).fill(9));
    const storage = new FileSystemStorage(dir);
    const writer = await LogWriter.open({ primitives: p, storage, signer, batchSize: 8 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => writer.append(utf8(`e${i}`))));
    await writer.close();
    const other = await ed25519NoteSigner(p, 'other.example/log', new Uint8Array(32).fill(9));
    await assert.rejects(LogWriter.open({ primitives: p, storage, signer: other }), /origin/);
    await writeFile(join(dir, 'tile', '0', '000.p', '5'), new Uint8Array(160));
    await assert.rejects(LogWriter.open({ primitives: p, storage, signer }), /do not hash to the root/);
  });
});
