/** Ledger items and accepted labels built by hand, for the lab's quality and export tests. */
import type { AcceptedLabel, LedgerItem } from '../../../src/lab/lab-store.js';

/** A pair item as ingest stores it: branch labels in source order ("chosen" first), responses blinded under them. */
export function pairItem(item: string, line: number, texts: { prompt: string; chosen: string; rejected: string } = { prompt: `prompt ${line}`, chosen: `reply one ${line}`, rejected: `reply two ${line}` }): LedgerItem {
  return {
    item,
    digest: 'AAAA',
    batch: 'b1',
    line,
    content: {
      variant: 'conversational',
      messages: [
        { id: 'm0', parentId: null, role: 'user', text: texts.prompt, attrs: {} },
        { id: 'm1', parentId: 'm0', role: 'assistant', text: texts.chosen, attrs: {} },
        { id: 'm2', parentId: 'm0', role: 'assistant', text: texts.rejected, attrs: {} },
      ],
      branches: [
        { label: 'chosen', leafId: 'm1' },
        { label: 'rejected', leafId: 'm2' },
      ],
      layout: { kind: 'explicit', promptEndId: 'm0' },
      metadata: {},
    },
    labSection: 'AAAA',
  };
}

/** A tree item whose prompt has `replies` sibling replies (ids r0…), as OASST ingest stores it. */
export function rankingItem(item: string, line: number, replies: number): LedgerItem {
  return {
    item,
    digest: 'AAAA',
    batch: 'b1',
    line,
    content: {
      variant: 'tree',
      messages: [{ id: 'p', parentId: null, role: 'user', text: `question ${line}`, attrs: {} }, ...Array.from({ length: replies }, (_, k) => ({ id: `r${k}`, parentId: 'p', role: 'assistant', text: `reply ${k} of ${line}`, attrs: {} }))],
      branches: [],
      layout: { kind: 'implicit' },
      metadata: {},
    },
    labSection: 'AAAA',
  };
}

let seq = 0;

/**
 * A pairwise label. `strength` is on the item's A/B scale (A = "chosen"
 * position here: the tests blind nothing, so the un-blinded name is the key).
 */
export function pairLabel(item: string, annotator: string, strength: number, o: { seconds?: number; stage?: 'annotate' | 'review'; rationale?: string; submitted?: number } = {}): AcceptedLabel {
  seq++;
  const choice = strength < 0 ? 'A' : strength > 0 ? 'B' : 'tie';
  return {
    seq,
    item,
    lease: `lease-${seq}`,
    annotator,
    device: 'dev',
    stage: o.stage ?? 'annotate',
    submitted: o.submitted ?? 1_800_000_000 + seq,
    label: { v: 1, task: 'pairwise', seconds: o.seconds ?? 30, a: 'chosen', b: 'rejected', choice, strength, rationale: o.rationale ?? '' },
    unblinded: { preferred: choice === 'tie' ? 'tie' : choice === 'A' ? 'chosen' : 'rejected' },
  };
}

/** A ranking label: `ranks[k]` is the rank (1 = best) this annotator gave reply r<k>. */
export function rankLabel(item: string, annotator: string, ranks: readonly number[], seconds = 40): AcceptedLabel {
  seq++;
  const order = ranks.map((r, k) => ({ r, k })).sort((x, y) => x.r - y.r).map((x) => `r${x.k}`);
  return {
    seq,
    item,
    lease: `lease-${seq}`,
    annotator,
    device: 'dev',
    stage: 'annotate',
    submitted: 1_800_000_000 + seq,
    label: { v: 1, task: 'ranking', seconds, rankable: true, order, rationale: '' },
    unblinded: { order: order.map((k) => `reply-${k.slice(1)}`) },
  };
}
