/**
 * `keyhole export --format hf`: a folder that Hugging Face `datasets` loads
 * with its `json` loader (`load_dataset("json", data_files=…)`, or
 * `load_dataset(folder)` through the card's `configs`):
 *
 *   README.md          dataset card: YAML header (license, configs, features)
 *                      and counts, agreement, policy hash, campaign
 *   data/train.jsonl   one row per exported item: TRL conversational
 *                      preference columns (prompt, chosen, rejected, margin)
 *                      and the aggregate, gold and review status
 *   data/labels.jsonl  one row per label: every overlapping annotator's
 *                      answer, strength, rationale, rubric scores, time,
 *                      including the labels of items `default` leaves out
 *
 * Every row of a file has the same columns with the same types (null where a
 * task has no such field), and the card declares them as `features`, so the
 * loader never has to guess a type from the first rows. The folder is built
 * under a temporary name and renamed into place when complete.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fail } from '../core/errors.js';
import { RUBRIC_ASPECTS } from '../core/label-plaintext.js';
import type { Message } from '../minimize/conversation.js';
import { LineFile, marginOf, type ExportedItem, type ExportedLabel, type ExportSink, type ExportSummary, type LeftOutItem, type SidecarRecord } from './export.js';

type Feature = 'string' | 'int64' | 'float64' | 'bool' | { readonly sequence: 'string' } | { readonly list: Fields } | { readonly struct: Fields };
type Fields = ReadonlyArray<readonly [string, Feature]>;

const MESSAGE: Fields = [
  ['role', 'string'],
  ['content', 'string'],
];

/** The columns of data/train.jsonl. */
export const TRAIN_FEATURES: Fields = [
  ['item', 'string'],
  ['source_line', 'int64'],
  ['prompt', { list: MESSAGE }],
  ['chosen', { list: MESSAGE }],
  ['rejected', { list: MESSAGE }],
  ['margin', 'float64'],
  ['ranking', { list: [['key', 'string'], ['source_name', 'string'], ['mean_rank', 'float64'], ['content', 'string']] }],
  ['method', 'string'],
  ['vote_margin', 'int64'],
  ['agreement', 'float64'],
  ['agrees_with_source', 'bool'],
  ['tie', 'bool'],
  ['gold', 'bool'],
  ['reviewed', 'bool'],
  ['labels', 'int64'],
  ['annotators', { sequence: 'string' }],
];

/** The columns of data/labels.jsonl. */
export const LABEL_FEATURES: Fields = [
  ['item', 'string'],
  ['exported', 'bool'],
  ['left_out', 'string'],
  ['annotator', 'string'],
  ['stage', 'string'],
  ['submitted', 'int64'],
  ['seconds', 'int64'],
  ['superseded', 'bool'],
  ['gold', 'bool'],
  ['task', 'string'],
  ['preferred', 'string'],
  ['choice', 'string'],
  ['strength_toward_chosen', 'int64'],
  ['order', { sequence: 'string' }],
  ['rankable', 'bool'],
  ['reason', 'string'],
  ['rationale', 'string'],
  ['response', 'string'],
  ['ratings', { struct: RUBRIC_ASPECTS.map((a) => [a, 'int64'] as const) }],
  ['comment', 'string'],
  ['flags', { sequence: 'string' }],
  ['outcome', 'string'],
  ['severity', 'string'],
  ['notes', 'string'],
  ['rewrite', 'string'],
];

function yamlFeatures(fields: Fields, indent: string): string {
  return fields
    .map(([name, f]) => {
      const head = `${indent}- name: ${name}\n`;
      if (typeof f === 'string') return `${head}${indent}  dtype: ${f}\n`;
      if ('sequence' in f) return `${head}${indent}  sequence: ${f.sequence}\n`;
      if ('list' in f) return `${head}${indent}  list:\n${yamlFeatures(f.list, `${indent}  `)}`;
      return `${head}${indent}  struct:\n${yamlFeatures(f.struct, `${indent}  `)}`;
    })
    .join('');
}

const messagesOf = (path: readonly Message[], table: ExportedItem['table']): Array<{ role: string; content: string }> =>
  path.map((m) => ({ role: m.role, content: table === undefined ? m.text : reidentify(m.text, table) }));

function reidentify(text: string, table: NonNullable<ExportedItem['table']>): string {
  let out = text;
  for (const e of [...table].sort((x, y) => y.surrogate.length - x.surrogate.length)) out = out.split(e.surrogate).join(e.original);
  return out;
}

/** The train row: the best response as chosen, the worst as rejected, the prompt they share. */
export function trainRow(x: ExportedItem): Record<string, unknown> {
  const { record, paths, table } = x;
  const best = paths.get(record.order[0]!)!;
  const worst = paths.get(record.order[record.order.length - 1]!)!;
  let shared = 0;
  while (shared < best.length && shared < worst.length && best[shared]!.id === worst[shared]!.id) shared++;
  const agg = record.aggregate;
  return {
    item: record.item,
    source_line: record.sourceLine,
    prompt: messagesOf(best.slice(0, shared), table),
    chosen: messagesOf(best.slice(shared), table),
    rejected: messagesOf(worst.slice(shared), table),
    margin: marginOf(agg),
    ranking:
      'meanRank' in agg
        ? record.order.map((k, i) => ({ key: k, source_name: record.sourceOrder[i] ?? null, mean_rank: agg.meanRank[k]!, content: messagesOf(paths.get(k)!.slice(-1), table)[0]!.content }))
        : null,
    method: agg.method,
    vote_margin: 'voteMargin' in agg ? agg.voteMargin : null,
    agreement: record.agreement,
    agrees_with_source: record.agreesWithSource,
    tie: record.tie,
    gold: record.gold,
    reviewed: record.review === 'reviewed',
    labels: record.labels.length,
    annotators: [...new Set(record.labels.map((l) => l.annotator))],
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

interface LabelledItem {
  readonly item: string;
  readonly gold: boolean;
  readonly labels: readonly ExportedLabel[];
  /** The exported first response's key; undefined for an item left out. */
  readonly chosen: string | undefined;
  readonly leftOut: LeftOutItem['reason'] | null;
}

export const exportedLabels = (record: SidecarRecord): LabelledItem => ({ item: record.item, gold: record.gold, labels: record.labels, chosen: record.order[0], leftOut: null });
export const leftOutLabels = (x: LeftOutItem): LabelledItem => ({ item: x.item, gold: x.gold, labels: x.labels, chosen: undefined, leftOut: x.reason });

/**
 * One row per label, every column present (null where the task has no such field).
 * `strength_toward_chosen` is toward the exported `chosen` response; null for an item left out.
 */
export function labelRows(record: LabelledItem): Array<Record<string, unknown>> {
  const chosen = record.chosen;
  return record.labels.map((l) => {
    const x = l.label;
    const ratings = typeof x.ratings === 'object' && x.ratings !== null ? (x.ratings as Record<string, unknown>) : null;
    return {
      item: record.item,
      exported: record.leftOut === null,
      left_out: record.leftOut,
      annotator: l.annotator,
      stage: l.stage,
      submitted: l.submitted,
      seconds: l.seconds,
      superseded: l.superseded,
      gold: record.gold,
      task: str(x.task),
      preferred: 'preferred' in l.answer ? l.answer.preferred : null,
      choice: str(x.choice),
      strength_toward_chosen: typeof x.strength === 'number' && chosen !== undefined ? (x.a === chosen ? -x.strength : x.strength) : null,
      order: 'order' in l.answer ? l.answer.order : null,
      rankable: typeof x.rankable === 'boolean' ? x.rankable : null,
      reason: str(x.reason),
      rationale: str(x.rationale),
      response: str(x.response),
      ratings: ratings === null ? null : Object.fromEntries(RUBRIC_ASPECTS.map((a) => [a, typeof ratings[a] === 'number' ? ratings[a] : null])),
      comment: str(x.comment),
      flags: Array.isArray(x.flags) ? x.flags : null,
      outcome: str(x.outcome),
      severity: str(x.severity),
      notes: str(x.notes),
      rewrite: str(x.rewrite),
    };
  });
}

export interface HfCardFacts {
  readonly campaign: string;
  /** Items in the campaign's ledger. */
  readonly items: number;
  readonly policyHash: string | null;
  readonly license: string;
}

const q = (s: string): string => JSON.stringify(s);
/** Markdown text from a value the lab did not write by hand: no markup, no HTML. */
const md = (s: string): string => s.replace(/[\\`*_{}[\]()#+\-.!|<>&]/g, (c) => `\\${c}`);

/** `labelRows`: rows of data/labels.jsonl (the labels of exported items; a dropped tie's labels are not in it). */
export function datasetCard(s: ExportSummary, facts: HfCardFacts, labelRowCount: number, generatedAt: Date): string {
  const pct = (x: number | null): string => (x === null ? 'not measured (no item has two labels)' : `${(x * 100).toFixed(1)}%`);
  const bt = s.bradleyTerry;
  const btText =
    bt === null
      ? 'Not computed: the source names the compared responses by position (chosen/rejected, reply-N), not by model.'
      : bt.identifiable
        ? ['| response | strength | wins | comparisons |', '| --- | --- | --- | --- |', ...bt.scores.map((x) => `| ${md(x.name)} | ${x.strength!.toFixed(4)} | ${x.wins} | ${x.comparisons} |`)].join('\n')
        : 'Not identifiable: some response never won or never lost.';
  return `---
license: ${q(facts.license)}
pretty_name: ${q(`keyhole campaign ${facts.campaign}`)}
tags:
- keyhole
- human-feedback
- preference
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train.jsonl
- config_name: labels
  data_files:
  - split: train
    path: data/labels.jsonl
dataset_info:
- config_name: default
  features:
${yamlFeatures(TRAIN_FEATURES, '  ')}  splits:
  - name: train
    num_examples: ${s.exported}
- config_name: labels
  features:
${yamlFeatures(LABEL_FEATURES, '  ')}  splits:
  - name: train
    num_examples: ${labelRowCount}
keyhole:
  campaign: ${q(facts.campaign)}
  policy_hash: ${facts.policyHash === null ? 'null' : q(facts.policyHash)}
  ties: ${q(s.ties)}
  reidentified: ${s.reidentified}
---

# keyhole campaign ${md(facts.campaign)}

Human preference labels collected through keyhole: the annotators saw minimized, sealed items one
lease at a time; the lab opened and un-blinded their labels. Exported ${generatedAt.toISOString()}.

| | |
| --- | --- |
| campaign | ${md(facts.campaign)} |
| minimization policy (SHA-256) | ${facts.policyHash === null ? 'not recorded with this export' : md(facts.policyHash)} |
| licence | ${md(facts.license)} |
| items in the campaign | ${facts.items} |
| items exported (\`default\`) | ${s.exported} |
| labels (\`labels\`) | ${labelRowCount}: every label collected, those of items left out of \`default\` marked \`exported: false\` |
| annotators | ${s.annotators.length} |
| left out | ${s.skipped.unlabelled} unlabelled, ${s.ties === 'drop' ? s.skipped.tied : 0} tied, ${s.skipped.notRankable} not rankable |
| ties | ${s.ties === 'include' ? `included (${s.skipped.tied}, marked \`tie\`)` : 'dropped'} |
| mean agreement | ${pct(s.agreement.mean)} over ${s.agreement.items} items labelled more than once |
| text | ${s.reidentified ? 'RE-IDENTIFIED: original personal data put back; handle as sensitive' : 'pseudonyms kept as the annotators saw them'} |

## Loading

\`\`\`python
from datasets import load_dataset
train = load_dataset("json", data_files="data/train.jsonl", split="train")
labels = load_dataset("json", data_files="data/labels.jsonl", split="train")
\`\`\`

\`default\` rows are TRL conversational preference records (\`prompt\`, \`chosen\`, \`rejected\`, \`margin\`)
with the aggregate: \`method\` (review, majority or mean-rank), \`vote_margin\`, \`agreement\` (share of labels
agreeing with the exported answer), \`agrees_with_source\`, \`tie\`, \`gold\`, \`reviewed\` and, for rankings,
\`ranking\` (every response by mean rank, 1 = best). \`margin\` is the mean strength (0–3) toward \`chosen\` for
pairs and the mean-rank gap between \`rejected\` and \`chosen\` for rankings.

\`labels\` rows are every label of every annotator (pseudonymous, as the audit log names them), including
those of items \`default\` leaves out (\`exported\` false, \`left_out\` tied or not-rankable) and answers a later revision \`superseded\`: \`preferred\` and \`order\` in the source dataset's names,
\`strength_toward_chosen\` (−3…3), \`rationale\`, rubric \`ratings\`, safety fields, and \`seconds\` on task.

## Bradley–Terry strengths

${btText}
`;
}

export interface HfSinkOptions extends HfCardFacts {
  readonly out: string;
  readonly onRecord?: (r: SidecarRecord) => void;
  readonly now?: Date;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** The `hf` folder, built under a temporary name and renamed into place (replacing an earlier export) when complete. */
export async function hfSink(o: HfSinkOptions): Promise<ExportSink> {
  await mkdir(dirname(o.out), { recursive: true });
  const tmp = join(dirname(o.out), `.${basename(o.out)}.${randomBytes(6).toString('hex')}.tmp`);
  await mkdir(join(tmp, 'data'), { recursive: true });
  const train = await LineFile.create(join(tmp, 'data', 'train.jsonl'));
  const labels = await LineFile.create(join(tmp, 'data', 'labels.jsonl'));
  let labelRowCount = 0;
  return {
    async item(x) {
      await train.write(`${JSON.stringify(trainRow(x))}\n`);
      for (const row of labelRows(exportedLabels(x.record))) {
        await labels.write(`${JSON.stringify(row)}\n`);
        labelRowCount++;
      }
      o.onRecord?.(x.record);
    },
    async leftOut(x) {
      for (const row of labelRows(leftOutLabels(x))) {
        await labels.write(`${JSON.stringify(row)}\n`);
        labelRowCount++;
      }
    },
    async finish(summary) {
      await train.commit();
      await labels.commit();
      const card = await LineFile.create(join(tmp, 'README.md'));
      await card.write(datasetCard(summary, o, labelRowCount, o.now ?? new Date()));
      await card.commit();
      if (await exists(o.out)) {
        if (!(await exists(join(o.out, 'README.md')))) fail('CONFLICT', `${o.out} exists and is not an earlier hf export; choose another --out`);
        const old = `${tmp}.old`;
        await rename(o.out, old);
        await rename(tmp, o.out);
        await rm(old, { recursive: true, force: true });
      } else {
        await rename(tmp, o.out);
      }
    },
    async abort() {
      await train.abort();
      await labels.abort();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
