/**
 * Missing receipt: a key was released and its lease ran out with no submit
 * receipt in the log. One is an integrity warning (the hub or the gatekeeper
 * lost a receipt, or the item walked out); many from one annotator is the
 * reads-without-submits misuse pattern.
 */
import { z } from 'zod';
import { defineRule } from './rule.js';

export const missingReceipt = defineRule({
  name: 'missing-receipt',
  category: 'integrity',
  severity: 'warning',
  summary: 'a release whose submit receipt is absent when its lease ends',
  thresholds: z.strictObject({}),
  defaults: { cooldownSeconds: 0 },
  onLeaseExpired(x) {
    const r = x.release.record;
    return {
      entries: [x.release.index],
      offendingTimeMs: x.release.timeMs,
      dedupKey: `missing-receipt|${x.release.index}`,
      message: `${r.annotator}: no submit receipt for item ${r.item} of ${r.campaign} by the end of its lease (${new Date(x.deadlineMs).toISOString()})`,
    };
  },
});
