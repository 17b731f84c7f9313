/** Denial bursts: many refused requests in a short time, the shape of probing. */
import { z } from 'zod';
import { defineRule } from './rule.js';

export const denialBurst = defineRule({
  name: 'denial-burst',
  category: 'misuse',
  severity: 'critical',
  summary: 'many denied requests from one annotator in a short window',
  thresholds: z.strictObject({ count: z.number().int().positive().default(5), windowSeconds: z.number().positive().max(86_400).default(60) }),
  onRecord(e, state, t) {
    if (e.record.kind !== 'deny') return undefined;
    const a = state.annotator(e.record.annotator);
    if (!a) return undefined;
    const n = a.denyTimes.countSince(e.timeMs - t.windowSeconds * 1000);
    if (n < t.count) return undefined;
    return { entries: [e.index], offendingTimeMs: e.timeMs, message: `${e.record.annotator}: ${n} denied requests within ${t.windowSeconds} s (latest: ${e.record.reason ?? 'no reason'})` };
  },
});
