/** The same blob-store contract against the file store and a local S3 endpoint (moto). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlobStore } from '../../src/storage/fs-blob-store.js';
import { S3BlobStore } from '../../src/storage/s3-blob-store.js';
import { openBlobStore } from '../../src/storage/open-blob-store.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { KeyholeError } from '../../src/core/errors.js';
import { needs } from '../support/environment.js';
import { motoAvailable, startMoto, type Moto } from './support/moto.js';

const badKeys = ['../escape', 'a/../../b', '/absolute', 'a//b', '.hidden', 'a/./b', 'a\\b', '', 'a/b/', 'a/b/c/d/e/f/g/h/i', 'x'.repeat(129)];

function contract(name: string, open: () => BlobStore | undefined) {
  test(`${name}: put then get returns the bytes; a missing key is undefined`, async () => {
    const store = open();
    if (store === undefined) return;
    const data = new Uint8Array([1, 2, 3, 250]);
    await store.put('items/acme-lab/c1/item-1', data);
    assert.deepEqual(await store.get('items/acme-lab/c1/item-1'), data);
    assert.equal(await store.get('items/acme-lab/c1/item-2'), undefined);
  });

  test(`${name}: a second put replaces the blob whole`, async () => {
    const store = open();
    if (store === undefined) return;
    await store.put('k/one', new Uint8Array(10_000).fill(1));
    await store.put('k/one', new Uint8Array(3).fill(2));
    assert.deepEqual(await store.get('k/one'), new Uint8Array(3).fill(2));
  });

  test(`${name}: stream gives the whole blob or one byte range; a missing key is undefined`, async () => {
    const store = open();
    if (store === undefined) return;
    const data = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 251);
    await store.put('s/blob', data);
    const readAll = async (stream: ReadableStream<Uint8Array> | undefined) => new Uint8Array(await new Response(stream).arrayBuffer());
    assert.deepEqual(await readAll(await store.stream('s/blob')), data);
    assert.deepEqual(await readAll(await store.stream('s/blob', { start: 70_000, end: 70_009 })), data.slice(70_000, 70_010));
    assert.deepEqual(await readAll(await store.stream('s/blob', { start: 99_990, end: 200_000 })), data.slice(99_990), 'a range past the end is cut at the end');
    assert.equal(await store.stream('s/none'), undefined);
  });

  test(`${name}: keys that could escape or alias are refused before any I/O`, async () => {
    const store = open();
    if (store === undefined) return;
    for (const key of badKeys) {
      await assert.rejects(store.put(key, new Uint8Array(1)), (e: unknown) => e instanceof KeyholeError && e.code === 'BAD_FORMAT', key);
      await assert.rejects(store.get(key), (e: unknown) => e instanceof KeyholeError && e.code === 'BAD_FORMAT', key);
      await assert.rejects(store.stream(key), (e: unknown) => e instanceof KeyholeError && e.code === 'BAD_FORMAT', key);
    }
  });
}

describe('file blob store', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyhole-blobs-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  contract('file', () => new FileBlobStore(dir));

  test('file: no temporary file is left behind, and files stay under the root', async () => {
    const store = new FileBlobStore(join(dir, 'tidy'));
    await store.put('a/b', new Uint8Array([7]));
    assert.deepEqual(await readdir(join(dir, 'tidy', 'a')), ['b']);
  });

  test('openBlobStore picks the file store for a directory and S3 for s3://', () => {
    assert.ok(openBlobStore(dir) instanceof FileBlobStore);
    const s3 = openBlobStore('s3://keyhole-bucket/hub/items', { s3Endpoint: 'http://127.0.0.1:1' });
    assert.ok(s3 instanceof S3BlobStore);
    assert.equal(s3.location, 's3://keyhole-bucket/hub/items');
    assert.throws(() => openBlobStore('s3://x/'), /not a valid bucket name/);
    assert.throws(() => openBlobStore('s3://good-bucket/../up'), /blob key/);
  });
});

describe('S3 blob store (moto)', () => {
  let moto: Moto | undefined;
  let store: S3BlobStore | undefined;
  const present = motoAvailable();
  before(async () => {
    if (!present) return;
    moto = await startMoto();
    await moto.createBucket('keyhole-hub-test');
    store = new S3BlobStore({ bucket: 'keyhole-hub-test', prefix: 'hub', endpoint: moto.endpoint });
  });
  after(async () => {
    store?.close();
    await moto?.stop();
  });
  test('moto is available', (t) => {
    needs(t, present, 'a local S3 endpoint (python3 -m moto.server)');
  });
  contract('s3', () => store);
});
