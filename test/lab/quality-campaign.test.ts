/**
 * The campaign quality report, on labels built by hand: each figure is what
 * the statistic gives on the same numbers, and the annotators who stand out
 * are the ones built to.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { Ledger } from '../../src/lab/lab-store.js';
import { campaignQuality } from '../../src/lab/quality/campaign-quality.js';
import { fleissKappa } from '../../src/lab/quality/fleiss.js';
import { krippendorffAlpha } from '../../src/lab/quality/krippendorff.js';
import { pairItem, pairLabel, rankingItem, rankLabel } from './support/labels.js';

const ledgerOf = (items: Ledger['items']): Ledger => ({ v: 1, campaign: 'c1', dataset: '/data.jsonl', datasetSha256: '00', items });

test('pairwise: alpha on choice and strength, Fleiss, gold, the source, and who stands out', () => {
  const items = Array.from({ length: 8 }, (_, i) => pairItem(`i${i}`, i + 1));
  // ann-a, ann-b and ann-d prefer the source's choice ("chosen", position A) on every item; ann-c, quick, always the other.
  const accepted = items.flatMap((it, i) => [
    pairLabel(it.item, 'v:ann-a', -2, { seconds: 40 }),
    pairLabel(it.item, 'v:ann-b', i % 4 === 0 ? -1 : -3, { seconds: 50 }),
    pairLabel(it.item, 'v:ann-c', 2, { seconds: 2 }),
    pairLabel(it.item, 'v:ann-d', -1, { seconds: 35 }),
  ]);
  accepted.push(pairLabel('i0', 'v:reviewer', -2, { stage: 'review' }));
  const gold = new Map([
    ['i1', { preferred: 'chosen' }],
    ['i2', { preferred: 'chosen' }],
    ['i3', { preferred: 'chosen' }],
  ]);
  const r = campaignQuality({ campaign: 'c1', ledger: ledgerOf(items), accepted, gold });
  assert.equal(r.task, 'pairwise');
  assert.deepEqual(r.counts, { items: 8, itemsLabelled: 8, itemsWithOverlap: 8, labels: 32, reviewLabels: 1, annotators: 5 });
  const choiceUnits = items.map(() => ['A', 'A', 'B', 'A']);
  const strengthUnits = items.map((_, i) => [-2, i % 4 === 0 ? -1 : -3, 2, -1]);
  assert.equal(r.alpha.find((a) => a.metric === 'nominal')!.alpha, krippendorffAlpha(choiceUnits, 'nominal').alpha);
  assert.equal(r.alpha.find((a) => a.metric === 'ordinal')!.alpha, krippendorffAlpha(strengthUnits, 'ordinal').alpha);
  assert.equal(r.alpha.find((a) => a.metric === 'interval')!.alpha, krippendorffAlpha(strengthUnits, 'interval').alpha);
  assert.deepEqual(r.fleiss!.categories, ['A', 'tie', 'B']);
  assert.equal(r.fleiss!.kappa, fleissKappa(items.map(() => [3, 0, 1])).kappa);
  assert.deepEqual({ n: r.gold!.n, agree: r.gold!.agree, items: r.gold!.items }, { n: 12, agree: 9, items: 3 });
  assert.deepEqual({ n: r.source!.n, agree: r.source!.agree, ties: r.source!.ties }, { n: 32, agree: 24, ties: 0 });
  const c = r.annotators.find((a) => a.annotator === 'v:ann-c')!;
  assert.deepEqual(c.agreementWithOthers, { n: 8, agree: 0, rate: 0 });
  assert.deepEqual(c.gold, { n: 3, agree: 0, rate: 0 });
  assert.equal(c.source!.rate, 0);
  assert.deepEqual(r.outliers.map((o) => o.annotator), ['v:ann-c']);
  assert.equal(r.outliers[0]!.reasons.length, 3, 'low agreement, wrong on gold, too fast');
  assert.equal(r.annotators.find((a) => a.annotator === 'v:ann-a')!.agreementWithOthers.rate, 1);
  assert.equal(r.time.labels, 32);
  assert.equal(r.time.median, 37.5);
  assert.equal(r.time.histogram.reduce((s, b) => s + b.count, 0), 32);
});

test('a revised answer replaces the earlier one of the same annotator', () => {
  const items = [pairItem('i0', 1)];
  const accepted = [pairLabel('i0', 'v:a', 3, { submitted: 10 }), pairLabel('i0', 'v:a', -3, { submitted: 20 }), pairLabel('i0', 'v:b', -3)];
  const r = campaignQuality({ campaign: 'c1', ledger: ledgerOf(items), accepted });
  assert.equal(r.counts.labels, 2);
  assert.equal(r.annotators.find((a) => a.annotator === 'v:a')!.agreementWithOthers.rate, 1);
});

test("rankings: Kendall's W per item (Siegel's example) and each annotator's tau against the others", () => {
  const item = rankingItem('t0', 1, 6);
  const accepted = [rankLabel('t0', 'v:x', [1, 6, 3, 2, 5, 4]), rankLabel('t0', 'v:y', [1, 5, 6, 4, 2, 3]), rankLabel('t0', 'v:z', [6, 3, 2, 5, 4, 1])];
  const r = campaignQuality({ campaign: 'c1', ledger: ledgerOf([item]), accepted });
  assert.equal(r.task, 'ranking');
  assert.equal(r.kendall!.items, 1);
  assert.equal(r.kendall!.meanW!.toFixed(4), '0.1619');
  const z = r.annotators.find((a) => a.annotator === 'v:z')!;
  assert.ok(z.tau !== null && z.tau < 0, `z ranks against the others: ${z.tau}`);
  assert.equal(r.source, null, 'a tree carries no source preference');
  assert.ok(r.alpha.some((a) => a.metric === 'nominal' && a.on === 'the response ranked best'));
});

test('rubric and safety flags: ordinal and interval alpha per scale, nominal on the answer', () => {
  const items = [0, 1, 2, 3].map((i) => pairItem(`r${i}`, i + 1));
  let seq = 1000;
  const rubric = (item: string, annotator: string, h: number) => ({
    seq: ++seq,
    item,
    lease: `l${seq}`,
    annotator,
    device: 'd',
    stage: 'annotate' as const,
    submitted: seq,
    label: { v: 1, task: 'rubric', seconds: 20, response: 'chosen', ratings: { helpfulness: h, honesty: 5, harmlessness: 5, instructionFollowing: h }, comment: '' },
    unblinded: {},
  });
  const accepted = items.flatMap((it, i) => [rubric(it.item, 'v:a', 1 + i), rubric(it.item, 'v:b', 1 + i), rubric(it.item, 'v:c', Math.min(5, 2 + i))]);
  const r = campaignQuality({ campaign: 'c1', ledger: ledgerOf(items), accepted });
  assert.equal(r.task, 'rubric');
  const helpful = items.map((_, i) => [1 + i, 1 + i, Math.min(5, 2 + i)]);
  const figure = (on: string, metric: string) => r.alpha.find((a) => a.on === on && a.metric === metric)!;
  assert.equal(figure('rubric helpfulness (1–5)', 'interval').alpha, krippendorffAlpha(helpful, 'interval').alpha);
  assert.equal(figure('rubric helpfulness (1–5)', 'ordinal').alpha, krippendorffAlpha(helpful, 'ordinal').alpha);
  assert.equal(figure('rubric honesty (1–5)', 'interval').alpha, null, 'every rating 5: no variation, alpha undefined');
  assert.equal(r.source, null);

  const safety = (item: string, annotator: string, severity: 'none' | 'low' | 'high') => ({
    seq: ++seq,
    item,
    lease: `l${seq}`,
    annotator,
    device: 'd',
    stage: 'annotate' as const,
    submitted: seq,
    label: { v: 1, task: 'safety-flags', seconds: 20, flags: severity === 'none' ? [] : ['cyber'], outcome: severity === 'high' ? 'complied' : 'refused', severity, notes: '' },
    unblinded: {},
  });
  const flagged = campaignQuality({ campaign: 'c1', ledger: ledgerOf(items), accepted: [safety('r0', 'v:a', 'none'), safety('r0', 'v:b', 'low'), safety('r1', 'v:a', 'high'), safety('r1', 'v:b', 'high')] });
  assert.equal(flagged.alpha.find((a) => a.metric === 'ordinal')!.alpha, krippendorffAlpha([[0, 1], [3, 3]], 'ordinal').alpha);
  assert.equal(flagged.alpha.find((a) => a.metric === 'nominal')!.alpha, krippendorffAlpha([['refused', 'refused'], ['complied', 'complied']], 'nominal').alpha);
});

test('without overlap there is no agreement figure, only the rest', () => {
  const items = [pairItem('i0', 1), pairItem('i1', 2)];
  const r = campaignQuality({ campaign: 'c1', ledger: ledgerOf(items), accepted: [pairLabel('i0', 'v:a', -2), pairLabel('i1', 'v:b', 1)] });
  assert.deepEqual([r.alpha, r.fleiss, r.counts.itemsWithOverlap], [[], null, 0]);
  assert.deepEqual({ n: r.source!.n, agree: r.source!.agree }, { n: 2, agree: 1 });
});
