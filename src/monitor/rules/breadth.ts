/** Breadth: one person pulling from more campaigns than any one job needs. */
import { z } from 'zod';
import { defineRule } from './rule.js';

export const breadth = defineRule({
  name: 'breadth',
  category: 'misuse',
  severity: 'warning',
  summary: 'one annotator touches many campaigns within a window',
  thresholds: z.strictObject({ campaigns: z.number().int().positive().default(3), windowHours: z.number().positive().max(24).default(24) }),
  onRecord(e, state, t) {
    if (e.record.kind !== 'release' || e.record.decision !== 'allow') return undefined;
    const a = state.annotator(e.record.annotator);
    if (!a) return undefined;
    const since = e.timeMs - t.windowHours * 3_600_000;
    let n = 0;
    for (const last of a.campaigns.values()) if (last >= since) n++;
    if (n <= t.campaigns) return undefined;
    return { entries: [e.index], offendingTimeMs: e.timeMs, message: `${e.record.annotator}: releases from ${n} campaigns within ${t.windowHours} h (limit ${t.campaigns})` };
  },
});
