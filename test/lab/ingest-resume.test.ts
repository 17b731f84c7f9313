/**
 * `keyhole ingest` killed with SIGKILL at random points resumes to the same
 * final state (issue 13): after five killed runs and one that finishes, the
 * lab's ledger, the gatekeeper's uploaded items and the hub's items are the
 * same set of items with the same digests, every record is there once, and
 * nothing registered at the gatekeeper is missing at the hub. The ingest
 * runs as its own process against a running gatekeeper and hub, through the
 * admin API, as a lab machine would.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import test from 'node:test';
import { DEMO_DATASET } from '../../src/cli/demo-command.js';
import { startExchange } from '../../src/cli/demo/exchange.js';
import { CampaignStore } from '../../src/lab/lab-store.js';
import { buildWorkstation } from '../../src/workstation/build.js';

const CAMPAIGN = 'resume-c';
const COPIES = 16;

/** Runs the CLI as its own process without blocking this one (which serves the gatekeeper and the hub it talks to). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs an ingest and kills it with SIGKILL after `progressLines` progress events and `delayMs` more; resolves when it is gone. */
function killedIngest(args: string[], progressLines: number, delayMs: number): Promise<{ killed: boolean; progress: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let progress = 0;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    if (progressLines === 0) kill();
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"event":"progress"') && ++progress >= progressLines) kill();
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      resolve({ killed: signal === 'SIGKILL', progress });
    });
  });
}

test('ingest killed with SIGKILL at random points resumes to one consistent final state', { timeout: 600_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-resume-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const bundleDir = join(dir, 'bundle');
  await buildWorkstation(bundleDir);
  const dataDir = join(dir, 'demo');
  const ex = await startExchange({ dataDir, dataset: DEMO_DATASET, format: 'auto', bundleDir, monitor: false });
  t.after(() => ex.close());
  const labYaml = join(dataDir, 'lab.yaml');

  const created = await cli(['campaign', 'create', CAMPAIGN, '--vendor', ex.vendor, '--task', 'pairwise', '--budget', '100', '--config', labYaml]);
  assert.equal(created.status, 0, created.stderr);
  const lines = (await readFile(DEMO_DATASET, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const dataset = join(dir, 'big.jsonl');
  await writeFile(dataset, `${Array.from({ length: COPIES }, () => lines.join('\n')).join('\n')}\n`);
  const expected = lines.length * COPIES;
  const args = ['ingest', dataset, '--campaign', CAMPAIGN, '--config', labYaml, '--json'];

  // Seeded so a failure can be replayed: the kill points are printed.
  let seed = Number(process.env.KEYHOLE_TEST_SEED ?? Date.now() % 100_000);
  const random = (n: number): number => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed % n;
  };
  const kills: string[] = [];
  for (let round = 0; round < 5; round++) {
    const at = 1 + random(6);
    const delay = random(300);
    const r = await killedIngest(args, at, delay);
    kills.push(`after ${at} progress events + ${delay} ms: ${r.killed ? 'killed' : 'finished first'} (${r.progress} chunks done)`);
  }
  t.diagnostic(`kill points (seed ${process.env.KEYHOLE_TEST_SEED ?? 'from the clock'}): ${kills.join('; ')}`);

  const last = await cli(args);
  assert.equal(last.status, 0, last.stderr);
  const done = JSON.parse(last.stdout.trim().split('\n').pop()!) as { event: string; records: number; sealed: number; alreadyIngested: number };
  assert.equal(done.event, 'done');
  assert.equal(done.records, expected);

  const ledger = (await ex.admin.campaigns()) as Array<{ campaign: string; items: number; uploaded: number }>;
  const summary = ledger.find((c) => c.campaign === CAMPAIGN)!;
  assert.deepEqual({ items: summary.items, uploaded: summary.uploaded }, { items: expected, uploaded: expected }, 'the gatekeeper registered each record once and every registration reached the hub');

  const local = (await new CampaignStore(join(dataDir, 'lab'), CAMPAIGN).requireLedger()).items;
  const gatekeeper = await ex.gk.db.selectFrom('items').select(['item', 'digest']).where('campaign', '=', CAMPAIGN).execute();
  const hub = await ex.hubDb.db.selectFrom('items').select(['item', 'digest']).where('campaign', '=', CAMPAIGN).execute();
  const asMap = (rows: ReadonlyArray<{ item: string; digest: string }>): Record<string, string> => Object.fromEntries(rows.map((r) => [r.item, r.digest]).sort());
  assert.equal(local.length, expected, 'the lab ledger lists every record once');
  assert.equal(new Set(local.map((i) => i.line)).size, expected);
  assert.deepEqual(asMap(gatekeeper), asMap(local), 'the gatekeeper and the lab agree on every item and digest');
  assert.deepEqual(asMap(hub), asMap(local), 'the hub holds exactly those items, under the same digests');
});
