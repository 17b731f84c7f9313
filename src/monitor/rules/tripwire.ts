/** Tripwire: an item nobody has a reason to open was asked for. One touch is enough. */
import { z } from 'zod';
import { Identifier } from '../../core/schema.js';
import { defineRule } from './rule.js';

export const tripwire = defineRule({
  name: 'tripwire',
  category: 'misuse',
  severity: 'critical',
  summary: 'any request for a tripwire item',
  thresholds: z.strictObject({ items: z.array(Identifier).max(100_000).default([]) }),
  defaults: { suspend: true, cooldownSeconds: 0 },
  onRecord(e, _state, t) {
    const r = e.record;
    if (r.kind !== 'release' && r.kind !== 'deny') return undefined;
    if (r.reason !== 'TRIPWIRE' && !(r.item !== undefined && t.items.includes(r.item))) return undefined;
    return { entries: [e.index], offendingTimeMs: e.timeMs, dedupKey: `tripwire|${e.index}`, message: `${r.annotator ?? 'someone'}: ${r.kind} for tripwire item ${r.item ?? '?'} in ${r.campaign ?? '?'}` };
  },
});
