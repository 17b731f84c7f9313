/**
 * Cooldowns: the same finding (same dedup key) is raised at most once per
 * its rule's cooldown, measured on the offending record's time so that
 * replaying the log after a restart raises nothing twice.
 */
import type { Finding } from '../rules/rule.js';

export const dedupKeyOf = (f: Finding): string => f.dedupKey ?? `${f.rule}|${f.subject.vendor ?? ''}|${f.subject.annotator ?? ''}`;

export class AlertGate {
  constructor(private readonly last: Map<string, number>) {}

  /** True when the finding should become an alert; remembers it. */
  admit(f: Finding, atMs: number): boolean {
    const key = dedupKeyOf(f);
    const previous = this.last.get(key);
    const cooldownMs = (f.cooldownSeconds ?? 3600) * 1000;
    if (previous !== undefined && (atMs === previous || Math.abs(atMs - previous) < cooldownMs)) return false;
    this.last.set(key, atMs);
    return true;
  }
}
