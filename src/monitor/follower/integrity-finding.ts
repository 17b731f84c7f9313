/** Findings about the log itself (not about anyone's use of it): always critical, raised once per evidence. */
import type { Finding } from '../rules/rule.js';

export type IntegrityRule =
  | 'checkpoint-signature'
  | 'witness-disagreement'
  | 'witness-quorum'
  | 'split-view'
  | 'log-rollback'
  | 'consistency-failure'
  | 'entries-mismatch'
  | 'undecodable-entry'
  | 'checkpoint-stall';

/** A day: the same evidence is not raised twice in that time (it is in the store already). */
const ONCE = 86_400;

export function integrityFinding(rule: IntegrityRule, message: string, dedupKey: string, evidence: Record<string, unknown>, entries: readonly number[] = []): Finding {
  return { rule, category: 'integrity', severity: 'critical', subject: {}, entries, message, dedupKey: `${rule}|${dedupKey}`, evidence, cooldownSeconds: ONCE };
}
