/**
 * `keyhole quality` on a lab data directory: the text, JSON and HTML reports
 * from the labels a CampaignStore holds; the HTML page is self-contained,
 * runs nothing and escapes what the vendor chose (annotator pseudonyms).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { Command } from 'commander';
import { createOperatorKey } from '../../src/cli/lab-operator.js';
import { registerQualityCommand } from '../../src/cli/quality-command.js';
import { CampaignStore } from '../../src/lab/lab-store.js';
import { pairItem, pairLabel } from './support/labels.js';

const HOSTILE = 'v:<img src=x onerror=alert(1)>-with-a-rather-long-pseudonym';

/** A lab config as `keyhole operator init` writes it, its state directory holding campaign camp-1. */
async function labDir(): Promise<{ dir: string; config: string; store: CampaignStore }> {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-quality-'));
  await createOperatorKey(join(dir, 'alice.key'));
  const config = join(dir, 'lab.yaml');
  await writeFile(config, 'gatekeeper: http://127.0.0.1:9/\nlab: acme\noperator: alice\noperatorKey: alice.key\nstate: lab-state\n');
  const store = new CampaignStore(join(dir, 'lab-state'), 'camp-1');
  const items = Array.from({ length: 6 }, (_, i) => pairItem(`i${i}`, i + 1));
  await store.writeLedger({ v: 1, campaign: 'camp-1', dataset: '/d.jsonl', datasetSha256: '00', items });
  const accepted = items.flatMap((it) => [pairLabel(it.item, 'v:ann-1', -2, { seconds: 30 }), pairLabel(it.item, 'v:ann-2', -1, { seconds: 45 }), pairLabel(it.item, HOSTILE, 3, { seconds: 1 })]);
  await store.writeResults({ v: 1, cursor: accepted.length, accepted, refused: [] });
  return { dir, config, store };
}

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerQualityCommand(program);
  const out: string[] = [];
  const log = console.log;
  console.log = (...x: unknown[]) => void out.push(x.join(' '));
  try {
    await program.parseAsync(['node', 'keyhole', 'quality', ...args]);
  } finally {
    console.log = log;
  }
  return out.join('\n');
}

test('keyhole quality: text, --json and --html from the collected labels, with --gold', async (t) => {
  const { dir, config } = await labDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'gold.jsonl'), '{"line": 1, "preferred": "chosen"}\n{"item": "i1", "preferred": "chosen"}\n{"item": "i2", "preferred": "chosen"}\n');
  const text = await run(['--config', config, '--campaign', 'camp-1', '--gold', join(dir, 'gold.jsonl')]);
  assert.match(text, /campaign camp-1 \(pairwise\): 18 labels by 3 annotators on 6 of 6 items/);
  assert.match(text, /Krippendorff's alpha, nominal/);
  assert.match(text, /Fleiss' kappa/);
  assert.match(text, /accuracy on 3 gold items: 66\.7% \(6\/9\)/);
  assert.match(text, /STANDS OUT v:<img/);

  const json = JSON.parse(await run(['--config', config, '--campaign', 'camp-1', '--json'])) as { outliers: Array<{ annotator: string }>; source: { agree: number; n: number } };
  assert.deepEqual(json.outliers.map((o) => o.annotator), [HOSTILE]);
  assert.deepEqual([json.source.agree, json.source.n], [12, 18]);

  const page = join(dir, 'quality.html');
  await run(['--config', config, '--campaign', 'camp-1', '--html', page]);
  const html = await readFile(page, 'utf8');
  assert.doesNotMatch(html, /<script|<img|onerror=alert\(1\)>|src=["']?http|<link /i, 'no script, no markup from a pseudonym, no outside asset');
  assert.match(html, /v:&lt;img src=x onerror=alert\(1\)&gt;-with-a-rather-long-pseudonym/);
  for (const id of ['agreement-chart', 'time-chart', 'speed-chart']) assert.match(html, new RegExp(`<svg id="${id}"`));
  // The label column is wide enough for the longest pseudonym: its bar starts right of it.
  const bar = /<svg id="agreement-chart"[^]*?<text x="(\d+)"[^>]*text-anchor="end">v:&lt;img/.exec(html);
  assert.ok(bar !== null && Number(bar[1]) >= HOSTILE.length * 7, 'label column fits the name');
});

test('keyhole quality: says what to run when nothing was collected, and refuses a gold answer for an item the campaign lacks', async (t) => {
  const { dir, config, store } = await labDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'gold.jsonl'), '{"item": "nope", "preferred": "chosen"}\n');
  await assert.rejects(run(['--config', config, '--campaign', 'camp-1', '--gold', join(dir, 'gold.jsonl')]), /gold\.jsonl:1: the campaign has no item nope/);
  await store.writeResults({ v: 1, cursor: 0, accepted: [], refused: [] });
  await assert.rejects(run(['--config', config, '--campaign', 'camp-1']), /no collected labels yet; run `keyhole results pull`/);
  await assert.rejects(run(['--config', config]), /name the campaign with --campaign/);
});
