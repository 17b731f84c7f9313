/**
 * Export memory and throughput: `--format hf` (train rows, one row per label,
 * dataset card) and `trl` (records + sidecar with every label) over synthetic
 * pairwise campaigns of 10 000 and 1 000 000 labels (4 overlapping annotators
 * per item, strengths, rationales, one revision in 50), each run in a fresh
 * child process so its peak RSS is its own. Flat memory means the 1M run's
 * peak RSS stays close to the 10k run's.
 *
 * Baseline in the same run: the same synthetic labels serialized as JSON
 * lines to the same disk with no export logic (the I/O ceiling).
 *
 * The labels are generated item by item and fed to `streamExport`, the
 * export's streaming core. `exportResults` reads them through
 * `CampaignStore.results()`, which loads the whole results file; that read is
 * not part of this measure.
 *
 * Prints figures, then exactly one line of JSON last.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hfSink } from '../src/lab/export-hf.js';
import { jsonlSink, streamExport, type ItemLabels } from '../src/lab/export.js';
import type { AcceptedLabel } from '../src/lab/lab-store.js';
import { round } from './measure.js';

const OVERLAP = 4;
const SIZES = [10_000, 1_000_000];

function* synthetic(labels: number): Generator<ItemLabels> {
  const items = Math.ceil(labels / OVERLAP);
  let seq = 0;
  for (let i = 0; i < items; i++) {
    const item = `item-${i}`;
    const accepted: AcceptedLabel[] = [];
    for (let k = 0; k < OVERLAP && seq < labels; k++) {
      seq++;
      const strength = ((i * 7 + k * 3) % 7) - 3;
      const choice = strength < 0 ? 'A' : strength > 0 ? 'B' : 'tie';
      accepted.push({
        seq,
        item,
        lease: `lease-${seq}`,
        annotator: `bench-vendor:annotator-${(i + k) % 200}`,
        device: 'device',
        stage: 'annotate',
        // One revision in 50: the same annotator answers again later.
        submitted: 1_800_000_000 + seq,
        label: { v: 1, task: 'pairwise', seconds: 5 + ((seq * 13) % 120), a: 'chosen', b: 'rejected', choice, strength, rationale: `reason ${seq % 97}: the ${choice === 'A' ? 'first' : 'second'} answer is clearer` },
        unblinded: { preferred: choice === 'tie' ? 'tie' : choice === 'A' ? 'chosen' : 'rejected' },
      });
      if (seq % 50 === 0 && seq < labels) {
        seq++;
        accepted.push({ ...accepted[accepted.length - 1]!, seq, lease: `lease-${seq}`, submitted: 1_800_000_000 + seq });
      }
    }
    yield {
      item: {
        item,
        digest: 'AAAA',
        batch: 'bench',
        line: i + 1,
        content: {
          variant: 'conversational',
          messages: [
            { id: 'm0', parentId: null, role: 'user', text: `Synthetic question number ${i}: how do I keep a sourdough starter alive over a long holiday?`, attrs: {} },
            { id: 'm1', parentId: 'm0', role: 'assistant', text: `Feed it, refrigerate it and refresh it twice before baking (answer one to ${i}).`, attrs: {} },
            { id: 'm2', parentId: 'm0', role: 'assistant', text: `Dry some on parchment as a backup and rehydrate it later (answer two to ${i}).`, attrs: {} },
          ],
          branches: [
            { label: 'chosen', leafId: 'm1' },
            { label: 'rejected', leafId: 'm2' },
          ],
          layout: { kind: 'explicit', promptEndId: 'm0' },
          metadata: {},
        },
        labSection: 'AAAA',
      },
      labels: accepted,
    };
  }
}

interface Run {
  seconds: number;
  labels: number;
  exported: number;
  maxRssMB: number;
}

async function child(mode: string, labels: number, dir: string): Promise<void> {
  const started = process.hrtime.bigint();
  let exported = 0;
  let count = 0;
  if (mode === 'baseline') {
    const out = createWriteStream(join(dir, 'baseline.jsonl'));
    for (const { labels: ls } of synthetic(labels)) {
      for (const l of ls) {
        if (!out.write(`${JSON.stringify(l)}\n`)) await once(out, 'drain');
        count++;
      }
      exported++;
    }
    out.end();
    await once(out, 'finish');
  } else {
    const sink = mode === 'hf' ? await hfSink({ out: join(dir, 'hf'), campaign: 'bench', items: Math.ceil(labels / OVERLAP), policyHash: null, license: 'other' }) : await jsonlSink('trl', join(dir, 'trl.jsonl'));
    const summary = await streamExport({ campaign: 'bench', format: mode === 'hf' ? 'hf' : 'trl', items: synthetic(labels), ties: 'drop', gold: new Set(), sink });
    exported = summary.exported;
    count = summary.labels;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ seconds, labels: count, exported, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

function runChild(mode: string, labels: number): Run {
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-bench-export-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, String(labels), dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`${mode} ${labels}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await child(process.argv[3]!, Number(process.argv[4]), process.argv[5]!);
    return;
  }
  const figures: Record<string, unknown> = {};
  for (const mode of ['baseline', 'trl', 'hf']) {
    const runs = SIZES.map((n) => runChild(mode, n));
    for (const [i, r] of runs.entries()) {
      console.log(`${mode.padEnd(8)} ${String(SIZES[i]).padStart(9)} labels: ${round(r.seconds, 2)} s, ${Math.round(r.labels / r.seconds)} labels/s, peak RSS ${round(r.maxRssMB, 1)} MB, ${r.exported} items`);
    }
    figures[mode] = {
      labelsPerSecond: Math.round(runs[1]!.labels / runs[1]!.seconds),
      peakRssMB: { small: round(runs[0]!.maxRssMB, 1), large: round(runs[1]!.maxRssMB, 1) },
      rssGrowth: round(runs[1]!.maxRssMB / runs[0]!.maxRssMB, 2),
    };
  }
  const base = figures.baseline as { labelsPerSecond: number };
  for (const mode of ['trl', 'hf']) {
    const f = figures[mode] as { labelsPerSecond: number; rssGrowth: number };
    console.log(`${mode}: 1M-label peak RSS is ${f.rssGrowth}x the 10k run's; throughput ${round(f.labelsPerSecond / base.labelsPerSecond, 2)}x the plain JSON-lines baseline`);
    (figures[mode] as Record<string, unknown>).vsBaseline = round(f.labelsPerSecond / base.labelsPerSecond, 3);
  }
  console.log(JSON.stringify({ bench: 'export', overlap: OVERLAP, sizes: SIZES, ...figures }));
}

await main();
