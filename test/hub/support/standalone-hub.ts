/**
 * A real hub in its own process, for tests that measure the process: SQLite
 * and a file blob store in a temporary directory, lab `acme-lab` registered
 * with the key from seed 40 (as in harness.ts), annotator `alice` with the
 * harness's password, default limits. Prints
 * "listening <url>" when it answers and runs until SIGTERM.
 *
 *   node --import tsx test/hub/support/standalone-hub.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBase64Url } from '../../../src/core/bytes.js';
import { addAnnotator } from '../../../src/hub/accounts.js';
import { startHub } from '../../../src/hub/hub-server.js';
import { registerLab } from '../../../src/hub/tenancy.js';
import { p, seed } from '../../support/fixtures.js';

const STANDALONE_HUB_ID = 'vendor-hub';
const STANDALONE_LAB = 'acme-lab';
const STANDALONE_LAB_SEED = 40;

const dir = await mkdtemp(join(tmpdir(), 'keyhole-hub-proc-'));
const hub = await startHub({
  db: `sqlite:${join(dir, 'hub.db')}`,
  blobs: join(dir, 'blobs'),
  identity: { id: STANDALONE_HUB_ID, signer: await p.ed25519FromSeed(seed(20)) },
  port: 0,
  host: '127.0.0.1',
  onInternalError: (err) => console.error('hub internal error', err),
});
const lab = await p.ed25519FromSeed(seed(STANDALONE_LAB_SEED));
await registerLab(hub.ctx, { lab: STANDALONE_LAB, signingKey: toBase64Url(lab.publicKey) });
await addAnnotator(hub.ctx, { id: 'ann-alice', username: 'alice', password: 'correct horse battery staple' });
console.log(`listening ${hub.url}`);
process.once('SIGTERM', () => {
  void hub
    .close()
    .then(() => rm(dir, { recursive: true, force: true }))
    .then(() => process.exit(0));
});
