/**
 * Root rewrap through the admin API while the gatekeeper serves (issue 13):
 * every secret and KEK moves under a new root key in a new keystore file;
 * the old root opens nothing in the database afterwards; the running
 * gatekeeper and a restarted one still open everything. A crash after the
 * database was rewrapped but before the new keystore replaced the old one
 * is finished at the next start; one before it is undone.
 */
import assert from 'node:assert/strict';
import { access, copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { createOperatorKey, readOperatorKey } from '../../src/cli/lab-operator.js';
import { GatekeeperConfig } from '../../src/cli/services/gatekeeper-config.js';
import { openConfiguredDatabase, startGatekeeperService } from '../../src/cli/services/gatekeeper-service.js';
import { jsonLog } from '../../src/cli/services/json-log.js';
import { toBase64Url } from '../../src/core/bytes.js';
import { putOperator } from '../../src/gatekeeper/admin/operators.js';
import { openGatekeeper } from '../../src/gatekeeper/gatekeeper.js';
import { createKeystoreFile, openKeystoreFile } from '../../src/gatekeeper/keystore/passphrase-keystore.js';
import { rewrapStoredValues, rootOpensDatabase } from '../../src/gatekeeper/keystore/root-rotation.js';
import { GatekeeperAdminClient } from '../../src/lab/admin-client.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';

const PASSPHRASE = 'correct horse battery staple';
const env = { KEYHOLE_KEYSTORE_PASSPHRASE: PASSPHRASE };
const quiet = jsonLog('gatekeeper', () => {});

async function setUp(dir: string): Promise<{ config: GatekeeperConfig; keystore: string }> {
  const config = GatekeeperConfig.parse({ lab: 'acme', log: { origin: 'acme.test/audit' }, listen: { port: 0 }, admin: { port: 0 }, noWitness: true });
  const keystore = join(dir, config.keystore.file);
  const root = await createKeystoreFile(p, keystore, PASSPHRASE);
  const database = await openConfiguredDatabase(config, dir);
  const gk = await openGatekeeper({ primitives: p, lab: 'acme', database, root, logStorage: new FileSystemStorage(join(dir, 'log')), logOrigin: 'acme.test/audit', alert: () => {} });
  await putOperator(gk, { id: 'admin', publicKey: await createOperatorKey(join(dir, 'admin.key')), role: 'admin' }, 'init');
  await gk.keks.createBatch('b1', 'c1');
  await gk.keks.createBatch('b2', 'c1');
  await gk.close();
  await database.close();
  return { config, keystore };
}

const gone = (path: string): Promise<boolean> => access(path).then(() => false, () => true);

test('root rewrap while serving: the new root opens everything, the old one nothing; a restart opens the new keystore', { timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-rewrap-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const { config, keystore } = await setUp(dir);
  await copyFile(keystore, join(dir, 'old.keystore'));
  const before = await readFile(keystore, 'utf8');

  let running = await startGatekeeperService({ config, baseDir: dir, log: quiet, env });
  const signer = await readOperatorKey(join(dir, 'admin.key'));
  const admin = new GatekeeperAdminClient(running.adminUrl, 'acme', 'admin', signer, p);
  const labKey = toBase64Url(running.gk.labSigner.publicKey);
  const kek = await running.gk.keks.currentKek('b1');
  const kekBytes = Uint8Array.from(kek.key); // evicting the cache zeroes the cached copy
  const counts = await admin.rewrapRoot();
  assert.ok(counts.secrets >= 2 && counts.keks === 2, JSON.stringify(counts));
  assert.notEqual(await readFile(keystore, 'utf8'), before, 'the keystore file holds a new root key');
  assert.ok(await gone(`${keystore}.next`));
  const oldRoot = await openKeystoreFile(p, join(dir, 'old.keystore'), PASSPHRASE);
  assert.equal(await rootOpensDatabase(running.gk.db, oldRoot), false, 'the old root opens nothing in the database');
  running.gk.keks.evict(kek.id);
  assert.deepEqual((await running.gk.keks.kek(kek.id)).key, kekBytes, 'the running gatekeeper still opens its KEKs');
  assert.ok((await running.gk.audit.proof(await running.gk.audit.append({ kind: 'policy', decision: 'none', reason: 'probe' }, Date.now()))).length > 0);
  await running.close();

  running = await startGatekeeperService({ config, baseDir: dir, log: quiet, env });
  t.after(() => running.close());
  assert.equal(toBase64Url(running.gk.labSigner.publicKey), labKey, 'a restart opens the same lab key under the new root');
  assert.deepEqual((await running.gk.keks.kek(kek.id)).key, kekBytes);
});

test('root rewrap cut by a crash: after the database moved, the next start finishes it; before, it is undone', { timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-rewrap-crash-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const { config, keystore } = await setUp(dir);
  const oldRoot = await openKeystoreFile(p, keystore, PASSPHRASE);

  // Crash 1: the new keystore written, the database not yet rewrapped.
  await createKeystoreFile(p, `${keystore}.next`, PASSPHRASE);
  let running = await startGatekeeperService({ config, baseDir: dir, log: quiet, env });
  assert.ok(await gone(`${keystore}.next`), 'the unused new keystore is dropped');
  assert.equal(await rootOpensDatabase(running.gk.db, oldRoot), true);
  await running.close();

  // Crash 2: the database rewrapped under the new key, the old keystore file still in place.
  const newRoot = await createKeystoreFile(p, `${keystore}.next`, PASSPHRASE);
  const database = await openConfiguredDatabase(config, dir);
  await rewrapStoredValues(database.db, oldRoot, newRoot);
  await database.close();
  running = await startGatekeeperService({ config, baseDir: dir, log: quiet, env });
  t.after(() => running.close());
  assert.ok(await gone(`${keystore}.next`), 'the new keystore replaced the old one');
  assert.equal(await rootOpensDatabase(running.gk.db, await openKeystoreFile(p, keystore, PASSPHRASE)), true);
  assert.equal(await rootOpensDatabase(running.gk.db, oldRoot), false);
  assert.ok(running.gk.labSigner.publicKey.length === 32);
});
