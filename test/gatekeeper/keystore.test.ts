/** The passphrase-sealed keystore file and the AWS KMS root key (against moto's KMS on loopback). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { createKeystoreFile, openKeystoreFile } from '../../src/gatekeeper/keystore/passphrase-keystore.js';
import { kmsRootKey } from '../../src/gatekeeper/keystore/kms-root-key.js';
import type { RootKey } from '../../src/gatekeeper/keystore/root-key.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { needs } from '../support/environment.js';
import { motoAvailable, startMoto } from '../storage/support/moto.js';

/** moto answers a wrong encryption context with AccessDeniedException where AWS says InvalidCiphertextException; either way the unwrap must be refused. */
const REFUSED = ['DECRYPT_FAILED', 'UNAVAILABLE'];

async function roundTrip(root: RootKey): Promise<void> {
  const secret = p.randomBytes(32);
  const wrapped = await root.wrap('kek:kek-1', secret);
  assert.deepEqual(await root.unwrap('kek:kek-1', wrapped), secret);
  await assert.rejects(root.unwrap('kek:kek-2', wrapped), (e: { code: string }) => REFUSED.includes(e.code), 'a wrap is bound to its purpose');
  const flipped = Uint8Array.from(wrapped);
  flipped[flipped.length - 1]! ^= 1;
  await assert.rejects(root.unwrap('kek:kek-1', flipped), (e: { code: string }) => REFUSED.includes(e.code));
}

test('keystore file: create, reopen, wrong passphrase, tampered parameters, no overwrite, mode 0600', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-ks-test-'));
  try {
    const path = join(dir, 'keystore.json');
    const created = await createKeystoreFile(p, path, 'a long enough passphrase');
    const wrapped = await created.wrap('secret:x', new Uint8Array([1, 2, 3]));
    const reopened = await openKeystoreFile(p, path, 'a long enough passphrase');
    assert.deepEqual(await reopened.unwrap('secret:x', wrapped), new Uint8Array([1, 2, 3]), 'same root key after reopening');
    await roundTrip(reopened);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const text = await readFile(path, 'utf8');
    assert.match(text, /"N":131072/);
    assert.doesNotMatch(text, /a long enough passphrase/);

    await assert.rejects(openKeystoreFile(p, path, 'the wrong passphrase!'), { code: 'DECRYPT_FAILED', message: /wrong passphrase, or the file was altered/ });
    await assert.rejects(createKeystoreFile(p, path, 'a long enough passphrase'), { code: 'CONFLICT' });
    await assert.rejects(createKeystoreFile(p, join(dir, 'short.json'), 'short'), { code: 'BAD_FORMAT' });

    // Raising r is allowed by the schema but authenticated: the open fails.
    const raised = join(dir, 'raised.json');
    await writeFile(raised, text.replace('"r":8', '"r":9'));
    await assert.rejects(openKeystoreFile(p, raised, 'a long enough passphrase'), { code: 'DECRYPT_FAILED' });
    // Weakening N below 2^17 is refused before any KDF runs.
    const weak = join(dir, 'weak.json');
    await writeFile(weak, text.replace('"N":131072', '"N":1024'));
    await assert.rejects(openKeystoreFile(p, weak, 'a long enough passphrase'), { code: 'BAD_FORMAT', message: /kdf\.N/ });
    await assert.rejects(openKeystoreFile(p, join(dir, 'missing.json'), 'x'), { code: 'NOT_FOUND' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('AWS KMS root key against moto: wrap/unwrap bound to purpose, another key refused', { timeout: 60_000 }, async (t) => {
  if (!needs(t, motoAvailable(), 'moto (python3 -m moto.server)')) return;
  const moto = await startMoto();
  const client = new KMSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'keyhole-test', secretAccessKey: 'keyhole-test' } });
  try {
    const key = await client.send(new CreateKeyCommand({ Description: 'keyhole gatekeeper root (test)' }));
    const other = await client.send(new CreateKeyCommand({ Description: 'another key' }));
    const root = kmsRootKey({ keyId: key.KeyMetadata!.KeyId!, client });
    await roundTrip(root);
    const wrapped = await root.wrap('secret:lab-signing', new Uint8Array(32).fill(7));
    const wrongKey = kmsRootKey({ keyId: other.KeyMetadata!.KeyId!, client });
    await assert.rejects(wrongKey.unwrap('secret:lab-signing', wrapped), (e: { code: string }) => REFUSED.includes(e.code));
    assert.match(root.description, /AWS KMS key/);
  } finally {
    client.destroy();
    await moto.stop();
  }
});
