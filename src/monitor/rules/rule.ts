/**
 * The shape every detector has. A rule is a small named module: a zod schema
 * for its thresholds (every field defaulted, so a campaign may override any
 * subset), and handlers that look at one observed event plus the activity
 * state and return a finding or nothing. Rules never write state: the
 * evaluator folds the event into the state first, so every rule sees the
 * world including the event it is judging.
 *
 * Misuse rules judge people, so they look only at attributed records: ones
 * that name an annotator. The gatekeeper writes a name only for a request
 * that proved it (SPEC §7.3: enrolled device's signature, registered hub's
 * assignment); what an outsider can make it log (the `UNPROVEN count=N`
 * aggregate) names nobody, so no rule can be steered into an alert or a
 * suspension against anyone by forged requests. Integrity rules see every
 * record: a gap in the lab's own chain matters as much as in an annotator's.
 */
import { z } from 'zod';
import { parseWith } from '../../core/schema.js';
import type { ActivityState, ObservedRecord } from '../activity/activity-state.js';

export type RuleCategory = 'integrity' | 'misuse';
export type Severity = 'info' | 'warning' | 'critical';

/** Settings every rule has besides its own thresholds. */
export const CommonRuleSettings = z.strictObject({
  enabled: z.boolean().default(true),
  /** Suspend the offending annotator (or vendor) through the gatekeeper at once. */
  suspend: z.boolean().default(false),
  /** Do not raise the same rule for the same subject again within this many seconds. */
  cooldownSeconds: z.number().int().nonnegative().default(3600),
});
export type CommonRuleSettings = z.infer<typeof CommonRuleSettings>;

export interface Subject {
  readonly annotator?: string;
  readonly device?: string;
  readonly vendor?: string;
  readonly campaign?: string;
  readonly item?: string;
}

export interface Finding {
  readonly rule: string;
  readonly category: RuleCategory;
  readonly severity: Severity;
  readonly subject: Subject;
  /** Log indices of the entries that show the problem (the offending one last). */
  readonly entries: readonly number[];
  readonly message: string;
  /** Time of the offending release or request (ms), from its access record. */
  readonly offendingTimeMs?: number;
  /** What makes two findings "the same" for the cooldown; defaults to rule + vendor + annotator. */
  readonly dedupKey?: string;
  /** Other evidence (checkpoint notes for integrity alerts), stored with the alert. */
  readonly evidence?: Readonly<Record<string, unknown>>;
  /** From the rule's settings for the campaign: suspend the subject at once. */
  readonly suspend?: boolean;
  readonly cooldownSeconds?: number;
}

/** What a handler returns: the parts of a finding the rule decides. */
export type Detection = Omit<Finding, 'rule' | 'category' | 'severity' | 'subject' | 'suspend' | 'cooldownSeconds'> & { readonly subject?: Subject };

export interface LeaseExpiry {
  readonly release: ObservedRecord;
  readonly deadlineMs: number;
}

export interface RuleDefinition<T> {
  readonly name: string;
  readonly category: RuleCategory;
  readonly severity: Severity;
  readonly summary: string;
  /** Threshold schema; every field has a default. */
  readonly thresholds: z.ZodType<T>;
  /** Defaults for the common settings that differ from CommonRuleSettings' own. */
  readonly defaults?: Partial<CommonRuleSettings>;
  onRecord?(event: ObservedRecord, state: ActivityState, thresholds: T): Detection | undefined;
  onLeaseExpired?(expiry: LeaseExpiry, state: ActivityState, thresholds: T): Detection | undefined;
}

/** A rule with its thresholds for one campaign resolved; generic types erased. */
export interface BoundRule {
  readonly name: string;
  readonly category: RuleCategory;
  readonly common: CommonRuleSettings;
  onRecord(event: ObservedRecord, state: ActivityState): Finding | undefined;
  onLeaseExpired(expiry: LeaseExpiry, state: ActivityState): Finding | undefined;
}

export interface Rule {
  readonly name: string;
  readonly category: RuleCategory;
  readonly summary: string;
  /** Resolves raw settings (defaults < global < campaign); throws BAD_FORMAT naming the field. */
  bind(raw: Readonly<Record<string, unknown>>): BoundRule;
}

function subjectOf(event: ObservedRecord): Subject {
  const r = event.record;
  return {
    ...(r.annotator !== undefined ? { annotator: r.annotator } : {}),
    ...(event.device !== undefined ? { device: event.device } : {}),
    vendor: event.vendor,
    ...(r.campaign !== undefined ? { campaign: r.campaign } : {}),
    ...(r.item !== undefined ? { item: r.item } : {}),
  };
}

export function defineRule<T>(def: RuleDefinition<T>): Rule {
  const settings = z.intersection(CommonRuleSettings.partial(), z.record(z.string(), z.unknown()));
  return {
    name: def.name,
    category: def.category,
    summary: def.summary,
    bind(raw) {
      parseWith(settings, raw, def.name);
      const { enabled, suspend, cooldownSeconds, ...own } = raw;
      const common = parseWith(CommonRuleSettings, { ...def.defaults, ...(enabled !== undefined ? { enabled } : {}), ...(suspend !== undefined ? { suspend } : {}), ...(cooldownSeconds !== undefined ? { cooldownSeconds } : {}) }, def.name);
      const thresholds = parseWith(def.thresholds, own, def.name);
      const judges = (event: ObservedRecord): boolean => def.category !== 'misuse' || event.record.annotator !== undefined;
      const finish = (d: Detection | undefined, event: ObservedRecord): Finding | undefined =>
        d && { rule: def.name, category: def.category, severity: def.severity, ...d, subject: d.subject ?? subjectOf(event), suspend: common.suspend, cooldownSeconds: common.cooldownSeconds };
      return {
        name: def.name,
        category: def.category,
        common,
        onRecord: (event, state) => (common.enabled && def.onRecord && judges(event) ? finish(def.onRecord(event, state, thresholds), event) : undefined),
        onLeaseExpired: (expiry, state) => (common.enabled && def.onLeaseExpired ? finish(def.onLeaseExpired(expiry, state, thresholds), expiry.release) : undefined),
      };
    },
  };
}
