/**
 * Child process for the crash test: a gatekeeper over SQLite, a keystore file
 * and a log directory in argv[2], serving HTTP on a loopback port. On first
 * start it sets up a vendor, a campaign, a batch of items and approved
 * devices (printing "ITEM <i> <digest>"). It prints "READY <port>" when it
 * serves. The parent SIGKILLs it at random moments.
 */
import { writeSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { toBase64Url } from '../../../src/core/bytes.js';
import { inspectItem, sealItem } from '../../../src/core/sealed-item.js';
import { openGatekeeperDatabase } from '../../../src/gatekeeper/db/database.js';
import { approveDevice, importDevice } from '../../../src/gatekeeper/enrollment.js';
import { openGatekeeper } from '../../../src/gatekeeper/gatekeeper.js';
import { gatekeeperApp } from '../../../src/gatekeeper/http.js';
import { createKeystoreFile, openKeystoreFile } from '../../../src/gatekeeper/keystore/passphrase-keystore.js';
import { registerItem, setCampaign, setVendor } from '../../../src/gatekeeper/registry.js';
import { FileSystemStorage } from '../../../src/log/fs-storage.js';
import { nodePrimitives as p } from '../../../src/platform/node-primitives.js';
import { CRASH } from './crash-fixture.js';

const dir = process.argv[2]!;
const keystorePath = join(dir, 'keystore.json');
const fresh = await access(keystorePath).then(() => false, () => true);
const root = fresh ? await createKeystoreFile(p, keystorePath, CRASH.passphrase) : await openKeystoreFile(p, keystorePath, CRASH.passphrase);
const database = await openGatekeeperDatabase(`sqlite:${join(dir, 'gatekeeper.db')}`);
const logStorage = new FileSystemStorage(join(dir, 'log'));
const gk = await openGatekeeper({ primitives: p, lab: CRASH.lab, database, root, logStorage, logOrigin: CRASH.origin, batchSize: 32, batchDelayMs: 2, alert: () => {} });

if (fresh) {
  const hub = await p.ed25519FromSeed(CRASH.hubSeed);
  await setVendor(gk, { vendor: CRASH.hub, hubKey: toBase64Url(hub.publicKey), exposureBudget: 1_000_000 });
  const now = Math.floor(Date.now() / 1000);
  await setCampaign(gk, { campaign: CRASH.campaign, policy: 'c'.repeat(64), opens: now - 60, closes: now + 86400, overlap: 16, pacePerMinute: 1_000_000, pacePerHour: 1_000_000, maxOutstanding: 1_000_000, exposureBudget: 1_000_000 });
  const kek = await gk.keks.createBatch('batch-1', CRASH.campaign);
  for (let i = 0; i < CRASH.items; i++) {
    const sealed = await sealItem(p, { lab: CRASH.lab, dataset: 'ds', batch: 'batch-1', item: `item-${i}`, campaign: CRASH.campaign, policy: 'c'.repeat(64), expires: now + 86400, labSigner: gk.labSigner, kek }, new Uint8Array(10));
    const head = await inspectItem(p, sealed);
    await registerItem(gk, head);
    writeSync(1, `ITEM ${i} ${toBase64Url(head.digest)}\n`);
  }
  for (let a = 0; a < CRASH.annotators; a++) {
    const d = await CRASH.device(a);
    await approveDevice(gk, await importDevice(gk, { vendor: CRASH.hub, annotator: `ann-${a}`, signing: toBase64Url(d.keys.signing), kex: toBase64Url(d.keys.kex) }));
  }
}
writeSync(1, `VKEY ${gk.logKey.verifierKey}\n`);
serve({ fetch: gatekeeperApp(gk, logStorage).fetch, hostname: '127.0.0.1', port: 0 }, (info) => writeSync(1, `READY ${info.port}\n`));
process.on('SIGTERM', () => {
  void gk.close().then(() => process.exit(0));
});
