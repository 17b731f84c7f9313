/**
 * `keyhole drill` end to end, as CI runs it: the JSON report must show zero
 * plaintext in the vendor's copy, zero items opened with the keys found
 * there, a stolen device held within the exposure budget and suspended by
 * the monitor, every tampering detected, and controls that prove the search
 * and the key trial would have seen a success.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { WORKSTATION_BUNDLE } from '../../src/cli/demo-command.js';
import type { DrillReport } from '../../src/cli/drill/drill-report.js';
import { buildWorkstation } from '../../src/workstation/build.js';
import { needs } from '../support/environment.js';
import { POSTGRES_URL, postgresAvailable } from '../storage/support/postgres.js';
import { motoAvailable, startMoto } from '../storage/support/moto.js';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

async function drill(extra: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<DrillReport> {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-drill-test-'));
  try {
    const bundle = existsSync(join(WORKSTATION_BUNDLE, 'bundle.json')) ? WORKSTATION_BUNDLE : (await buildWorkstation(join(dir, 'app'))).dir;
    const json = join(dir, 'report.json');
    const markdown = join(dir, 'report.md');
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, 'drill', '--json', json, '--markdown', markdown, '--workstation', bundle, '--seconds', '60', ...extra], { maxBuffer: 1 << 24, env });
    const r = JSON.parse(await readFile(json, 'utf8')) as DrillReport;

    // Controls: planted inside the copy's hub database, the search and the key trial find what is there.
    assert.match(r.plaintext.control.plantedIn, /^hub database/);
    assert.deepEqual(r.plaintext.control.plantings.map((c) => c.planting), ['raw', 'base64', 'base64url', 'hex', 'gzip', 'gzip in base64']);
    for (const c of r.plaintext.control.plantings) assert.ok(c.canaryFound && c.wordRunFound, `planted ${c.planting}: ${JSON.stringify(c)}`);
    assert.deepEqual({ ...r.keys.control, candidates: 0 }, { plantedIn: r.plaintext.control.plantedIn, candidates: 0, dekOpensItem: true, kekUnwrapsSlot: true, resultKeyOpensLabel: true, passed: true });
    assert.ok(r.copy.sources['database files']! >= 1 && r.copy.sources['blob-store objects']! >= r.instance.itemsSealed, JSON.stringify(r.copy.sources));
    assert.equal(r.plaintext.canariesFound, 0);
    assert.equal(r.plaintext.recordsFound, 0);
    assert.ok(r.keys.candidates > 0 && r.keys.attempts > 0);
    assert.equal(r.keys.decrypted, 0);

    assert.equal(r.honest.alerts, 0, 'honest bots raise no alert');
    assert.equal(r.stolenDevice.stoppedBy, 'suspended', stderr);
    assert.ok(r.stolenDevice.itemsDecrypted <= r.stolenDevice.exposureBudget);
    assert.ok(r.stolenDevice.alerts.some((a) => a.suspended));
    assert.notEqual(r.stolenDevice.suspendedAfterMs, null);

    // Issue 17: the vendor mints an annotator and devices; the lab approves only by its own invitations.
    assert.equal(r.vendorMinted.manualApproval, false);
    assert.equal(r.verdict.vendorMintedDeviceApproved, false, JSON.stringify(r.vendorMinted.devices));
    assert.equal(r.verdict.vendorMintedKeysObtained, 0);
    for (const d of r.vendorMinted.devices) assert.ok(d.approvedAtHub && d.labApproval === 'DENIED' && d.requests > 0, JSON.stringify(d));
    assert.equal(r.vendorMinted.madeUpInvitation, 'NOT_FOUND');
    assert.deepEqual(r.vendorMinted.control, { invitedDeviceApproved: true, keysObtained: 1, passed: true }, 'control: an invited person gets a key');
    assert.equal(r.tampering.length, 3);
    for (const t of r.tampering) assert.equal(t.detected, true, `${t.attack}: ${t.by}`);
    assert.equal(r.log.integrityAlerts, 0);
    assert.equal(r.verdict.pass, true);
    assert.match(await readFile(markdown, 'utf8'), /^# keyhole drill[\s\S]*\*\*PASS\*\*/);
    return r;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('keyhole drill: the vendor breach yields no plaintext, no keys, a bounded and suspended stolen device, and no undetected tampering', { timeout: 300_000 }, async () => {
  const r = await drill([]);
  assert.deepEqual([r.instance.db, r.instance.blobs], ['sqlite', 'directory']);
});

test('keyhole drill on PostgreSQL and S3: the copy is a pg_dump and every object under the prefix, the same verdict, and the throwaway schemas are dropped', { timeout: 300_000 }, async (t) => {
  if (!needs(t, await postgresAvailable(), 'PostgreSQL')) return;
  if (!needs(t, motoAvailable(), 'moto (python3 -m moto.server)')) return;
  const moto = await startMoto();
  t.after(() => moto.stop());
  await moto.createBucket('keyhole-drill');
  const before = await drillSchemas();
  const r = await drill(['--db', POSTGRES_URL, '--blobs', 's3://keyhole-drill/items'], { ...process.env, AWS_ENDPOINT_URL: moto.endpoint });
  assert.deepEqual([r.instance.db, r.instance.blobs], ['postgres', 's3']);
  assert.deepEqual(await drillSchemas(), before);
});

async function drillSchemas(): Promise<string[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'drill\\_%' ORDER BY 1")).rows.map((r) => r.nspname);
  } finally {
    await client.end();
  }
}
