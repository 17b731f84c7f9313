/**
 * Export, `keyhole export --format trl|openai-dpo|hh-rlhf|oasst` (DESIGN §3
 * step 5): collected labels become training-ready JSONL through the minimize
 * writers, one line per item, plus a sidecar JSON with who answered
 * (pseudonymous annotator ids, as the audit log names them), time on task and
 * agreement where items had overlap.
 *
 * - Pairwise items: the majority choice; ties and split votes are left out
 *   (counted in the sidecar). Ranked items: responses ordered by mean rank;
 *   the pair formats take the best as chosen and the worst as rejected, OASST
 *   keeps every response with its `rank`.
 * - The text is the minimized text the annotators saw: surrogates stay unless
 *   `reidentify`, which puts the originals back from each item's lab-only
 *   pseudonym table (opened with the lab-section key, in this process only).
 * - Line i of the JSONL is `records[i]` of the sidecar.
 * - Both files are written atomically: a failed export leaves no partial file.
 */
import { fromBase64Url, fromUtf8 } from '../core/bytes.js';
import { openLabSection } from '../core/lab-section.js';
import { fail } from '../core/errors.js';
import type { Primitives, X25519PrivateKey } from '../core/primitives.js';
import { parseJsonText, parseWith } from '../core/schema.js';
import { writeFileAtomic } from '../gatekeeper/keystore/atomic-file.js';
import { pathTo, type Conversation, type Message } from '../minimize/conversation.js';
import { hhRlhf } from '../minimize/formats/hh-rlhf.js';
import { oasst } from '../minimize/formats/oasst.js';
import { openaiDpo } from '../minimize/formats/openai.js';
import type { RecordFormat } from '../minimize/formats/record-format.js';
import { trlPreference } from '../minimize/formats/trl-preference.js';
import { LabelPlaintext } from '../core/label-plaintext.js';
import { LabOnlySchema, type LabOnlyView } from './collect.js';
import type { AcceptedLabel, CampaignStore, LedgerItem } from './lab-store.js';

export const EXPORT_FORMATS = ['trl', 'openai-dpo', 'hh-rlhf', 'oasst'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const TARGET: Record<ExportFormat, { writer: RecordFormat; variant: string; labels: [string, string] }> = {
  trl: { writer: trlPreference, variant: 'conversational', labels: ['chosen', 'rejected'] },
  'openai-dpo': { writer: openaiDpo, variant: 'dpo', labels: ['preferred_output', 'non_preferred_output'] },
  'hh-rlhf': { writer: hhRlhf, variant: 'transcript', labels: ['chosen', 'rejected'] },
  oasst: { writer: oasst, variant: 'tree', labels: ['', ''] },
};

export interface ExportOptions {
  readonly p: Primitives;
  readonly store: CampaignStore;
  readonly format: string;
  readonly out: string;
  readonly reidentify: boolean;
  readonly labSectionKey: X25519PrivateKey;
}

export interface SidecarRecord {
  /** 1-based line of the exported JSONL. */
  readonly line: number;
  readonly item: string;
  /** Line of the lab's dataset file the item came from. */
  readonly sourceLine: number;
  readonly labels: ReadonlyArray<{ annotator: string; stage: string; seconds: number; submitted: number; answer: AcceptedLabel['unblinded'] }>;
  /** Response keys (as annotators saw them) best first, after aggregation. */
  readonly order: readonly string[];
  /** Share of labels that agree with the exported answer; null for an item labelled once. */
  readonly agreement: number | null;
  /** Whether the exported preference matches the source dataset's own (pairs only). */
  readonly agreesWithSource: boolean | null;
}

export interface Sidecar {
  readonly v: 1;
  readonly campaign: string;
  readonly format: ExportFormat;
  readonly reidentified: boolean;
  readonly records: SidecarRecord[];
  readonly skipped: { unlabelled: number; tied: number; notRankable: number };
  readonly annotators: ReadonlyArray<{ annotator: string; labels: number; secondsTotal: number; secondsMedian: number }>;
}

function parseFormat(name: string): ExportFormat {
  if (!(EXPORT_FORMATS as readonly string[]).includes(name)) fail('UNSUPPORTED', `export format "${name}"; known: ${EXPORT_FORMATS.join(', ')}`);
  return name as ExportFormat;
}

/** Every response's full path, root first, keyed as the label names it (item-content.ts). */
function candidatePaths(conv: Conversation): Map<string, Message[]> {
  const out = new Map<string, Message[]>();
  if (conv.branches.length >= 2) {
    for (const b of conv.branches) out.set(b.label, pathTo(conv, b.leafId));
    return out;
  }
  for (const parent of conv.messages) {
    const children = conv.messages.filter((m) => m.parentId === parent.id);
    if (children.length < 2) continue;
    for (const c of children) {
      const path = pathTo(conv, c.id);
      let cursor: Message | undefined = conv.messages.find((m) => m.parentId === path[path.length - 1]!.id);
      while (cursor !== undefined) {
        path.push(cursor);
        const id = cursor.id;
        cursor = conv.messages.find((m) => m.parentId === id);
      }
      out.set(c.id, path);
    }
    return out;
  }
  return out;
}

/** Aggregated order of response keys, best first, and the agreement; undefined when the labels do not decide. */
function aggregate(labels: readonly LabelPlaintext[]): { order: string[]; agreement: number | null } | 'tied' | 'not-rankable' {
  const agreementOf = (agree: number): number | null => (labels.length < 2 ? null : agree / labels.length);
  if (labels.every((l) => l.task === 'pairwise')) {
    const votes = new Map<string, number>();
    let a = '';
    let b = '';
    for (const l of labels) {
      if (l.task !== 'pairwise') continue;
      a = l.a;
      b = l.b;
      if (l.choice !== 'tie') votes.set(l.choice === 'A' ? l.a : l.b, (votes.get(l.choice === 'A' ? l.a : l.b) ?? 0) + 1);
    }
    const ranked = [...votes.entries()].sort((x, y) => y[1] - x[1]);
    if (ranked.length === 0 || (ranked.length > 1 && ranked[0]![1] === ranked[1]![1])) return 'tied';
    const winner = ranked[0]![0];
    return { order: [winner, winner === a ? b : a], agreement: agreementOf(ranked[0]![1]) };
  }
  if (labels.every((l) => l.task === 'ranking')) {
    const rankable = labels.filter((l): l is Extract<LabelPlaintext, { rankable: true }> => l.task === 'ranking' && l.rankable);
    if (rankable.length === 0) return 'not-rankable';
    const sum = new Map<string, { total: number; n: number }>();
    for (const l of rankable) l.order.forEach((k, i) => sum.set(k, { total: (sum.get(k)?.total ?? 0) + i, n: (sum.get(k)?.n ?? 0) + 1 }));
    const order = [...sum.entries()].sort((x, y) => x[1].total / x[1].n - y[1].total / y[1].n || x[0].localeCompare(y[0])).map(([k]) => k);
    return { order, agreement: agreementOf(rankable.filter((l) => l.order[0] === order[0]).length) };
  }
  return 'not-rankable';
}

function reidentifyText(text: string, table: LabOnlyView['pseudonyms']): string {
  let out = text;
  for (const e of [...table].sort((x, y) => y.surrogate.length - x.surrogate.length)) out = out.split(e.surrogate).join(e.original);
  return out;
}

/** hh-rlhf keeps the space after "Human:" in the message text; other formats do not. */
function textFor(m: Message, sourceVariant: string, target: ExportFormat): string {
  if (target === 'hh-rlhf') return sourceVariant === 'transcript' || /^\s/.test(m.text) ? m.text : ` ${m.text}`;
  return sourceVariant === 'transcript' && m.text.startsWith(' ') ? m.text.slice(1) : m.text;
}

/** The training record: the aggregated best response against the worst (or, for OASST, every response ranked). */
function trainingRecord(conv: Conversation, paths: Map<string, Message[]>, order: readonly string[], target: ExportFormat, table: LabOnlyView['pseudonyms'] | undefined): Record<string, unknown> {
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

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export async function exportResults(o: ExportOptions): Promise<Sidecar> {
  const format = parseFormat(o.format);
  const ledger = await o.store.requireLedger();
  const results = await o.store.results();
  if (results.accepted.length === 0) fail('NOT_FOUND', `campaign ${o.store.campaign} has no collected labels yet; run \`keyhole results pull\` first`);
  const byItem = new Map<string, AcceptedLabel[]>();
  for (const a of results.accepted) byItem.set(a.item, [...(byItem.get(a.item) ?? []), a]);
  const lines: string[] = [];
  const records: SidecarRecord[] = [];
  const skipped = { unlabelled: 0, tied: 0, notRankable: 0 };
  for (const item of ledger.items) {
    const accepted = byItem.get(item.item) ?? [];
    if (accepted.length === 0) {
      skipped.unlabelled++;
      continue;
    }
    const labels = accepted.map((a) => parseWith(LabelPlaintext, a.label, `stored label of ${item.item}`));
    const decided = aggregate(labels);
    if (decided === 'tied') {
      skipped.tied++;
      continue;
    }
    if (decided === 'not-rankable') {
      skipped.notRankable++;
      continue;
    }
    const labOnly = await openLabOnly(o, item);
    const conv = item.content as unknown as Conversation;
    const paths = candidatePaths(conv);
    if (decided.order.some((k) => !paths.has(k))) fail('MISMATCH', `item ${item.item}: a stored label names a response the item does not have; re-run \`keyhole results pull\` from a fresh data directory`);
    lines.push(JSON.stringify(trainingRecord(conv, paths, decided.order, format, o.reidentify ? labOnly.pseudonyms : undefined)));
    const branches = labOnly.blind.find((b) => b.kind === 'branches');
    const sourcePreferred = branches?.kind === 'branches' ? branches.labels[0] : undefined;
    const winner = branches?.kind === 'branches' ? branches.originalLabels[branches.labels.indexOf(decided.order[0]!)] : undefined;
    records.push({
      line: lines.length,
      item: item.item,
      sourceLine: item.line,
      labels: accepted.map((a) => ({ annotator: a.annotator, stage: a.stage, seconds: Number(a.label.seconds ?? 0), submitted: a.submitted, answer: a.unblinded })),
      order: decided.order,
      agreement: decided.agreement,
      agreesWithSource: sourcePreferred === undefined || winner === undefined ? null : winner === sourcePreferred,
    });
  }
  const perAnnotator = new Map<string, number[]>();
  for (const a of results.accepted) perAnnotator.set(a.annotator, [...(perAnnotator.get(a.annotator) ?? []), Number(a.label.seconds ?? 0)]);
  const sidecar: Sidecar = {
    v: 1,
    campaign: o.store.campaign,
    format,
    reidentified: o.reidentify,
    records,
    skipped,
    annotators: [...perAnnotator.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([annotator, s]) => ({ annotator, labels: s.length, secondsTotal: s.reduce((x, y) => x + y, 0), secondsMedian: median(s) })),
  };
  await writeFileAtomic(o.out, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  await writeFileAtomic(sidecarPath(o.out), `${JSON.stringify(sidecar, null, 2)}\n`);
  return sidecar;
}

export function sidecarPath(out: string): string {
  return `${out}.sidecar.json`;
}

async function openLabOnly(o: ExportOptions, item: LedgerItem): Promise<LabOnlyView> {
  const bytes = await openLabSection(o.p, o.labSectionKey, fromBase64Url(item.digest), fromBase64Url(item.labSection));
  return parseWith(LabOnlySchema, parseJsonText(fromUtf8(bytes, 'lab section'), 'lab section'), `lab section of ${item.item}`);
}
