/**
 * examples/separate-hosts.sh (issue 13): the gatekeeper, the hub, a witness
 * and a monitor as separate processes, set up and operated only with the
 * commands the docs give; every item labelled, exported; and the vendor's
 * whole state (its directory, and its PostgreSQL schema and S3 objects when
 * it runs on them) holds no plaintext of the dataset nor of the minimized
 * items, raw or encoded, with a control that plants text and finds it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import test, { type TestContext } from 'node:test';
import { DEMO_DATASET } from '../../src/cli/demo-command.js';
import { plantedSearchControl, searchPlaintext, type SearchTarget } from '../../src/cli/drill/plaintext-search.js';
import { copyVendor, type CopiedFile } from '../../src/cli/drill/vendor-copy.js';
import { CampaignStore } from '../../src/lab/lab-store.js';
import { needs } from '../support/environment.js';
import { motoAvailable, startMoto } from '../storage/support/moto.js';
import { POSTGRES_URL, dropSchema, freshSchemaName, postgresAvailable } from '../storage/support/postgres.js';

const SCRIPT = new URL('../../examples/separate-hosts.sh', import.meta.url).pathname;

interface Outcome {
  lab: string;
  vendor: string;
  witness: string;
  log: string;
  vkey: string;
  export: string;
  items: number;
  labelled: number;
}

function run(env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 400_000);
    child.on('error', reject);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out;
}

function stringValues(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(stringValues);
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(stringValues);
  return [];
}

async function runAndCheck(t: TestContext, env: Record<string, string>, vendorState: (o: Outcome) => Promise<CopiedFile[]>): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'keyhole-hosts-test-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const r = await run({ WORK: work, BOTS: '3', ...env });
  assert.equal(r.status, 0, `separate-hosts.sh failed:\n${r.stderr.slice(-3000)}`);
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as Outcome;
  assert.deepEqual({ items: o.items, labelled: o.labelled }, { items: 30, labelled: 30 });
  assert.equal((await readFile(o.export, 'utf8')).trim().split('\n').length, 30, 'the export has a line per item');
  for (const dir of [o.lab, o.vendor, o.witness]) assert.ok(dir.startsWith(work), `${dir} is under the script's WORK`);

  const minimized = (await new CampaignStore(join(o.lab, 'lab'), 'c1').requireLedger()).items;
  const dataset = (await readFile(DEMO_DATASET, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const targets: SearchTarget[] = [
    ...dataset.map((line, i) => ({ id: `dataset line ${i + 1}`, texts: stringValues(JSON.parse(line)) })),
    ...minimized.map((m) => ({ id: `minimized ${m.item}`, texts: stringValues(m.content) })),
  ];
  const copy = await vendorState(o);
  assert.ok(copy.some((f) => f.source.includes('hub.yaml')) && copy.some((f) => f.source.startsWith('blob') || f.source.includes('blobs/')), 'the copy holds the hub\'s config and its sealed items');
  assert.deepEqual(searchPlaintext(copy, targets).hits, [], 'no plaintext anywhere the vendor\'s service wrote');
  const control = plantedSearchControl(copy.find((f) => f.source.includes('hub') && f.bytes.length > 1000)!);
  assert.deepEqual(control.plantings.filter((c) => !c.canaryFound || !c.wordRunFound), [], 'control: text planted in the vendor copy is found in every encoding');
}

async function vendorDirectory(o: Outcome): Promise<CopiedFile[]> {
  return Promise.all((await filesUnder(o.vendor)).map(async (f) => ({ source: `vendor file ${relative(o.vendor, f)}`, bytes: await readFile(f) })));
}

test('separate hosts on SQLite: every item labelled, and the vendor directory holds no plaintext', { timeout: 420_000 }, async (t) => {
  await runAndCheck(t, {}, vendorDirectory);
});

test('separate hosts on PostgreSQL + S3 (moto): the same, the vendor\'s schema and bucket searched too', { timeout: 420_000 }, async (t) => {
  if (!needs(t, await postgresAvailable(), 'PostgreSQL')) return;
  if (!needs(t, motoAvailable(), 'moto (python3 -m moto.server)')) return;
  const moto = await startMoto();
  t.after(() => moto.stop());
  await moto.createBucket('keyhole-hosts');
  const hubSchema = freshSchemaName();
  const gkSchema = freshSchemaName();
  t.after(async () => {
    await dropSchema(hubSchema);
    await dropSchema(gkSchema);
  });
  const env = {
    KEYHOLE_DB: POSTGRES_URL,
    KEYHOLE_HUB_DATABASE_SCHEMA: hubSchema,
    KEYHOLE_GATEKEEPER_DATABASE_SCHEMA: gkSchema,
    KEYHOLE_BLOBS: 's3://keyhole-hosts/items',
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'keyhole-test',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'keyhole-test',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  };
  await runAndCheck(t, env, async (o) => [
    ...(await vendorDirectory(o)),
    ...(await copyVendor({ dataDir: o.vendor, database: { kind: 'postgres', url: POSTGRES_URL, schema: hubSchema }, blobs: { kind: 's3', url: 's3://keyhole-hosts/items', endpoint: moto.endpoint }, configFiles: [], environment: {}, output: '' })),
  ]);
});
