/**
 * Chain gap: a record whose seq/prev does not follow its annotator's previous
 * record. The gatekeeper assigns both in log order, so a gap means a record
 * was attempted and never made it into the log, or the log was edited.
 */
import { z } from 'zod';
import { defineRule } from './rule.js';

export const chainGap = defineRule({
  name: 'chain-gap',
  category: 'integrity',
  severity: 'critical',
  summary: "a gap in an annotator's seq/prev chain",
  thresholds: z.strictObject({}),
  defaults: { cooldownSeconds: 0 },
  onRecord(e, state) {
    const gap = state.lastChainBreak;
    if (!gap || gap.index !== e.index) return undefined;
    const who = e.record.annotator ?? 'the lab chain';
    const what = gap.seq !== gap.expectedSeq ? `seq ${gap.seq} where ${gap.expectedSeq} was next` : `prev does not hash the previous record (entry ${gap.previousIndex ?? 'none'})`;
    return {
      entries: gap.previousIndex === undefined ? [e.index] : [gap.previousIndex, e.index],
      offendingTimeMs: e.timeMs,
      dedupKey: `chain-gap|${e.index}`,
      message: `${who}: ${what}`,
    };
  },
});
