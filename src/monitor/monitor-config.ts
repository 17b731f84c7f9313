/**
 * The monitor's settings file (JSON): which vendor each campaign belongs to,
 * lease lengths, and rule thresholds, globally and per campaign. Pace limits,
 * budgets and tripwires are the lab's secrets (SPEC §2.2), so they come from
 * the lab's own configuration, never from the log or the vendor.
 */
import { z } from 'zod';
import { parseWith } from '../core/schema.js';
import { RULE_NAMES } from './rules/all-rules.js';

/** Access-record ids (SPEC §8.4). */
const RecordId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be an id of 1-128 [A-Za-z0-9._:-]');
const RuleSettings = z.record(z.string(), z.unknown());
const RuleTable = z.record(z.string(), RuleSettings).superRefine((table, ctx) => {
  for (const name of Object.keys(table)) if (!RULE_NAMES.includes(name)) ctx.addIssue({ code: 'custom', message: `unknown rule "${name}" (known: ${RULE_NAMES.join(', ')})`, path: [name] });
});

export const CampaignSettings = z.strictObject({
  /** The vendor of records whose annotator is not "<vendor>:<pseudonym>" (the gatekeeper's form). */
  vendor: RecordId.optional(),
  /** The manifest's leaseSeconds (SPEC §2.2). */
  leaseSeconds: z.number().int().min(1).max(86_400).default(900),
  rules: RuleTable.default({}),
});

export const MonitorConfig = z.strictObject({
  /** Vendor of campaigns not listed under `campaigns`. */
  defaultVendor: RecordId.default('unknown'),
  /** A submit receipt may trail the end of its lease by this much before it counts as missing. */
  receiptGraceSeconds: z.number().int().nonnegative().default(30),
  /** A gossiped checkpoint larger than the log's may stay unpublished this long before a stall alert. */
  stallSeconds: z.number().int().positive().default(60),
  rules: RuleTable.default({}),
  campaigns: z.record(RecordId, CampaignSettings).default({}),
});
export type MonitorConfig = z.infer<typeof MonitorConfig>;

export function parseMonitorConfig(value: unknown): MonitorConfig {
  return parseWith(MonitorConfig, value, 'monitor config');
}
