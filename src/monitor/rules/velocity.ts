/** Velocity: more releases to one person than anyone can read at human pace. */
import { z } from 'zod';
import { defineRule } from './rule.js';

export const velocity = defineRule({
  name: 'velocity',
  category: 'misuse',
  severity: 'critical',
  summary: 'releases to one annotator faster than human pace',
  thresholds: z.strictObject({ perMinute: z.number().int().positive().default(6), perHour: z.number().int().positive().default(120) }),
  onRecord(e, state, t) {
    if (e.record.kind !== 'release' || e.record.decision !== 'allow') return undefined;
    const a = state.annotator(e.record.annotator);
    if (!a) return undefined;
    const minute = a.releaseTimes.countSince(e.timeMs - 60_000);
    const hour = a.releaseTimes.countSince(e.timeMs - 3_600_000);
    if (minute <= t.perMinute && hour <= t.perHour) return undefined;
    const what = minute > t.perMinute ? `${minute} releases in a minute (limit ${t.perMinute})` : `${hour} releases in an hour (limit ${t.perHour})`;
    return { entries: [e.index], offendingTimeMs: e.timeMs, message: `${e.record.annotator}: ${what}` };
  },
});
