/**
 * The whole exchange end to end (issue 9): the demo's exchange with SDK bots
 * on SQLite and on PostgreSQL + S3 (moto); the lab's export must say, item by
 * item, what the bots chose. Also: `keyhole demo --bots --exit-after-bots`
 * as a process, a restart on the same data directory, a label the hub
 * altered is refused with its reason, a hostile dataset is refused by
 * file:line before anything is sealed, and no plaintext reaches the vendor.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { inspectItem, unwrapDek } from '../../src/core/sealed-item.js';
import { runBots, type BotChoice } from '../../src/cli/demo/bots.js';
import { DataDirLayout, startExchange, type Exchange, type ExchangeOptions } from '../../src/cli/demo/exchange.js';
import { keyCandidates, plantedKeyControl, tryKeys } from '../../src/cli/drill/key-trial.js';
import { plantInside, plantedSearchControl, searchPlaintext, type SearchTarget } from '../../src/cli/drill/plaintext-search.js';
import { copyVendor, type CopiedFile, type VendorSources } from '../../src/cli/drill/vendor-copy.js';
import { parseSlot } from '../../src/gatekeeper/keystore/keks.js';
import { stringValues } from '../../src/lab/text-fingerprint.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { DEMO_DATASET } from '../../src/cli/demo-command.js';
import { exportResults, sidecarPath, type Sidecar } from '../../src/lab/export.js';
import { buildWorkstation } from '../../src/workstation/build.js';
import { needs } from '../support/environment.js';
import { CHROMIUM, launchChromium } from '../workstation/support/browser.js';
import { motoAvailable, startMoto } from '../storage/support/moto.js';
import { POSTGRES_URL, dropSchema, freshSchemaName, postgresAvailable } from '../storage/support/postgres.js';

let bundleDir = '';
const temps: string[] = [];

before(async () => {
  bundleDir = await tmp('keyhole-ex-bundle-');
  await buildWorkstation(bundleDir);
});

after(async () => {
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

async function tmp(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

function start(dataDir: string, extra: Partial<ExchangeOptions> = {}): Promise<Exchange> {
  return startExchange({ dataDir, dataset: DEMO_DATASET, format: 'auto', bundleDir, monitor: false, pace: { perMinute: 100_000, perHour: 1_000_000 }, ...extra });
}

async function exported(ex: Exchange, format: string, reidentify = false): Promise<{ lines: Record<string, unknown>[]; sidecar: Sidecar; text: string }> {
  const out = join(await tmp('keyhole-ex-out-'), `export.${format}.jsonl`);
  const openLabSection = async (digest: string, section: string): Promise<string> => (await ex.admin.labSections(ex.campaign, [{ digest, section }]))[0]!;
  const sidecar = await exportResults({ store: ex.store, format, out, reidentify, openLabSection });
  const text = await readFile(out, 'utf8');
  assert.deepEqual(JSON.parse(await readFile(sidecarPath(out), 'utf8')), JSON.parse(JSON.stringify(sidecar)));
  return { lines: text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>), sidecar, text };
}

/** Every exported TRL record's chosen reply is the reply every bot that labelled the item preferred. */
function assertExportMatchesBots(lines: Record<string, unknown>[], sidecar: Sidecar, choices: readonly BotChoice[], items: number, overlap: number): void {
  assert.equal(lines.length, items);
  assert.equal(sidecar.records.length, items);
  assert.equal(choices.length, items * overlap);
  const byItem = new Map<string, BotChoice[]>();
  for (const c of choices) byItem.set(c.item, [...(byItem.get(c.item) ?? []), c]);
  sidecar.records.forEach((r, i) => {
    const bots = byItem.get(r.item) ?? [];
    assert.equal(bots.length, overlap, `item ${r.item}: labelled by ${bots.length} bots`);
    const chosen = lines[i]!.chosen as Array<{ role: string; content: string }>;
    for (const b of bots) assert.equal(chosen[chosen.length - 1]!.content, b.preferredText, `item ${r.item}: export differs from what ${b.annotator} chose`);
    assert.deepEqual(new Set(r.labels.map((l) => l.annotator)), new Set(bots.map((b) => `demo-vendor:${b.annotator}`)));
    assert.equal(r.agreement, overlap > 1 ? 1 : null);
  });
}

/** Strings the demo dataset holds: personal data minimization replaces, and text it keeps (sealed for the vendor). */
const NEEDLES = ['marisol.quenby@mailbox-demo-org.com', 'Marisol Quenby', 'Routers are complicated', 'Rayleigh scattering'];

/**
 * Copies everything the vendor holds (tools of the drill, src/cli/drill) and searches it as the
 * drill's attacker does, raw and after base64, base64url, hex and gzip decoding: for the needles,
 * and for every eight-word run of every record as ingested and as minimized (what annotators saw).
 * Then tries every key-shaped value in the copy on sealed items. Each search has its control planted
 * inside the copy's hub database: text in every encoding, a minimized record, and real keys.
 */
async function assertVendorHoldsNoPlaintext(ex: Exchange, sources: Pick<VendorSources, 'dataDir' | 'database' | 'blobs'>): Promise<void> {
  const copy: CopiedFile[] = await copyVendor({ ...sources, configFiles: [DataDirLayout.hubKey], environment: {}, output: '' });
  const dataset = (await readFile(DEMO_DATASET, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  for (const n of NEEDLES) assert.ok(dataset.some((l) => l.includes(n)), `the dataset holds "${n}"`);
  const minimized = (await ex.store.requireLedger()).items.map((i) => ({ id: `minimized ${i.item}`, texts: stringValues(i.content) }));
  const targets: SearchTarget[] = [
    ...NEEDLES.map((n) => ({ id: `needle ${n}`, canary: n, texts: [] })),
    ...dataset.map((line, i) => ({ id: `dataset line ${i + 1}`, texts: stringValues(JSON.parse(line)) })),
    ...minimized,
  ];
  assert.ok(minimized.length >= 30 && minimized.every((m) => m.texts.join(' ').split(/\s+/).length >= 8), 'every minimized record has a word run to search for');
  const search = searchPlaintext(copy, targets);
  assert.deepEqual(search.hits, [], 'no plaintext in the vendor copy');

  const db = copy.find((f) => f.source.startsWith('hub database'));
  assert.ok(db, 'the copy holds the hub database');
  const control = plantedSearchControl(db);
  assert.deepEqual(control.plantings.filter((c) => !c.canaryFound || !c.wordRunFound), [], 'control: planted text is found in every encoding');
  const record = minimized[0]!;
  const planted = plantInside(db.bytes, Buffer.from(gzipSync(record.texts.join('\n')).toString('base64')));
  const plantedHits = searchPlaintext([{ source: db.source, bytes: planted }], targets).hits;
  assert.ok(plantedHits.some((h) => h.record === record.id && h.decoded === 'base64 > gzip'), `control: a minimized record planted gzip-in-base64 is found: ${JSON.stringify(plantedHits)}`);

  const items = copy.filter((f) => f.source.startsWith('blob')).slice(0, 3).map((f) => f.bytes);
  assert.equal(items.length, 3);
  const now = Math.floor(Date.now() / 1000);
  const trial = await tryKeys(p, keyCandidates(copy), { items, labels: [], labPublicKey: ex.gk.labSigner.publicKey }, now);
  assert.ok(trial.candidates > 0, 'the copy holds key-shaped values to try');
  assert.deepEqual({ opened: trial.itemsOpened, unwrapped: trial.slotsUnwrapped }, { opened: 0, unwrapped: 0 }, 'no key in the vendor copy opens an item or its key slot');
  const head = await inspectItem(p, items[0]!);
  const kek = await ex.gk.keks.kek(parseSlot(JSON.stringify(head.slot)).kek);
  const keyControl = await plantedKeyControl(p, db, { dek: await unwrapDek(p, kek, head), kek: kek.key }, { items: [items[0]!], labels: [], labPublicKey: ex.gk.labSigner.publicKey }, now);
  assert.equal(keyControl.passed, true, `control: real keys planted in the copy are found and open the item: ${JSON.stringify(keyControl)}`);
}

test('SQLite: bots label everything, the lab collects and exports exactly their choices', { timeout: 240_000 }, async (t) => {
  const dataDir = await tmp('keyhole-ex-sqlite-');
  let ex = await start(dataDir, { overlap: 2 });
  t.after(() => ex.close());
  assert.equal(ex.ingest.records, 30);
  assert.equal(ex.ingest.sealed, 30);
  assert.ok((ex.ingest.entities['email/email'] ?? 0) > 0, 'the demo dataset shows minimization');

  const run = await runBots(ex, { count: 4 });
  for (const r of run.results) assert.equal(r.stopped, 'queue-empty');

  await t.test('labels the hub altered, re-bound or re-attributed are refused with the reason; the rest are accepted', async () => {
    const rows = await ex.hubDb.db.selectFrom('submissions').select(['seq', 'label', 'item', 'annotator']).orderBy('seq').limit(3).execute();
    const [altered, rebound, reattributed] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    const label = JSON.parse(altered.label) as { ct: string };
    label.ct = (label.ct[0] === 'A' ? 'B' : 'A') + label.ct.slice(1);
    await ex.hubDb.db.updateTable('submissions').set({ label: JSON.stringify(label) }).where('seq', '=', altered.seq).execute();
    const otherItem = rows.find((r) => r.item !== rebound.item)?.item ?? (await ex.store.requireLedger()).items.find((i) => i.item !== rebound.item)!.item;
    await ex.hubDb.db.updateTable('submissions').set({ item: otherItem }).where('seq', '=', rebound.seq).execute();
    const otherBot = reattributed.annotator === 'bot-1' ? 'bot-2' : 'bot-1';
    await ex.hubDb.db.updateTable('submissions').set({ annotator: otherBot }).where('seq', '=', reattributed.seq).execute();

    const report = await ex.collect();
    assert.equal(report.accepted, 57);
    const reasons = new Map(report.refused.map((r) => [r.seq, r.reason]));
    assert.equal(reasons.size, 3);
    assert.match(reasons.get(altered.seq)!, /signature or encryption does not verify/);
    assert.match(reasons.get(rebound.seq)!, new RegExp(`label's item is ${rebound.item}, the submission's is ${otherItem}`));
    assert.match(reasons.get(reattributed.seq)!, new RegExp(`device belongs to ${ex.vendor}:${reattributed.annotator}, but the hub says ${ex.vendor}:${otherBot}`));
    assert.equal((await ex.collect()).pulled, 0, 'the cursor moved past refused submissions');

    // Put the rows back as the devices signed them and pull again from the start: exactly those three are added.
    for (const r of rows) await ex.hubDb.db.updateTable('submissions').set({ label: r.label, item: r.item, annotator: r.annotator }).where('seq', '=', r.seq).execute();
    const results = await ex.store.results();
    await ex.store.writeResults({ ...results, refused: [], cursor: 0 });
    const repaired = await ex.collect();
    assert.equal(repaired.accepted, 3);
    assert.equal(repaired.total.accepted, 60);
    assert.equal(repaired.total.itemsLabelled, 30);
  });

  await t.test('TRL export: item by item what the bots chose, with agreement 1 on every doubly labelled item', async () => {
    const { lines, sidecar, text } = await exported(ex, 'trl');
    assertExportMatchesBots(lines, sidecar, run.choices, 30, 2);
    assert.doesNotMatch(text, /marisol\.quenby@mailbox-demo-org\.com|Marisol Quenby/, 'pseudonyms stay without --reidentify');
    assert.equal(sidecar.annotators.length, 4);
  });

  await t.test('every export format is written by its minimize writer; --reidentify puts the originals back', async () => {
    for (const format of ['openai-dpo', 'hh-rlhf', 'oasst']) {
      const { lines, sidecar } = await exported(ex, format);
      assert.equal(lines.length, 30, format);
      assert.equal(sidecar.format, format);
    }
    const dpo = (await exported(ex, 'openai-dpo')).lines[0]!;
    assert.ok(Array.isArray(dpo.preferred_output) && Array.isArray(dpo.non_preferred_output) && typeof dpo.input === 'object');
    const hh = await exported(ex, 'hh-rlhf', true);
    assert.match(hh.text, /Marisol Quenby/);
    assert.match(String(hh.lines[0]!.chosen), /^\n\nHuman: /);
  });

  await t.test('the vendor side holds no plaintext, raw or encoded: not the personal data, not even the minimized text', async () => {
    await assertVendorHoldsNoPlaintext(ex, {
      dataDir,
      database: { kind: 'sqlite', files: [DataDirLayout.hubDb, `${DataDirLayout.hubDb}-wal`, `${DataDirLayout.hubDb}-shm`] },
      blobs: { kind: 'dir', path: join(dataDir, DataDirLayout.blobs) },
    });
  });

  await t.test('a restart on the same data directory resumes: nothing sealed again, results kept', async () => {
    await ex.close();
    ex = await start(dataDir);
    assert.equal(ex.ingest.sealed, 0);
    assert.equal(ex.ingest.alreadyIngested, 30);
    assert.equal((await ex.store.results()).accepted.length, 60);
    assert.equal((await ex.collect()).pulled, 0);
  });
});

test('OASST trees: ranked through the loop, un-blinded to the source order, exported ranked', { timeout: 120_000 }, async (t) => {
  const dataDir = await tmp('keyhole-ex-oasst-');
  const dataset = join(dataDir, 'trees.jsonl');
  const trees = Array.from({ length: 6 }, (_, i) => ({
    message_tree_id: `tree-${i}`,
    prompt: {
      message_id: `p${i}`,
      role: 'prompter',
      text: `Which fruit should I plant in garden plot ${i}?`,
      replies: ['apples grow well in cool climates', 'pears need a second tree nearby', 'plums tolerate heavy soil'].map((r, k) => ({ message_id: `p${i}-r${k}`, role: 'assistant', text: `Reply ${k} for plot ${i}: ${r}.`, rank: k })),
    },
  }));
  await writeFile(dataset, `${trees.map((x) => JSON.stringify(x)).join('\n')}\n`);
  const ex = await start(dataDir, { dataset, format: 'oasst' });
  t.after(() => ex.close());
  assert.equal(ex.manifest.body.task, 'ranking');
  const run = await runBots(ex, { count: 2 });
  assert.equal(run.choices.length, 6);
  const report = await ex.collect();
  assert.equal(report.accepted, 6);
  const ledger = await ex.store.requireLedger();
  for (const a of (await ex.store.results()).accepted) {
    const choice = run.choices.find((c) => c.item === a.item)!;
    const tree = trees[ledger.items.find((i) => i.item === a.item)!.line - 1]!;
    assert.ok('order' in a.unblinded);
    const best = Number(/^reply-(\d)$/.exec(a.unblinded.order[0]!)![1]);
    assert.equal(tree.prompt.replies[best]!.text, choice.preferredText, 'un-blinding names the source reply the bot ranked first');
  }
  const oasstOut = await exported(ex, 'oasst');
  oasstOut.sidecar.records.forEach((r, i) => {
    const replies = (oasstOut.lines[i]!.prompt as { replies: Array<{ text: string; rank: number }> }).replies;
    assert.equal(replies.length, 3);
    assert.equal(replies.find((x) => x.rank === 0)!.text, run.choices.find((c) => c.item === r.item)!.preferredText);
  });
  const trl = await exported(ex, 'trl');
  assertExportMatchesBots(trl.lines, trl.sidecar, run.choices, 6, 1);
});

test('the demo\'s printed login works in Chromium: sign in, the lab approves the device, a label by keyboard reaches the lab', { timeout: 120_000 }, async (t) => {
  if (!needs(t, existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`)) return;
  const ex = await start(await tmp('keyhole-ex-browser-'));
  t.after(() => ex.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(ex.urls.workstation);
  await page.waitForSelector('input[type="password"]');
  const login = ex.logins[0]!;
  await page.keyboard.type(login.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(login.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.campaigns button:not([disabled])');
  await page.keyboard.press('1');
  // The demo's lab approves new devices of rostered annotators on its own, every half second.
  await page.waitForSelector('[data-phase="ready"]', { timeout: 30_000 });
  await page.keyboard.press('a');
  await page.keyboard.press('3');
  await page.keyboard.press('r');
  await page.keyboard.type('A answers the question.');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Enter');
  // Wait for the label to arrive; the deadline only guards against a hang on a loaded machine.
  let report = await ex.collect();
  for (const deadline = Date.now() + 60_000; report.total.accepted === 0; report = await ex.collect()) {
    assert.ok(Date.now() < deadline, 'the label submitted in Chromium did not reach the lab within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(report.total.accepted, 1);
  const [accepted] = (await ex.store.results()).accepted;
  assert.equal(accepted!.annotator, `demo-vendor:${login.annotator}`);
  assert.deepEqual({ ...accepted!.label, seconds: 0, a: 'x', b: 'x' }, { v: 1, task: 'pairwise', seconds: 0, a: 'x', b: 'x', choice: 'A', strength: -3, rationale: 'A answers the question.' });
});

test('hostile dataset: bad records are reported by file:line and field and left out; the rest are sealed', { timeout: 60_000 }, async (t) => {
  const dataDir = await tmp('keyhole-ex-bad-');
  const bad = join(dataDir, 'bad.jsonl');
  const good = (await readFile(DEMO_DATASET, 'utf8')).split('\n')[0]!;
  await writeFile(bad, [good, '{"prompt": [', JSON.stringify({ chosen: 3, rejected: 'x' }), good, ''].join('\n'));
  const ex = await start(dataDir, { dataset: bad, format: 'trl-preference' });
  t.after(() => ex.close());
  assert.deepEqual({ records: ex.ingest.records, failed: ex.ingest.failed, sealed: ex.ingest.sealed }, { records: 4, failed: 2, sealed: 2 });
  assert.match(ex.ingest.failures[0]!, /bad\.jsonl:2: not valid JSON/);
  assert.match(ex.ingest.failures[1]!, /bad\.jsonl:3: .*chosen/);
  assert.deepEqual((await ex.store.requireLedger()).items.map((i) => i.line), [1, 4]);
  const atHub = await ex.hubDb.db.selectFrom('items').select('item').execute();
  assert.deepEqual(atHub.map((i) => i.item).sort(), (await ex.store.requireLedger()).items.map((i) => i.item).sort(), 'only the two good records reached the hub');
});

test('`keyhole demo --bots 3 --exit-after-bots`, then `keyhole export`, as processes', { timeout: 180_000 }, async () => {
  const dataDir = await tmp('keyhole-ex-cli-');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 150_000 });
  const demo = cli('demo', '--data-dir', dataDir, '--bots', '3', '--exit-after-bots', '--port', '0', '--workstation', bundleDir);
  assert.equal(demo.status, 0, demo.stderr);
  assert.match(demo.stdout, /workstation {3}http:\/\/127\.0\.0\.1:\d+\/workstation\/\n {16}sign in as annotator-1 \/ \S+/);
  assert.match(demo.stdout, /audit page {4}http:\/\/127\.0\.0\.1:\d+\//);
  assert.match(demo.stdout, /accepted 30, refused 0/);
  assert.match(demo.stdout, /30 of 30 items labelled/);
  // The lab's tools take the lab config the demo wrote; with the demo stopped there is no gatekeeper to open anything.
  const labYaml = join(dataDir, 'lab.yaml');
  const exp = cli('export', '--format', 'trl', '--config', labYaml);
  assert.equal(exp.status, 0, exp.stderr);
  assert.match(exp.stdout, /wrote 30 trl records .* \(pseudonyms kept\)/);
  const pull = cli('results', 'pull', '--config', labYaml);
  assert.equal(pull.status, 1);
  assert.match(pull.stderr, /cannot reach the gatekeeper's admin API at http:\/\/127\.0\.0\.1:\d+\/; is `keyhole gatekeeper serve` running/);
});

test('PostgreSQL + S3 (moto): the same loop, exports equal the bots\' choices', { timeout: 240_000 }, async (t) => {
  if (!needs(t, await postgresAvailable(), 'PostgreSQL')) return;
  if (!needs(t, motoAvailable(), 'moto (python3 -m moto.server)')) return;
  const moto = await startMoto();
  t.after(() => moto.stop());
  await moto.createBucket('keyhole-exchange');
  const prefix = freshSchemaName();
  t.after(async () => {
    await dropSchema(`${prefix}_hub`);
    await dropSchema(`${prefix}_gatekeeper`);
  });
  const dataDir = await tmp('keyhole-ex-pg-');
  const ex = await start(dataDir, { db: POSTGRES_URL, pgSchemaPrefix: prefix, blobs: 's3://keyhole-exchange/items', s3Endpoint: moto.endpoint });
  t.after(() => ex.close());
  assert.equal(ex.hubDb.dialect, 'postgres');
  assert.equal(ex.gatekeeperDb.dialect, 'postgres');
  const run = await runBots(ex, { count: 3 });
  for (const r of run.results) assert.equal(r.stopped, 'queue-empty');
  const report = await ex.collect();
  assert.equal(report.accepted, 30);
  assert.deepEqual(report.refused, []);
  const { lines, sidecar } = await exported(ex, 'trl');
  assertExportMatchesBots(lines, sidecar, run.choices, 30, 1);
  await assert.rejects(stat(join(dataDir, DataDirLayout.blobs)), { code: 'ENOENT' }, 'sealed items went to S3, not to disk');
  await assertVendorHoldsNoPlaintext(ex, {
    dataDir,
    database: { kind: 'postgres', url: POSTGRES_URL, schema: `${prefix}_hub` },
    blobs: { kind: 's3', url: 's3://keyhole-exchange/items', endpoint: moto.endpoint },
  });
});
