/**
 * Export, `keyhole export --format trl|openai-dpo|hh-rlhf|oasst|hf` (DESIGN
 * §3 step 5): collected labels become training-ready records, one line per
 * item, and a sidecar that keeps every label behind them.
 *
 * - Every label is kept in the sidecar: each overlapping annotator's
 *   (pseudonymous) answer, strength or ranking, rationale, rubric scores, time
 *   on task, stage, and whether a later answer of the same annotator
 *   superseded it; each item's gold and review status.
 * - The aggregate decides the training record. Pairs: a reviewer's answer when
 *   the item went to review, else the majority of the annotators, with the
 *   vote margin and the mean strength toward the winner (TRL's `margin`).
 *   Rankings: the mean rank. Ties (no majority, or a reviewed "tie") are left
 *   out or kept, by `ties`; a kept tie has margin 0 toward its first side.
 *   Across the campaign, Bradley–Terry strengths of the compared responses
 *   when the source names them by something other than their position
 *   (not "chosen"/"rejected", not "reply-N").
 * - The text is the minimized text the annotators saw: surrogates stay unless
 *   `reidentify`, which puts the originals back from each item's lab-only
 *   pseudonym table (opened with the lab-section key, in this process only).
 * - Line i of the JSONL is `records[i]` of the sidecar; labelled items the
 *   training records leave out go, with every label, to `<out>.left-out.jsonl`
 *   (in an `hf` folder, to data/labels.jsonl with `exported: false`).
 * - Streaming: items are read one at a time and written line by line with
 *   back-pressure; per-annotator figures are kept as counts of seconds, so
 *   memory does not grow with the number of labels (bench/export.ts).
 * - Every file is written to a temporary name, fsynced and renamed: a failed
 *   export leaves no partial file.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fail } from '../core/errors.js';
import { LabelPlaintext } from '../core/label-plaintext.js';
import { parseJsonText, parseWith } from '../core/schema.js';
import { pathTo, type Conversation, type Message } from '../minimize/conversation.js';
import { hhRlhf } from '../minimize/formats/hh-rlhf.js';
import { oasst } from '../minimize/formats/oasst.js';
import { openaiDpo } from '../minimize/formats/openai.js';
import type { RecordFormat } from '../minimize/formats/record-format.js';
import { trlPreference } from '../minimize/formats/trl-preference.js';
import { LabOnlySchema, type LabOnlyView } from './collect.js';
import type { AcceptedLabel, CampaignStore, LedgerItem } from './lab-store.js';
import { bradleyTerry, type BradleyTerryResult } from './quality/bradley-terry.js';
import { sourcePreferred } from './quality/source-preference.js';

export const EXPORT_FORMATS = ['trl', 'openai-dpo', 'hh-rlhf', 'oasst', 'hf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const TIE_POLICIES = ['drop', 'include'] as const;
export type TiePolicy = (typeof TIE_POLICIES)[number];

type JsonlFormat = Exclude<ExportFormat, 'hf'>;

const TARGET: Record<JsonlFormat, { writer: RecordFormat; variant: string; labels: [string, string] }> = {
  trl: { writer: trlPreference, variant: 'conversational', labels: ['chosen', 'rejected'] },
  'openai-dpo': { writer: openaiDpo, variant: 'dpo', labels: ['preferred_output', 'non_preferred_output'] },
  'hh-rlhf': { writer: hhRlhf, variant: 'transcript', labels: ['chosen', 'rejected'] },
  oasst: { writer: oasst, variant: 'tree', labels: ['', ''] },
};

export interface ExportOptions {
  readonly store: CampaignStore;
  readonly format: string;
  /** The JSONL file; for `hf`, the folder. */
  readonly out: string;
  readonly reidentify: boolean;
  /** Opens an item's lab-only section (the gatekeeper holds the key: admin API), for `reidentify`. */
  readonly openLabSection: (digest: string, section: string) => Promise<string>;
  /** Keep items whose labels do not decide a side (default: drop them, counted). */
  readonly ties?: TiePolicy;
  /** Items whose answer the lab knows (src/lab/quality/gold.ts): marked in the sidecar. */
  readonly gold?: ReadonlySet<string>;
  /** For the `hf` dataset card: the minimization policy's hash (the campaign's, at the gatekeeper). */
  readonly policyHash?: string;
  /** For the `hf` dataset card's `license` field (an SPDX id or "other"); default "other". */
  readonly license?: string;
}

/** One label as the sidecar keeps it. */
export interface ExportedLabel {
  readonly annotator: string;
  readonly stage: string;
  readonly seconds: number;
  readonly submitted: number;
  /** In the source dataset's terms: `{preferred}` or `{order}` (src/lab/collect.ts). */
  readonly answer: AcceptedLabel['unblinded'];
  /** A later answer of the same annotator at the same stage replaced this one. */
  readonly superseded: boolean;
  /** The label plaintext as submitted (response keys in blinded positions; rationale, strength, ratings, …). */
  readonly label: Readonly<Record<string, unknown>>;
}

export interface PairAggregate {
  readonly method: 'review' | 'majority';
  /** Votes by response key (as annotators saw it) and "tie". */
  readonly votes: Readonly<Record<string, number>>;
  /** Votes for the exported first side minus votes for the second. */
  readonly voteMargin: number;
  /** Mean strength (0…3) toward the exported first side, ties counting 0; TRL's `margin`. */
  readonly meanStrength: number;
}

export interface RankAggregate {
  readonly method: 'review' | 'mean-rank';
  /** Response key → mean rank, 1 = best. */
  readonly meanRank: Readonly<Record<string, number>>;
  /** Mean rank of the last exported response minus that of the first; TRL's `margin`. */
  readonly margin: number;
}

export interface SidecarRecord {
  /** 1-based line of the exported JSONL. */
  readonly line: number;
  readonly item: string;
  /** Line of the lab's dataset file the item came from. */
  readonly sourceLine: number;
  readonly labels: readonly ExportedLabel[];
  /** Response keys (as annotators saw them) best first, after aggregation. */
  readonly order: readonly string[];
  /** The source dataset's names for `order`, where the labels tell them. */
  readonly sourceOrder: ReadonlyArray<string | null>;
  /** Share of the annotators' (first-stage) answers equal to the exported one; null for an item labelled once. */
  readonly agreement: number | null;
  /** Whether the exported preference matches the source dataset's own (pairs only). */
  readonly agreesWithSource: boolean | null;
  /** The labels did not decide a side; exported because ties were included. */
  readonly tie: boolean;
  readonly aggregate: PairAggregate | RankAggregate;
  readonly gold: boolean;
  readonly review: 'none' | 'reviewed';
}

export interface AnnotatorSummary {
  readonly annotator: string;
  readonly labels: number;
  readonly secondsTotal: number;
  readonly secondsMedian: number;
}

export interface ExportSummary {
  readonly v: 1;
  readonly campaign: string;
  readonly format: ExportFormat;
  readonly reidentified: boolean;
  readonly ties: TiePolicy;
  readonly exported: number;
  readonly labels: number;
  readonly skipped: { unlabelled: number; tied: number; notRankable: number };
  readonly annotators: readonly AnnotatorSummary[];
  /** Mean `agreement` over exported items labelled more than once, and how many those are. */
  readonly agreement: { readonly mean: number | null; readonly items: number };
  readonly bradleyTerry: BradleyTerryResult | null;
}

export interface Sidecar extends ExportSummary {
  readonly records: SidecarRecord[];
}

export function parseFormat(name: string): ExportFormat {
  if (!(EXPORT_FORMATS as readonly string[]).includes(name)) fail('UNSUPPORTED', `export format "${name}"; known: ${EXPORT_FORMATS.join(', ')}`);
  return name as ExportFormat;
}

export function parseTies(name: string): TiePolicy {
  if (!(TIE_POLICIES as readonly string[]).includes(name)) fail('UNSUPPORTED', `--ties "${name}"; known: ${TIE_POLICIES.join(', ')}`);
  return name as TiePolicy;
}

// ---------------------------------------------------------------------------------------------
// Writing: one line at a time, with back-pressure, to a temporary file renamed into place.

/** A file written line by line and renamed into place only by `commit`. */
export class LineFile {
  private constructor(
    readonly path: string,
    private readonly tmp: string,
    private readonly stream: WriteStream,
  ) {}

  static async create(path: string): Promise<LineFile> {
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    const stream = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
    await new Promise<void>((res, rej) => stream.once('open', () => res()).once('error', rej));
    return new LineFile(path, tmp, stream);
  }

  /** Writes `text`; waits when the stream's buffer is full, so memory stays flat. */
  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await new Promise<void>((res, rej) => this.stream.once('drain', res).once('error', rej));
  }

  async commit(): Promise<void> {
    await new Promise<void>((res, rej) => this.stream.end((err?: Error | null) => (err ? rej(err) : res())));
    const handle = await open(this.tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.tmp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.tmp, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Deciding an item.

interface Labelled {
  readonly a: AcceptedLabel;
  readonly label: LabelPlaintext;
  readonly superseded: boolean;
}

type Decision =
  | { kind: 'unlabelled' }
  | { kind: 'not-rankable' }
  | { kind: 'tied' | 'decided'; order: string[]; agreement: number | null; aggregate: PairAggregate | RankAggregate; counted: readonly Labelled[] };

/** Latest answer per (annotator, stage) counts; earlier ones are kept as superseded. */
function withSupersession(labels: readonly AcceptedLabel[], item: string): Labelled[] {
  const latest = new Map<string, AcceptedLabel>();
  for (const a of labels) {
    const key = `${a.annotator}\u0000${a.stage}`;
    const seen = latest.get(key);
    if (seen === undefined || a.submitted > seen.submitted || (a.submitted === seen.submitted && a.seq > seen.seq)) latest.set(key, a);
  }
  return labels.map((a) => ({ a, label: parseWith(LabelPlaintext, a.label, `stored label of ${item}`), superseded: latest.get(`${a.annotator}\u0000${a.stage}`) !== a }));
}

function decidePair(counted: readonly Labelled[], annotated: readonly Labelled[]): Decision {
  const pairs = counted.flatMap((l) => (l.label.task === 'pairwise' ? [l.label] : []));
  const a = pairs[0]!.a;
  const b = pairs[0]!.b;
  const reviewed = counted.some((l) => l.a.stage === 'review');
  const votes: Record<string, number> = { [a]: 0, [b]: 0, tie: 0 };
  for (const l of pairs) votes[l.choice === 'tie' ? 'tie' : l.choice === 'A' ? l.a : l.b] = (votes[l.choice === 'tie' ? 'tie' : l.choice === 'A' ? l.a : l.b] ?? 0) + 1;
  // Strength toward a key: the label's −3…+3 is A-negative, so toward A it is −strength.
  const toward = (key: string): number => pairs.reduce((s, l) => s + (l.a === key ? -l.strength : l.b === key ? l.strength : 0), 0) / pairs.length;
  const tied = votes[a] === votes[b];
  const first = tied ? (toward(a) >= 0 ? a : b) : votes[a]! > votes[b]! ? a : b;
  const second = first === a ? b : a;
  const aggregate: PairAggregate = { method: reviewed ? 'review' : 'majority', votes, voteMargin: votes[first]! - votes[second]!, meanStrength: tied ? 0 : toward(first) };
  const answers = annotated.flatMap((l) => (l.label.task === 'pairwise' ? [l.label.choice === 'tie' ? 'tie' : l.label.choice === 'A' ? l.label.a : l.label.b] : []));
  return { kind: tied ? 'tied' : 'decided', order: [first, second], agreement: answers.length < 2 ? null : answers.filter((x) => x === first).length / answers.length, aggregate, counted };
}

function decideRanking(counted: readonly Labelled[], annotated: readonly Labelled[]): Decision {
  const rankable = counted.flatMap((l) => (l.label.task === 'ranking' && l.label.rankable ? [l.label] : []));
  if (rankable.length === 0) return { kind: 'not-rankable' };
  const sum = new Map<string, { total: number; n: number }>();
  for (const l of rankable) l.order.forEach((k, i) => sum.set(k, { total: (sum.get(k)?.total ?? 0) + i + 1, n: (sum.get(k)?.n ?? 0) + 1 }));
  const meanRank = Object.fromEntries([...sum.entries()].map(([k, s]) => [k, s.total / s.n]));
  // Equal mean ranks are ordered by key: a ranking always exports (ties are a pairwise answer).
  const order = Object.keys(meanRank).sort((x, y) => meanRank[x]! - meanRank[y]! || x.localeCompare(y));
  const aggregate: RankAggregate = { method: counted.some((l) => l.a.stage === 'review') ? 'review' : 'mean-rank', meanRank, margin: meanRank[order[order.length - 1]!]! - meanRank[order[0]!]! };
  const tops = annotated.flatMap((l) => (l.label.task === 'ranking' && l.label.rankable ? [l.label.order[0]] : []));
  return { kind: 'decided', order, agreement: tops.length < 2 ? null : tops.filter((k) => k === order[0]).length / tops.length, aggregate, counted };
}

function decide(labelled: readonly Labelled[]): Decision {
  const current = labelled.filter((l) => !l.superseded);
  if (current.length === 0) return { kind: 'unlabelled' };
  // A reviewer's answer settles the item (the review stage exists to resolve disagreements).
  const review = current.filter((l) => l.a.stage === 'review');
  const counted = review.length > 0 ? review : current;
  const annotated = current.filter((l) => l.a.stage === 'annotate');
  if (counted.every((l) => l.label.task === 'pairwise')) return decidePair(counted, annotated);
  if (counted.every((l) => l.label.task === 'ranking')) return decideRanking(counted, annotated);
  return { kind: 'not-rankable' };
}

/** The source's name for each response key, as un-blinding at collect wrote it into the labels. */
function sourceNames(labelled: readonly Labelled[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const { label, a } of labelled) {
    if (label.task === 'pairwise' && 'preferred' in a.unblinded && label.choice !== 'tie') names.set(label.choice === 'A' ? label.a : label.b, a.unblinded.preferred);
    if (label.task === 'ranking' && label.rankable && 'order' in a.unblinded) label.order.forEach((k, i) => names.set(k, (a.unblinded as { order: string[] }).order[i]!));
  }
  if (names.size === 1) {
    // A pair whose labels all preferred one side still names the other: it is the remaining source label.
    const pair = labelled.find((l) => l.label.task === 'pairwise')?.label;
    if (pair?.task === 'pairwise') {
      const [[key, name]] = [...names.entries()] as [[string, string]];
      const other = key === pair.a ? pair.b : pair.a;
      const known = labelled.flatMap((l) => ('preferred' in l.a.unblinded ? [l.a.unblinded.preferred] : []));
      const otherName = POSITION_PAIRS.find((p) => p.includes(name))?.find((n) => n !== name);
      if (otherName !== undefined && !known.includes(otherName)) names.set(other, otherName);
    }
  }
  return names;
}

/** Source label pairs whose names say position, not which model answered. */
const POSITION_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['chosen', 'rejected'],
  ['preferred_output', 'non_preferred_output'],
];
const isPositionName = (name: string): boolean => POSITION_PAIRS.some((p) => p.includes(name)) || /^reply-\d+$/.test(name) || name === 'tie';

// ---------------------------------------------------------------------------------------------
// The training record.

/** Each ranked response's path, root first, keyed as the label names it (branch label or message id). */
function candidatePaths(conv: Conversation, keys: readonly string[]): Map<string, Message[]> {
  const out = new Map<string, Message[]>();
  for (const key of keys) {
    const branch = conv.branches.find((b) => b.label === key);
    // A tree's sibling set: only the reply being ranked and the conversation before it, not its follow-ups.
    const path = pathTo(conv, branch !== undefined ? branch.leafId : key);
    if (path.length > 0) out.set(key, path);
  }
  return out;
}

function reidentifyText(text: string, table: LabOnlyView['pseudonyms']): string {
  let out = text;
  for (const e of [...table].sort((x, y) => y.surrogate.length - x.surrogate.length)) out = out.split(e.surrogate).join(e.original);
  return out;
}

/** hh-rlhf keeps the space after "Human:" in the message text; other formats do not. */
function textFor(m: Message, sourceVariant: string, target: JsonlFormat): string {
  if (target === 'hh-rlhf') return sourceVariant === 'transcript' || /^\s/.test(m.text) ? m.text : ` ${m.text}`;
  return sourceVariant === 'transcript' && m.text.startsWith(' ') ? m.text.slice(1) : m.text;
}

/** The training record: the aggregated best response against the worst (or, for OASST, every response ranked). */
function trainingRecord(conv: Conversation, paths: Map<string, Message[]>, order: readonly string[], target: JsonlFormat, table: LabOnlyView['pseudonyms'] | undefined): Record<string, unknown> {
  const spec = TARGET[target];
  const chosen = order.map((k) => paths.get(k)!);
  const picked = target === 'oasst' ? chosen : [chosen[0]!, chosen[chosen.length - 1]!];
  const messages = new Map<string, Message>();
  const rank = new Map<string, number>();
  picked.forEach((path) => {
    path.forEach((m, i) => {
      const parentId = i === 0 ? null : path[i - 1]!.id;
      if (!messages.has(m.id)) messages.set(m.id, { id: m.id, parentId, role: m.role, text: textFor({ ...m, text: table === undefined ? m.text : reidentifyText(m.text, table) }, conv.variant, target), attrs: {} });
    });
  });
  // A response starts where its path leaves the others: that message carries its rank (OASST).
  picked.forEach((path, r) => {
    const first = path.find((m) => picked.every((other) => other === path || !other.some((o) => o.id === m.id)));
    if (first !== undefined) rank.set(first.id, r);
  });
  const list = [...messages.values()].map((m) => (target === 'oasst' && rank.has(m.id) ? { ...m, attrs: { rank: rank.get(m.id) } } : m));
  const shared = picked[0]!.filter((m) => picked.every((p) => p.some((o) => o.id === m.id)));
  const promptEndId = shared.length === 0 ? null : shared[shared.length - 1]!.id;
  const training: Conversation = {
    variant: spec.variant,
    messages: list,
    branches: target === 'oasst' ? [] : spec.labels.map((label, i) => ({ label, leafId: picked[i]![picked[i]!.length - 1]!.id })),
    layout: target === 'hh-rlhf' || target === 'oasst' ? { kind: 'implicit' } : { kind: 'explicit', promptEndId },
    metadata: {},
  };
  return spec.writer.write(training);
}

/** TRL's `margin`: how much better the chosen side is, from the aggregate. */
export function marginOf(aggregate: PairAggregate | RankAggregate): number {
  return 'meanStrength' in aggregate ? aggregate.meanStrength : aggregate.margin;
}

// ---------------------------------------------------------------------------------------------
// Per-annotator figures without keeping every label: counts of each whole number of seconds.

class SecondsTally {
  private readonly counts = new Map<string, Map<number, number>>();

  add(annotator: string, seconds: number): void {
    const m = this.counts.get(annotator) ?? new Map<number, number>();
    m.set(seconds, (m.get(seconds) ?? 0) + 1);
    this.counts.set(annotator, m);
  }

  summary(): AnnotatorSummary[] {
    return [...this.counts.entries()]
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([annotator, m]) => {
        const values = [...m.entries()].sort((x, y) => x[0] - y[0]);
        const n = values.reduce((s, [, c]) => s + c, 0);
        const at = (k: number): number => {
          let seen = 0;
          for (const [v, c] of values) {
            seen += c;
            if (k < seen) return v;
          }
          return values[values.length - 1]![0];
        };
        const median = n % 2 === 1 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
        return { annotator, labels: n, secondsTotal: values.reduce((s, [v, c]) => s + v * c, 0), secondsMedian: median };
      });
  }
}

/** Pairwise outcomes between source names, counted, for Bradley–Terry at the end. */
class OutcomeTally {
  private readonly counts = new Map<string, number>();

  add(winner: string, loser: string, tie: boolean): void {
    const key = JSON.stringify([winner, loser, tie]);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  result(): BradleyTerryResult | null {
    const names = new Set<string>();
    for (const key of this.counts.keys()) for (const n of (JSON.parse(key) as [string, string, boolean]).slice(0, 2) as string[]) names.add(n);
    if (names.size < 2 || [...names].some(isPositionName)) return null;
    const counts = this.counts;
    return bradleyTerry(
      (function* () {
        for (const [key, c] of counts) {
          const [winner, loser, tie] = JSON.parse(key) as [string, string, boolean];
          for (let i = 0; i < c; i++) yield { winner, loser, tie };
        }
      })(),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The streaming export.

export interface ItemLabels {
  readonly item: LedgerItem;
  /** Every label collected for the item, in any order. */
  readonly labels: readonly AcceptedLabel[];
}

/** What one exported item gives a writer: its training conversation and its sidecar record. */
export interface ExportedItem {
  readonly conv: Conversation;
  readonly paths: Map<string, Message[]>;
  readonly table: LabOnlyView['pseudonyms'] | undefined;
  readonly record: SidecarRecord;
}

/** A labelled item the training records leave out (a dropped tie, a task with no preference), with every label. */
export interface LeftOutItem {
  readonly item: string;
  readonly sourceLine: number;
  readonly reason: 'tied' | 'not-rankable';
  readonly gold: boolean;
  readonly review: 'none' | 'reviewed';
  readonly labels: readonly ExportedLabel[];
}

/** A writer of one export format: gets each exported item in order (and each labelled item left out), then the summary. */
export interface ExportSink {
  item(x: ExportedItem): Promise<void>;
  leftOut(x: LeftOutItem): Promise<void>;
  finish(summary: ExportSummary): Promise<void>;
  abort(): Promise<void>;
}

export interface StreamExportOptions {
  readonly campaign: string;
  readonly format: ExportFormat;
  readonly items: AsyncIterable<ItemLabels> | Iterable<ItemLabels>;
  readonly ties: TiePolicy;
  readonly gold: ReadonlySet<string>;
  /** The item's pseudonym table, when exporting re-identified text. */
  readonly reidentify?: (item: LedgerItem) => Promise<LabOnlyView['pseudonyms']>;
  readonly sink: ExportSink;
}

/** Decides and writes every item, one at a time; returns the counts and per-annotator figures. */
export async function streamExport(o: StreamExportOptions): Promise<ExportSummary> {
  const skipped = { unlabelled: 0, tied: 0, notRankable: 0 };
  const seconds = new SecondsTally();
  const outcomes = new OutcomeTally();
  let exported = 0;
  let labels = 0;
  let agreementSum = 0;
  let agreementItems = 0;
  try {
    for await (const { item, labels: accepted } of o.items) {
      labels += accepted.length;
      for (const a of accepted) seconds.add(a.annotator, Number(a.label.seconds ?? 0));
      const labelled = withSupersession(accepted, item.item);
      const decided = decide(labelled);
      const exportedLabels = (): ExportedLabel[] =>
        labelled.map((l) => ({ annotator: l.a.annotator, stage: l.a.stage, seconds: Number(l.a.label.seconds ?? 0), submitted: l.a.submitted, answer: l.a.unblinded, superseded: l.superseded, label: l.a.label }));
      const leaveOut = (reason: LeftOutItem['reason']): Promise<void> =>
        o.sink.leftOut({ item: item.item, sourceLine: item.line, reason, gold: o.gold.has(item.item), review: accepted.some((a) => a.stage === 'review') ? 'reviewed' : 'none', labels: exportedLabels() });
      if (decided.kind === 'unlabelled') {
        skipped.unlabelled++;
        continue;
      }
      if (decided.kind === 'not-rankable') {
        skipped.notRankable++;
        await leaveOut('not-rankable');
        continue;
      }
      const names = sourceNames(labelled);
      for (const l of decided.counted) {
        if (l.label.task === 'pairwise' && names.has(l.label.a) && names.has(l.label.b)) {
          const [w, x] = l.label.choice === 'B' ? [l.label.b, l.label.a] : [l.label.a, l.label.b];
          outcomes.add(names.get(w)!, names.get(x)!, l.label.choice === 'tie');
        }
        if (l.label.task === 'ranking' && l.label.rankable) {
          const order = l.label.order;
          for (let i = 0; i < order.length; i++) for (let j = i + 1; j < order.length; j++) if (names.has(order[i]!) && names.has(order[j]!)) outcomes.add(names.get(order[i]!)!, names.get(order[j]!)!, false);
        }
      }
      if (decided.kind === 'tied') {
        skipped.tied++;
        if (o.ties === 'drop') {
          await leaveOut('tied');
          continue;
        }
      }
      const conv = item.content as unknown as Conversation;
      const paths = candidatePaths(conv, decided.order);
      if (decided.order.some((k) => !paths.has(k))) fail('MISMATCH', `item ${item.item}: a stored label names a response the item does not have; re-run \`keyhole results pull\` from a fresh data directory`);
      const preferred = sourcePreferred(item.content);
      const winner = names.get(decided.order[0]!);
      exported++;
      if (decided.agreement !== null) {
        agreementSum += decided.agreement;
        agreementItems++;
      }
      const record: SidecarRecord = {
        line: exported,
        item: item.item,
        sourceLine: item.line,
        labels: exportedLabels(),
        order: decided.order,
        sourceOrder: decided.order.map((k) => names.get(k) ?? null),
        agreement: decided.agreement,
        agreesWithSource: decided.kind === 'tied' || preferred === null || winner === undefined ? null : winner === preferred,
        tie: decided.kind === 'tied',
        aggregate: decided.aggregate,
        gold: o.gold.has(item.item),
        review: accepted.some((a) => a.stage === 'review') ? 'reviewed' : 'none',
      };
      const table = o.reidentify === undefined ? undefined : await o.reidentify(item);
      await o.sink.item({ conv, paths, table, record });
    }
    const summary: ExportSummary = {
      v: 1,
      campaign: o.campaign,
      format: o.format,
      reidentified: o.reidentify !== undefined,
      ties: o.ties,
      exported,
      labels,
      skipped,
      annotators: seconds.summary(),
      agreement: { mean: agreementItems === 0 ? null : agreementSum / agreementItems, items: agreementItems },
      bradleyTerry: outcomes.result(),
    };
    await o.sink.finish(summary);
    return summary;
  } catch (err) {
    await o.sink.abort();
    throw err;
  }
}

/**
 * The JSONL formats: one training record a line, and the sidecar JSON written
 * record by record as `{…, "records": [ … ], …}`.
 */
export async function jsonlSink(format: JsonlFormat, out: string, onRecord?: (r: SidecarRecord) => void): Promise<ExportSink> {
  const data = await LineFile.create(out);
  const side = await LineFile.create(sidecarPath(out));
  const leftOut = await LineFile.create(leftOutPath(out));
  let first = true;
  await side.write('{"records":[\n');
  return {
    async item({ conv, paths, table, record }) {
      const training = trainingRecord(conv, paths, record.order, format, table);
      if (format === 'trl') training.margin = marginOf(record.aggregate);
      await data.write(`${JSON.stringify(training)}\n`);
      await side.write(`${first ? '' : ',\n'}${JSON.stringify(record)}`);
      first = false;
      onRecord?.(record);
    },
    async leftOut(x) {
      await leftOut.write(`${JSON.stringify(x)}\n`);
    },
    async finish(summary) {
      const rest = JSON.stringify(summary);
      await side.write(`\n],${rest.slice(1)}\n`);
      await data.commit();
      await side.commit();
      await leftOut.commit();
    },
    async abort() {
      await data.abort();
      await side.abort();
      await leftOut.abort();
    },
  };
}

/** Every item of the campaign's ledger with its collected labels, in ledger order. */
export function* storeItems(ledger: { items: readonly LedgerItem[] }, accepted: readonly AcceptedLabel[]): Generator<ItemLabels> {
  const byItem = new Map<string, AcceptedLabel[]>();
  for (const a of accepted) {
    const list = byItem.get(a.item);
    if (list === undefined) byItem.set(a.item, [a]);
    else list.push(a);
  }
  for (const item of ledger.items) yield { item, labels: byItem.get(item.item) ?? [] };
}

export async function exportResults(o: ExportOptions): Promise<Sidecar> {
  const format = parseFormat(o.format);
  const ties = o.ties ?? 'drop';
  const ledger = await o.store.requireLedger();
  const results = await o.store.results();
  if (results.accepted.length === 0) fail('NOT_FOUND', `campaign ${o.store.campaign} has no collected labels yet; run \`keyhole results pull\` first`);
  const records: SidecarRecord[] = [];
  const onRecord = (r: SidecarRecord): void => void records.push(r);
  const { hfSink } = await import('./export-hf.js');
  const sink =
    format === 'hf'
      ? await hfSink({ out: o.out, campaign: o.store.campaign, items: ledger.items.length, policyHash: o.policyHash ?? null, license: o.license ?? 'other', onRecord })
      : await jsonlSink(format, o.out, onRecord);
  const summary = await streamExport({
    campaign: o.store.campaign,
    format,
    items: storeItems(ledger, results.accepted),
    ties,
    gold: o.gold ?? new Set(),
    ...(o.reidentify ? { reidentify: async (item: LedgerItem) => (await openLabOnly(o, item)).pseudonyms } : {}),
    sink,
  });
  return { ...summary, records };
}

/** The sidecar of a JSONL export: one record per line of the export, with every label behind it. */
export function sidecarPath(out: string): string {
  return `${out}.sidecar.json`;
}

/** Beside a JSONL export: the labelled items it leaves out (dropped ties, tasks with no preference), one per line with every label. */
export function leftOutPath(out: string): string {
  return `${out}.left-out.jsonl`;
}

async function openLabOnly(o: ExportOptions, item: LedgerItem): Promise<LabOnlyView> {
  const text = await o.openLabSection(item.digest, item.labSection);
  return parseWith(LabOnlySchema, parseJsonText(text, 'lab section'), `lab section of ${item.item}`);
}
