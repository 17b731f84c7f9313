/** Off-hours: access outside the campaign's working hours (inactive until hours are set). */
import { z } from 'zod';
import { defineRule } from './rule.js';

const Hours = z.strictObject({
  /** First hour of work, 0-23, in local time. */
  start: z.number().int().min(0).max(23),
  /** Hour work ends (exclusive), 1-24; smaller than start for a shift across midnight. */
  end: z.number().int().min(1).max(24),
  utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
  /** Working days, 0 = Sunday. */
  days: z.array(z.number().int().min(0).max(6)).default([0, 1, 2, 3, 4, 5, 6]),
});

function isWorking(timeMs: number, h: z.infer<typeof Hours>): boolean {
  const local = new Date(timeMs + h.utcOffsetMinutes * 60_000);
  const hour = local.getUTCHours();
  const inHours = h.start < h.end ? hour >= h.start && hour < h.end : hour >= h.start || hour < h.end;
  return inHours && h.days.includes(local.getUTCDay());
}

export const offHours = defineRule({
  name: 'off-hours',
  category: 'misuse',
  severity: 'warning',
  summary: "releases outside the campaign's working hours",
  thresholds: z.strictObject({ hours: Hours.nullable().default(null) }),
  onRecord(e, _state, t) {
    if (!t.hours || e.record.kind !== 'release' || e.record.decision !== 'allow') return undefined;
    if (isWorking(e.timeMs, t.hours)) return undefined;
    return { entries: [e.index], offendingTimeMs: e.timeMs, message: `${e.record.annotator}: release at ${e.record.time}, outside working hours ${t.hours.start}:00-${t.hours.end}:00 (UTC${t.hours.utcOffsetMinutes >= 0 ? '+' : ''}${t.hours.utcOffsetMinutes / 60})` };
  },
});
