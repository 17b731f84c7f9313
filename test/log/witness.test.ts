import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utf8 } from '../../src/core/bytes.js';
import { openCheckpoint, signCheckpoint } from '../../src/core/checkpoint.js';
import { cosignatureVerifier, ed25519Cosigner, type Cosigner } from '../../src/core/cosignature.js';
import { openNote, ed25519NoteSigner, ed25519NoteVerifier, type Ed25519NoteKey } from '../../src/core/note.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { WitnessQuorum } from '../../src/log/witness-client.js';
import { formatAddCheckpoint } from '../../src/log/witness-protocol.js';
import { witnessApp } from '../../src/log/witness-server.js';
import { LogWriter } from '../../src/log/writer.js';
import { listen, type Running } from './support/serve.js';

const ORIGIN = 'witnessed.keyhole.example/log';

interface Witness {
  cosigner: Cosigner;
  server: Running;
  stateDir: string;
}

async function startWitness(dir: string, name: string, logKey: Ed25519NoteKey, seedByte: number): Promise<Witness> {
  const cosigner = await ed25519Cosigner(p, name, new Uint8Array(32).fill(seedByte));
  const stateDir = join(dir, `witness-${seedByte}`);
  const logs = new Map([[ORIGIN, await ed25519NoteVerifier(p, logKey.verifierKey)]]);
  const server = await listen(witnessApp({ primitives: p, cosigner, logs, state: new FileSystemStorage(stateDir), now: () => 1_700_000_000 }));
  return { cosigner, server, stateDir };
}

async function post(url: string, body: string): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(new URL('add-checkpoint', url), { method: 'POST', body });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-witness-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('two witnesses and the log on loopback: published only with quorum, rollback refused', { timeout: 30_000 }, async () => {
  await withDir(async (dir) => {
    const logKey = await ed25519NoteSigner(p, ORIGIN, new Uint8Array(32).fill(1));
    const w1 = await startWitness(dir, 'w1.example/witness', logKey, 11);
    const w2 = await startWitness(dir, 'w2.example/witness', logKey, 12);
    const endpoints = [
      { url: w1.server.url, verifier: await cosignatureVerifier(p, w1.cosigner.verifierKey) },
      { url: w2.server.url, verifier: await cosignatureVerifier(p, w2.cosigner.verifierKey) },
    ];
    const logVerifier = await ed25519NoteVerifier(p, logKey.verifierKey);
    const storage = new FileSystemStorage(join(dir, 'log'));
    try {
      const writer = await LogWriter.open({ primitives: p, storage, signer: logKey, batchSize: 4, witnessing: new WitnessQuorum({ witnesses: endpoints, quorum: 2 }) });
      const acks = await Promise.all(Array.from({ length: 10 }, (_, i) => writer.append(utf8(`entry ${i}`))));
      const last = acks[acks.length - 1]!.checkpoint;
      const opened = await openNote(last, [logVerifier, ...endpoints.map((e) => e.verifier)]);
      assert.equal(opened.verified.length, 3, 'log signature and two cosignatures');

      // One witness down: with quorum 2 nothing new is published or acknowledged.
      await w2.server.close();
      const before = await readFile(join(dir, 'log', 'checkpoint'), 'utf8');
      await assert.rejects(writer.append(utf8('needs two witnesses')), /quorum not reached: 1 of 2/);
      assert.equal(await readFile(join(dir, 'log', 'checkpoint'), 'utf8'), before, 'checkpoint not replaced without quorum');
      await writer.close();

      // Quorum 1 of 2 is met by w1 alone; the unacknowledged entry is included and w1 catches up.
      const relaxed = await LogWriter.open({ primitives: p, storage, signer: logKey, witnessing: new WitnessQuorum({ witnesses: endpoints, quorum: 1 }) });
      const ok = await relaxed.append(utf8('one witness suffices'));
      assert.equal(ok.index, 11);
      await relaxed.close();

      // A forked log (same key, other entries) is refused by the witness that saw the real one.
      const fork = await LogWriter.open({ primitives: p, storage: new FileSystemStorage(join(dir, 'fork')), signer: logKey, witnessing: new WitnessQuorum({ witnesses: [endpoints[0]!], quorum: 1 }) }).catch((e: Error) => e);
      assert.ok(fork instanceof Error && /rollback refused|different tree|quorum not reached/.test(fork.message), String(fork));
    } finally {
      await w1.server.close();
    }
  });
});

test('witness protocol: 404, 403, 400, 409 with size, 422, and state that survives a restart', { timeout: 30_000 }, async () => {
  await withDir(async (dir) => {
    const logKey = await ed25519NoteSigner(p, ORIGIN, new Uint8Array(32).fill(2));
    const otherKey = await ed25519NoteSigner(p, ORIGIN, new Uint8Array(32).fill(3));
    let w = await startWitness(dir, 'w.example/witness', logKey, 21);
    try {
      const root = (n: number) => new Uint8Array(32).fill(n);
      const cp = (size: number, r: number, key = logKey) => signCheckpoint({ origin: ORIGIN, size, rootHash: root(r), extensions: [] }, [key]);

      const unknown = await signCheckpoint({ origin: 'unknown.example/log', size: 1, rootHash: root(1), extensions: [] }, [logKey].map((k) => ({ ...k, name: 'unknown.example/log' })));
      assert.equal((await post(w.server.url, formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: unknown }))).status, 404);
      assert.equal((await post(w.server.url, formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: await cp(1, 1, otherKey) }))).status, 403);
      assert.equal((await post(w.server.url, 'old 01\n\n' + (await cp(1, 1)))).status, 400);
      assert.equal((await post(w.server.url, formatAddCheckpoint({ oldSize: 5, proof: [], checkpoint: await cp(1, 1) }))).status, 400);

      const first = await post(w.server.url, formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: await cp(1, 1) }));
      assert.equal(first.status, 200);
      assert.match(first.body, /^\u2014 w\.example\/witness [A-Za-z0-9+/=]+\n$/);

      const conflict = await post(w.server.url, formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: await cp(2, 2) }));
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body, '1\n');
      assert.equal(conflict.type, 'text/x.tlog.size');

      // Same size, different root: a fork.
      assert.equal((await post(w.server.url, formatAddCheckpoint({ oldSize: 1, proof: [], checkpoint: await cp(1, 9) }))).status, 409);
      // A proof that does not verify is never cosigned.
      assert.equal((await post(w.server.url, formatAddCheckpoint({ oldSize: 1, proof: [root(7)], checkpoint: await cp(2, 2) }))).status, 422);

      await w.server.close();
      w = await startWitness(dir, 'w.example/witness', logKey, 21);
      const afterRestart = await post(w.server.url, formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: await cp(3, 3) }));
      assert.equal(afterRestart.status, 409);
      assert.equal(afterRestart.body, '1\n');
      const { checkpoint } = await openCheckpoint(await cp(1, 1), ORIGIN, await ed25519NoteVerifier(p, logKey.verifierKey));
      assert.equal(checkpoint.size, 1);
    } finally {
      await w.server.close();
    }
  });
});
