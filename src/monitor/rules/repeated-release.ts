/** Repeated release: the same item's key handed to the same person again. */
import { z } from 'zod';
import { itemKey } from '../activity/activity-state.js';
import { defineRule } from './rule.js';

export const repeatedRelease = defineRule({
  name: 'repeated-release',
  category: 'misuse',
  severity: 'warning',
  summary: 'one item released to one annotator more than allowed',
  thresholds: z.strictObject({ perItem: z.number().int().positive().default(1) }),
  onRecord(e, state, t) {
    const r = e.record;
    if (r.kind !== 'release' || r.decision !== 'allow') return undefined;
    const n = state.annotator(r.annotator)?.itemReleases.get(itemKey(r.campaign, r.item)) ?? 0;
    if (n <= t.perItem) return undefined;
    return { entries: [e.index], offendingTimeMs: e.timeMs, dedupKey: `repeated-release|${r.annotator}|${r.campaign}|${r.item}`, message: `${r.annotator}: item ${r.item} released ${n} times` };
  },
});
