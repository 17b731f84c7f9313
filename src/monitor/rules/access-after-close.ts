/** Access after close: any request for a campaign that closed or whose keys were shredded. */
import { z } from 'zod';
import { defineRule } from './rule.js';

const CLOSED_REASONS = new Set(['CAMPAIGN_CLOSED', 'BATCH_SHREDDED']);

export const accessAfterClose = defineRule({
  name: 'access-after-close',
  category: 'misuse',
  severity: 'critical',
  summary: 'a release or request after the campaign closed or its batch was shredded',
  thresholds: z.strictObject({ closesAt: z.iso.datetime().nullable().default(null) }),
  onRecord(e, state, t) {
    const r = e.record;
    if ((r.kind !== 'release' && r.kind !== 'deny') || r.campaign === undefined) return undefined;
    const shredded = state.campaigns.get(r.campaign)?.shreddedMs;
    let why: string | undefined;
    if (shredded !== undefined && e.timeMs >= shredded) why = `after its keys were shredded at ${new Date(shredded).toISOString()}`;
    else if (t.closesAt !== null && e.timeMs >= Date.parse(t.closesAt)) why = `after it closed at ${t.closesAt}`;
    else if (r.reason !== undefined && CLOSED_REASONS.has(r.reason)) why = `refused as ${r.reason}`;
    if (!why) return undefined;
    return { entries: [e.index], offendingTimeMs: e.timeMs, message: `${r.annotator ?? 'someone'}: ${r.kind} for campaign ${r.campaign} ${why}` };
  },
});
