import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromUtf8, utf8 } from '../../src/core/bytes.js';
import { openCheckpoint } from '../../src/core/checkpoint.js';
import { leafHash, rootFromLeafHashes, type Hash } from '../../src/core/merkle.js';
import { ed25519NoteSigner, ed25519NoteVerifier } from '../../src/core/note.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { readEntry } from '../../src/log/tile-reader.js';
import { LogWriter } from '../../src/log/writer.js';

const CHILD = new URL('./support/crash-writer.ts', import.meta.url).pathname;

/** Runs the child until it has acknowledged `acks` entries (plus a random extra delay), then SIGKILLs it. */
function runAndKill(dir: string, round: number, acks: number, extraMs: number): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<number, string>();
    let buffer = '';
    let stderr = '';
    let killScheduled = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const m = /^ACK (\d+) (.*)$/.exec(line);
        if (m) acked.set(Number(m[1]), m[2]!);
      }
      if (!killScheduled && acked.size >= acks) {
        killScheduled = true;
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`crash writer exited with ${code}: ${stderr}`));
    });
  });
}

test('SIGKILL during appends loses no acknowledged entry and leaves a consistent tree', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-crash-'));
  try {
    const signer = await ed25519NoteSigner(p, 'crash.keyhole.example/log', new Uint8Array(32).fill(42));
    const verifier = await ed25519NoteVerifier(p, signer.verifierKey);
    const storage = new FileSystemStorage(dir);
    const allAcked = new Map<number, string>();
    for (let round = 0; round < 4; round++) {
      const acked = await runAndKill(dir, round, 100 + round * 150, Math.floor(Math.random() * 40));
      assert.ok(acked.size >= 100, `round ${round}: only ${acked.size} acknowledgements`);
      for (const [i, e] of acked) {
        assert.ok(!allAcked.has(i), `index ${i} acknowledged twice`);
        allAcked.set(i, e);
      }
      // Recovery: the writer opens, the tiles hash to the committed root, and every acknowledged entry is there.
      const writer = await LogWriter.open({ primitives: p, storage, signer, batchSize: 64 });
      const size = writer.size;
      const { checkpoint } = await openCheckpoint(writer.checkpoint, signer.name, verifier);
      assert.equal(checkpoint.size, size, 'checkpoint republished up to the durable size');
      for (const [i, e] of allAcked) {
        assert.ok(i < size, `acknowledged entry ${i} is beyond the recovered size ${size}`);
        assert.equal(fromUtf8(await readEntry(storage, i, size)), e, `entry ${i}`);
      }
      const leaves: Hash[] = [];
      for (let i = 0; i < size; i++) leaves.push(await leafHash(p, await readEntry(storage, i, size)));
      assert.deepEqual(checkpoint.rootHash, await rootFromLeafHashes(p, leaves), 'root recomputed from the entry bundles');
      const next = await writer.append(utf8(`after round ${round}`));
      assert.equal(next.index, size);
      allAcked.set(next.index, `after round ${round}`);
      await writer.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
