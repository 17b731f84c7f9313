import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { utf8 } from '../../src/core/bytes.js';
import { ed25519NoteSigner, ed25519NoteVerifier } from '../../src/core/note.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { S3Storage } from '../../src/log/s3-storage.js';
import { auditLog } from '../../src/log/verify-log.js';
import { LogWriter } from '../../src/log/writer.js';
import { needs } from '../support/environment.js';

const hasMoto = spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts moto and waits for it to answer; a moto that does not start in 60 s (a generous deadline on a loaded machine) fails the test. */
async function startMoto(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; ; ) {
    try {
      await fetch(url);
      return { url, proc };
    } catch {
      if (Date.now() > deadline || proc.exitCode !== null) {
        proc.kill();
        throw new Error(`moto did not answer on ${url} within 60 s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

test('the writer on S3 (moto): appends, reopen, and a full audit of the stored log', { timeout: 180_000 }, async (t) => {
  if (!needs(t, hasMoto, 'python3 -m moto.server (local S3)')) return;
  const moto = await startMoto();
  try {
    const client = new S3Client({ endpoint: moto!.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await client.send(new CreateBucketCommand({ Bucket: 'keyhole-log' }));
    const storage = new S3Storage(client, 'keyhole-log', 'audit/');
    const signer = await ed25519NoteSigner(p, 's3.keyhole.example/log', new Uint8Array(32).fill(3));
    let writer = await LogWriter.open({ primitives: p, storage, signer, batchSize: 50 });
    await Promise.all(Array.from({ length: 270 }, (_, i) => writer.append(utf8(`s3 entry ${i}`))));
    await writer.close();
    writer = await LogWriter.open({ primitives: p, storage, signer, batchSize: 50 });
    assert.equal(writer.size, 270);
    assert.equal((await writer.append(utf8('after reopen'))).index, 270);
    await writer.close();
    const audit = await auditLog(p, storage, await ed25519NoteVerifier(p, signer.verifierKey));
    assert.equal(audit.checkpoint.size, 271);
    assert.equal(await storage.read('no/such/object'), undefined);
    client.destroy();
  } finally {
    moto!.proc.kill();
  }
});
