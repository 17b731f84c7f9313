/** Sequential scanning: item ids taken in +1 order, as a script walking an id space would. */
import { z } from 'zod';
import { defineRule } from './rule.js';

export const sequentialScan = defineRule({
  name: 'sequential-scan',
  category: 'misuse',
  severity: 'critical',
  summary: 'item ids released in consecutive +1 order',
  thresholds: z.strictObject({ run: z.number().int().min(2).default(5) }),
  onRecord(e, state, t) {
    if (e.record.kind !== 'release' || e.record.decision !== 'allow') return undefined;
    const scan = state.annotator(e.record.annotator)?.scan;
    if (!scan || scan.run < t.run) return undefined;
    return { entries: scan.from.slice(-t.run), offendingTimeMs: e.timeMs, message: `${e.record.annotator}: ${scan.run} consecutive item ids in a row, up to ${e.record.item}` };
  },
});
