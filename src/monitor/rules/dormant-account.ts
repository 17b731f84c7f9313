/** Dormant account waking: a quiet account suddenly asking for keys again. */
import { z } from 'zod';
import { defineRule } from './rule.js';

export const dormantAccount = defineRule({
  name: 'dormant-account',
  category: 'misuse',
  severity: 'warning',
  summary: 'an account silent for a long time asks for keys again',
  thresholds: z.strictObject({ dormantDays: z.number().positive().default(30) }),
  onRecord(e, state, t) {
    if (e.record.kind !== 'release' && e.record.kind !== 'deny') return undefined;
    const a = state.annotator(e.record.annotator);
    if (!a || a.firstMs === e.timeMs) return undefined;
    const quietDays = (e.timeMs - a.previousMs) / 86_400_000;
    if (quietDays < t.dormantDays) return undefined;
    return { entries: [e.index], offendingTimeMs: e.timeMs, message: `${e.record.annotator}: active again after ${Math.floor(quietDays)} days of silence (limit ${t.dormantDays})` };
  },
});
