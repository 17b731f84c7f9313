import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { utf8 } from '../../src/core/bytes.js';
import { ed25519NoteVerifier, formatSignerKey, ed25519NoteSigner } from '../../src/core/note.js';
import { verifyProofBundle } from '../../src/core/proof-bundle.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { logReadApi } from '../../src/log/http-read-api.js';
import { LogWriter } from '../../src/log/writer.js';
import { listen } from './support/serve.js';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const run = promisify(execFile);

async function keyhole(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('keyhole log vkey / verify / proof, over a directory and over HTTP, and the errors they report', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-cli-'));
  try {
    const seed = new Uint8Array(32).fill(5);
    const signer = await ed25519NoteSigner(p, 'cli.keyhole.example/log', seed);
    await writeFile(join(dir, 'log.key'), formatSignerKey(signer.name, signer.keyId, seed) + '\n');
    const logDir = join(dir, 'log');
    const storage = new FileSystemStorage(logDir);
    let writer = await LogWriter.open({ primitives: p, storage, signer, batchSize: 64 });
    await Promise.all(Array.from({ length: 300 }, (_, i) => writer.append(utf8(`record ${i}`))));
    await writer.close();

    const vkey = await keyhole('log', 'vkey', '--key', join(dir, 'log.key'));
    assert.equal(vkey.code, 0, vkey.stderr);
    assert.equal(vkey.stdout.trim(), signer.verifierKey);

    const state = join(dir, 'seen.checkpoint');
    const first = await keyhole('log', 'verify', logDir, '--vkey', signer.verifierKey, '--state', state);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /size 300, 2 entry bundles and 3 tiles/);

    writer = await LogWriter.open({ primitives: p, storage, signer });
    await writer.append(utf8('one more'));
    await writer.close();
    const server = await listen(logReadApi(storage));
    try {
      const overHttp = await keyhole('log', 'verify', server.url, '--vkey', signer.verifierKey, '--state', state);
      assert.equal(overHttp.code, 0, overHttp.stderr);
      assert.match(overHttp.stdout, /size 301.*consistent with the checkpoint seen before/);
      assert.equal((await fetch(new URL('.state/treeState', server.url))).status, 404);
      assert.equal((await fetch(new URL('tile/0/x001', server.url))).status, 404);
    } finally {
      await server.close();
    }
    // Mounted under a prefix, as the gatekeeper serves it at /log/: tiles resolve too, not only the checkpoint.
    const mounted = new Hono();
    mounted.route('/log', logReadApi(storage));
    const prefixed = await listen(mounted);
    try {
      const underPrefix = await keyhole('log', 'verify', new URL('log/', prefixed.url).href, '--vkey', signer.verifierKey);
      assert.equal(underPrefix.code, 0, underPrefix.stderr);
      assert.match(underPrefix.stdout, /size 301/);
    } finally {
      await prefixed.close();
    }

    const proof = await keyhole('log', 'proof', '299', '--dir', logDir);
    assert.equal(proof.code, 0, proof.stderr);
    const verified = await verifyProofBundle(p, proof.stdout, { origin: signer.name, log: await ed25519NoteVerifier(p, signer.verifierKey), witnesses: [], quorum: 0 });
    assert.equal(new TextDecoder().decode(verified.entry), 'record 299');

    // Tamper with one entry: verify names the tile that disagrees, exits non-zero, prints no stack trace.
    const bundlePath = join(logDir, 'tile', 'entries', '000');
    const bytes = await readFile(bundlePath);
    bytes[bytes.length - 1]! ^= 1;
    await writeFile(bundlePath, bytes);
    const bad = await keyhole('log', 'verify', logDir, '--vkey', signer.verifierKey, '--state', state);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /^keyhole: tile\/0\/000: hash 255 does not match the entry bundles/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);

    const wrongKey = await keyhole('log', 'verify', logDir, '--vkey', 'nope');
    assert.notEqual(wrongKey.code, 0);
    assert.match(wrongKey.stderr, /^keyhole: verifier key/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
