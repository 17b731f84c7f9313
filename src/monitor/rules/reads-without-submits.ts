/** Reads without submits: keys taken, leases left to run out, no work handed in. */
import { z } from 'zod';
import { defineRule } from './rule.js';

export const readsWithoutSubmits = defineRule({
  name: 'reads-without-submits',
  category: 'misuse',
  severity: 'critical',
  summary: 'several leases of one annotator expire without a submit receipt',
  thresholds: z.strictObject({ expired: z.number().int().positive().default(3), windowHours: z.number().positive().max(24).default(24) }),
  onLeaseExpired(x, state, t) {
    const a = state.annotator(x.release.record.annotator);
    if (!a) return undefined;
    const n = a.expiredUnsubmitted.countSince(x.deadlineMs - t.windowHours * 3_600_000);
    if (n < t.expired) return undefined;
    return {
      entries: [x.release.index],
      offendingTimeMs: x.release.timeMs,
      message: `${x.release.record.annotator}: ${n} released items without a submit within ${t.windowHours} h (limit ${t.expired - 1})`,
    };
  },
});
