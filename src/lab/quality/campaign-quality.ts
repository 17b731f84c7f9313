/**
 * Quality at the lab (DESIGN §3 step 5): how far the vendor's annotators can
 * be trusted, measured where the plaintext is. Per campaign and per
 * annotator, from the lab's own ledger and collected labels:
 *
 * - agreement: Krippendorff's α (nominal on the answer; ordinal and interval
 *   on the pairwise strength −3…+3, the rubric ratings and the safety
 *   severity), Fleiss' κ on the answer (over the items labelled by the most
 *   common number of annotators, as Fleiss needs a constant number), and for
 *   rankings Kendall's W per item and each annotator's τ_b against the others;
 * - accuracy on gold items (gold.ts) and agreement with the source dataset's
 *   own preference (source-preference.ts);
 * - time on task, and annotators who stand out: low agreement with the
 *   others, low gold accuracy, or much faster than the campaign.
 *
 * Only first-stage ("annotate") labels measure agreement: a review stage sees
 * disagreements on purpose, so its labels would bias it; they are counted.
 * When an annotator answered an item twice, the later submission counts.
 */
import { LabelPlaintext, RUBRIC_ASPECTS, SEVERITIES } from '../../core/label-plaintext.js';
import { parseWith } from '../../core/schema.js';
import type { AcceptedLabel, Ledger } from '../lab-store.js';
import { fleissKappa } from './fleiss.js';
import type { GoldAnswers } from './gold.js';
import { kendallTau, kendallW, midRanks } from './kendall.js';
import { krippendorffAlpha, type AlphaMetric } from './krippendorff.js';
import { sourcePreferred } from './source-preference.js';
import { quantile, timeDistribution, type TimeDistribution } from './time-on-task.js';

export interface QualityThresholds {
  /** Below this share of agreement with the other annotators' majority an annotator stands out. */
  readonly minAgreement: number;
  /** Below this gold accuracy an annotator stands out. */
  readonly minGoldAccuracy: number;
  /** A median time on task below this fraction of the campaign's median stands out… */
  readonly fastFraction: number;
  /** …and so does one below this many seconds. */
  readonly minSeconds: number;
  /** Fewer comparisons (or labels) than this say nothing about an annotator. */
  readonly minEvidence: number;
}

export const DEFAULT_THRESHOLDS: QualityThresholds = { minAgreement: 0.5, minGoldAccuracy: 0.6, fastFraction: 0.33, minSeconds: 3, minEvidence: 3 };

export interface AlphaFigure {
  /** What the units' values are, in words. */
  readonly on: string;
  readonly metric: AlphaMetric;
  readonly alpha: number | null;
  readonly units: number;
  readonly pairable: number;
}

export interface Share {
  readonly n: number;
  readonly agree: number;
  readonly rate: number | null;
}

export interface AnnotatorQuality {
  readonly annotator: string;
  readonly labels: number;
  readonly reviewLabels: number;
  /** Share of this annotator's answers equal to the majority of the others on the same item (items where the others have one). */
  readonly agreementWithOthers: Share;
  /** Rankings: mean τ_b between this annotator's order and the others' mean ranks. */
  readonly tau: number | null;
  readonly gold: Share | null;
  readonly source: Share | null;
  readonly secondsMedian: number;
  readonly reasons: readonly string[];
}

export interface QualityReport {
  readonly v: 1;
  readonly campaign: string;
  readonly task: string | null;
  readonly counts: { readonly items: number; readonly itemsLabelled: number; readonly itemsWithOverlap: number; readonly labels: number; readonly reviewLabels: number; readonly annotators: number };
  readonly alpha: readonly AlphaFigure[];
  readonly fleiss: { readonly on: string; readonly categories: readonly string[]; readonly kappa: number | null; readonly subjects: number; readonly raters: number } | null;
  readonly kendall: { readonly meanW: number | null; readonly items: number } | null;
  readonly gold: (Share & { readonly items: number }) | null;
  /** Pairs: how often annotators preferred what the source dataset preferred (ties are not counted as agreeing). */
  readonly source: (Share & { readonly ties: number }) | null;
  readonly time: TimeDistribution;
  readonly annotators: readonly AnnotatorQuality[];
  /** The annotators with at least one reason to look at them. */
  readonly outliers: ReadonlyArray<{ readonly annotator: string; readonly reasons: readonly string[] }>;
  readonly thresholds: QualityThresholds;
}

interface Entry {
  readonly a: AcceptedLabel;
  readonly label: LabelPlaintext;
}

const share = (agree: number, n: number): Share => ({ n, agree, rate: n === 0 ? null : agree / n });
const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The answer compared between annotators, in words; undefined for tasks without one (a rewrite). */
function answerOf(l: LabelPlaintext): string | undefined {
  if (l.task === 'pairwise') return l.choice;
  if (l.task === 'ranking') return l.rankable ? l.order[0] : 'not rankable';
  if (l.task === 'safety-flags') return l.outcome;
  if (l.task === 'rubric') return RUBRIC_ASPECTS.map((a) => l.ratings[a]).join('/');
  return undefined;
}

/** Numeric values per unit for ordinal and interval α: unit key → values. */
function scaleUnits(entries: readonly Entry[]): Map<string, { on: string; units: Map<string, number[]> }> {
  const out = new Map<string, { on: string; units: Map<string, number[]> }>();
  const add = (scale: string, on: string, unit: string, value: number): void => {
    const s = out.get(scale) ?? { on, units: new Map<string, number[]>() };
    s.units.set(unit, [...(s.units.get(unit) ?? []), value]);
    out.set(scale, s);
  };
  for (const { a, label } of entries) {
    if (label.task === 'pairwise') add('strength', 'preference strength (−3 A much better … +3 B much better)', a.item, label.strength);
    if (label.task === 'safety-flags') add('severity', `severity (${SEVERITIES.join(' < ')})`, a.item, SEVERITIES.indexOf(label.severity));
    if (label.task === 'rubric') for (const aspect of RUBRIC_ASPECTS) add(aspect, `rubric ${aspect} (1–5)`, `${a.item}/${label.response}`, label.ratings[aspect]);
  }
  return out;
}

function categoriesOf(task: string | null, answers: readonly string[]): string[] {
  if (task === 'pairwise') return ['A', 'tie', 'B'];
  return [...new Set(answers)].sort();
}

export function campaignQuality(o: { readonly campaign: string; readonly ledger: Ledger; readonly accepted: readonly AcceptedLabel[]; readonly gold?: GoldAnswers; readonly thresholds?: Partial<QualityThresholds> }): QualityReport {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...o.thresholds };
  const gold = o.gold ?? new Map();
  const ledgerItems = new Map(o.ledger.items.map((i) => [i.item, i]));
  // Latest submission per (item, annotator, stage).
  const latest = new Map<string, AcceptedLabel>();
  for (const a of o.accepted) {
    const key = `${a.item}\u0000${a.annotator}\u0000${a.stage}`;
    const seen = latest.get(key);
    if (seen === undefined || a.submitted >= seen.submitted) latest.set(key, a);
  }
  const all: Entry[] = [...latest.values()].map((a) => ({ a, label: parseWith(LabelPlaintext, a.label, `stored label of ${a.item}`) }));
  const entries = all.filter((e) => e.a.stage === 'annotate');
  const task = entries[0]?.label.task ?? all[0]?.label.task ?? null;
  const byItem = new Map<string, Entry[]>();
  for (const e of entries) byItem.set(e.a.item, [...(byItem.get(e.a.item) ?? []), e]);

  // Krippendorff's alpha: nominal on the answer, ordinal and interval on each numeric scale.
  const alpha: AlphaFigure[] = [];
  const answerUnits = [...byItem.values()].map((es) => es.map((e) => answerOf(e.label)).filter((x): x is string => x !== undefined));
  // Agreement needs overlap: a scale is reported once some item has two values on it.
  if (answerUnits.some((u) => u.length >= 2)) {
    const on = task === 'pairwise' ? 'choice (A, tie, B)' : task === 'ranking' ? 'the response ranked best' : task === 'safety-flags' ? 'safety outcome' : 'all four rubric ratings together';
    alpha.push({ on, metric: 'nominal', ...krippendorffAlpha(answerUnits, 'nominal') });
  }
  for (const { on, units } of scaleUnits(entries).values()) {
    if (![...units.values()].some((u) => u.length >= 2)) continue;
    for (const metric of ['ordinal', 'interval'] as const) alpha.push({ on, metric, ...krippendorffAlpha([...units.values()], metric) });
  }

  // Fleiss' kappa over the items with the most common number (≥ 2) of annotators.
  let fleiss: QualityReport['fleiss'] = null;
  const sizes = new Map<number, number>();
  for (const u of answerUnits) if (u.length >= 2) sizes.set(u.length, (sizes.get(u.length) ?? 0) + 1);
  const modal = [...sizes.entries()].sort((x, y) => y[1] - x[1] || y[0] - x[0])[0]?.[0];
  if (modal !== undefined) {
    const categories = categoriesOf(task, answerUnits.flat());
    const rows = answerUnits.filter((u) => u.length === modal).map((u) => categories.map((c) => u.filter((x) => x === c).length));
    const r = fleissKappa(rows);
    fleiss = { on: alpha[0]?.on ?? 'answer', categories, kappa: r.kappa, subjects: r.subjects, raters: r.raters };
  }

  // Rankings: Kendall's W per item and each annotator's tau against the others' mean ranks.
  const tauByAnnotator = new Map<string, number[]>();
  let kendall: QualityReport['kendall'] = null;
  if (task === 'ranking') {
    const ws: number[] = [];
    for (const es of byItem.values()) {
      const ranked = es.filter((e): e is Entry & { label: Extract<LabelPlaintext, { rankable: true }> } => e.label.task === 'ranking' && e.label.rankable);
      if (ranked.length < 2) continue;
      const keys = [...ranked[0]!.label.order].sort();
      if (!ranked.every((e) => e.label.order.length === keys.length && e.label.order.every((k) => keys.includes(k)))) continue;
      const ranks = ranked.map((e) => midRanks(keys.map((k) => e.label.order.indexOf(k))));
      const w = kendallW(ranks).w;
      if (w !== null) ws.push(w);
      ranked.forEach((e, r) => {
        const others = ranks.filter((_, x) => x !== r);
        const consensus = keys.map((_, j) => others.reduce((s, row) => s + row[j]!, 0) / others.length);
        const tau = kendallTau(ranks[r]!, consensus);
        if (tau !== null) tauByAnnotator.set(e.a.annotator, [...(tauByAnnotator.get(e.a.annotator) ?? []), tau]);
      });
    }
    kendall = { meanW: mean(ws), items: ws.length };
  }

  // Agreement of each label with the majority of the other annotators of its item.
  const agreeWithOthers = new Map<string, { agree: number; n: number }>();
  for (const es of byItem.values()) {
    for (const e of es) {
      const mine = answerOf(e.label);
      if (mine === undefined) continue;
      const votes = new Map<string, number>();
      for (const other of es) if (other !== e) {
        const x = answerOf(other.label);
        if (x !== undefined) votes.set(x, (votes.get(x) ?? 0) + 1);
      }
      const top = [...votes.entries()].sort((x, y) => y[1] - x[1]);
      if (top.length === 0 || (top.length > 1 && top[0]![1] === top[1]![1])) continue;
      const s = agreeWithOthers.get(e.a.annotator) ?? { agree: 0, n: 0 };
      s.n++;
      if (top[0]![0] === mine) s.agree++;
      agreeWithOthers.set(e.a.annotator, s);
    }
  }

  // Gold accuracy and agreement with the source dataset, on the un-blinded answers.
  const goldOf = new Map<string, { agree: number; n: number }>();
  const sourceOf = new Map<string, { agree: number; n: number }>();
  let sourceTies = 0;
  for (const { a } of entries) {
    const expected = gold.get(a.item);
    if (expected !== undefined && ('preferred' in a.unblinded || 'order' in a.unblinded)) {
      const answered = 'preferred' in a.unblinded ? a.unblinded.preferred : a.unblinded.order[0];
      const right = 'preferred' in expected ? expected.preferred : expected.order[0];
      const g = goldOf.get(a.annotator) ?? { agree: 0, n: 0 };
      g.n++;
      if (answered === right) g.agree++;
      goldOf.set(a.annotator, g);
    }
    const item = ledgerItems.get(a.item);
    const preferred = item === undefined ? null : sourcePreferred(item.content);
    if (preferred !== null && 'preferred' in a.unblinded) {
      if (a.unblinded.preferred === 'tie') sourceTies++;
      const s = sourceOf.get(a.annotator) ?? { agree: 0, n: 0 };
      s.n++;
      if (a.unblinded.preferred === preferred) s.agree++;
      sourceOf.set(a.annotator, s);
    }
  }

  const seconds = entries.map((e) => e.label.seconds);
  const time = timeDistribution(seconds);
  const annotatorNames = [...new Set(all.map((e) => e.a.annotator))].sort();
  const annotators = annotatorNames.map((annotator): AnnotatorQuality => {
    const mine = entries.filter((e) => e.a.annotator === annotator);
    const agreement = agreeWithOthers.get(annotator) ?? { agree: 0, n: 0 };
    const g = goldOf.get(annotator);
    const s = sourceOf.get(annotator);
    const secondsMedian = quantile(mine.map((e) => e.label.seconds).sort((x, y) => x - y), 0.5);
    const reasons: string[] = [];
    const agreementShare = share(agreement.agree, agreement.n);
    if (agreementShare.rate !== null && agreement.n >= thresholds.minEvidence && agreementShare.rate < thresholds.minAgreement) {
      reasons.push(`agrees with the other annotators on ${(agreementShare.rate * 100).toFixed(0)}% of ${agreement.n} items (threshold ${(thresholds.minAgreement * 100).toFixed(0)}%)`);
    }
    if (g !== undefined && g.n >= thresholds.minEvidence && g.agree / g.n < thresholds.minGoldAccuracy) {
      reasons.push(`right on ${g.agree} of ${g.n} gold items (threshold ${(thresholds.minGoldAccuracy * 100).toFixed(0)}%)`);
    }
    if (mine.length >= thresholds.minEvidence && (secondsMedian < thresholds.minSeconds || secondsMedian < thresholds.fastFraction * time.median)) {
      reasons.push(`median ${secondsMedian.toFixed(1)} s per item against the campaign's ${time.median.toFixed(1)} s`);
    }
    return {
      annotator,
      labels: mine.length,
      reviewLabels: all.filter((e) => e.a.annotator === annotator && e.a.stage === 'review').length,
      agreementWithOthers: agreementShare,
      tau: mean(tauByAnnotator.get(annotator) ?? []),
      gold: g === undefined ? null : share(g.agree, g.n),
      source: s === undefined ? null : share(s.agree, s.n),
      secondsMedian,
      reasons,
    };
  });
  const sum = (m: Map<string, { agree: number; n: number }>) => [...m.values()].reduce((acc, x) => ({ agree: acc.agree + x.agree, n: acc.n + x.n }), { agree: 0, n: 0 });
  const goldTotal = sum(goldOf);
  const sourceTotal = sum(sourceOf);
  return {
    v: 1,
    campaign: o.campaign,
    task,
    counts: {
      items: o.ledger.items.length,
      itemsLabelled: byItem.size,
      itemsWithOverlap: [...byItem.values()].filter((es) => es.length >= 2).length,
      labels: entries.length,
      reviewLabels: all.length - entries.length,
      annotators: annotatorNames.length,
    },
    alpha,
    fleiss,
    kendall,
    gold: gold.size === 0 ? null : { ...share(goldTotal.agree, goldTotal.n), items: [...gold.keys()].filter((i) => byItem.has(i)).length },
    source: sourceOf.size === 0 ? null : { ...share(sourceTotal.agree, sourceTotal.n), ties: sourceTies },
    time,
    annotators,
    outliers: annotators.filter((a) => a.reasons.length > 0).map((a) => ({ annotator: a.annotator, reasons: a.reasons })),
    thresholds,
  };
}
