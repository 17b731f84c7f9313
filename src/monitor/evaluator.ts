/**
 * Runs the rules over observed records and expiring leases. Rule settings are
 * resolved once per campaign (defaults < global `rules` < the campaign's
 * `rules`), so a bad threshold fails at start, naming the campaign and rule.
 */
import { fail } from '../core/errors.js';
import type { AccessRecord } from '../core/access-record.js';
import type { ActivityState, ObservedRecord } from './activity/activity-state.js';
import type { MonitorConfig } from './monitor-config.js';
import { ALL_RULES } from './rules/all-rules.js';
import type { BoundRule, Finding } from './rules/rule.js';

export class Evaluator {
  private readonly bound = new Map<string, readonly BoundRule[]>();

  constructor(private readonly config: MonitorConfig) {
    this.rulesFor(undefined);
    for (const campaign of Object.keys(config.campaigns)) this.rulesFor(campaign);
  }

  /** The gatekeeper names annotators "<vendor>:<pseudonym>"; the config covers records without one. */
  vendorOf(record: AccessRecord): string {
    const colon = record.annotator?.indexOf(':') ?? -1;
    if (colon > 0) return record.annotator!.slice(0, colon);
    return (record.campaign !== undefined ? this.config.campaigns[record.campaign]?.vendor : undefined) ?? this.config.defaultVendor;
  }

  /** Lease length plus the receipt grace, in ms. */
  private leaseMs(campaign: string | undefined): number {
    const lease = (campaign !== undefined ? this.config.campaigns[campaign]?.leaseSeconds : undefined) ?? 900;
    return (lease + this.config.receiptGraceSeconds) * 1000;
  }

  private rulesFor(campaign: string | undefined): readonly BoundRule[] {
    const key = campaign ?? '';
    const hit = this.bound.get(key);
    if (hit) return hit;
    const own = campaign !== undefined ? this.config.campaigns[campaign]?.rules : undefined;
    const rules = ALL_RULES.map((rule) => {
      try {
        return rule.bind({ ...this.config.rules[rule.name], ...own?.[rule.name] });
      } catch (err) {
        const where = campaign !== undefined ? `campaign ${campaign}` : 'global rules';
        return fail('BAD_FORMAT', `monitor config (${where}): ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    // Campaigns not in the config share the global settings.
    if (campaign === undefined || this.config.campaigns[campaign]) this.bound.set(key, rules);
    return rules;
  }

  /** Folds the record into the state, then asks every rule about it. */
  observe(event: ObservedRecord, state: ActivityState): Finding[] {
    state.apply(event, this.leaseMs(event.record.campaign));
    const out: Finding[] = [];
    const campaign = event.record.campaign;
    for (const rule of this.rulesFor(campaign !== undefined && this.config.campaigns[campaign] ? campaign : undefined)) {
      const f = rule.onRecord(event, state);
      if (f) out.push(f);
    }
    return out;
  }

  /** Leases whose deadline passed without a submit receipt. */
  expire(nowMs: number, state: ActivityState): Finding[] {
    const out: Finding[] = [];
    for (const expiry of state.takeExpired(nowMs)) {
      state.noteExpired(expiry);
      const campaign = expiry.release.record.campaign;
      for (const rule of this.rulesFor(campaign !== undefined && this.config.campaigns[campaign] ? campaign : undefined)) {
        const f = rule.onLeaseExpired(expiry, state);
        if (f) out.push(f);
      }
    }
    return out;
  }
}
