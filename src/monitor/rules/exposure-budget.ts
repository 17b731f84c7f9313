/** Exposure nearing budget: a vendor (or campaign) has seen most of the plaintext it may ever see. */
import { z } from 'zod';
import { defineRule } from './rule.js';

export const exposureBudget = defineRule({
  name: 'exposure-budget',
  category: 'misuse',
  severity: 'warning',
  summary: 'distinct items released to a vendor or campaign near its exposure budget',
  thresholds: z.strictObject({
    warnAt: z.number().gt(0).max(1).default(0.8),
    campaignBudget: z.number().int().positive().nullable().default(null),
    vendorBudgets: z.record(z.string(), z.number().int().positive()).default({}),
  }),
  onRecord(e, state, t) {
    const r = e.record;
    if (r.kind !== 'release' || r.decision !== 'allow') return undefined;
    const vendorBudget = t.vendorBudgets[e.vendor];
    const vendorExposed = state.vendors.get(e.vendor)?.exposed.size ?? 0;
    if (vendorBudget !== undefined && vendorExposed >= t.warnAt * vendorBudget) {
      return {
        entries: [e.index],
        offendingTimeMs: e.timeMs,
        subject: { vendor: e.vendor },
        dedupKey: `exposure-budget|vendor|${e.vendor}`,
        message: `vendor ${e.vendor}: ${vendorExposed} of its budget of ${vendorBudget} items exposed (${Math.round((100 * vendorExposed) / vendorBudget)}%)`,
      };
    }
    const campaignExposed = r.campaign === undefined ? 0 : (state.campaigns.get(r.campaign)?.exposed.size ?? 0);
    if (t.campaignBudget !== null && r.campaign !== undefined && campaignExposed >= t.warnAt * t.campaignBudget) {
      return {
        entries: [e.index],
        offendingTimeMs: e.timeMs,
        subject: { vendor: e.vendor, campaign: r.campaign },
        dedupKey: `exposure-budget|campaign|${r.campaign}`,
        message: `campaign ${r.campaign}: ${campaignExposed} of its budget of ${t.campaignBudget} items exposed`,
      };
    }
    return undefined;
  },
});
