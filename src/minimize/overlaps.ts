/**
 * When findings overlap, one wins: the higher-priority entity (a secret inside a URL outranks the
 * URL's hostname looking like a name), then the longer span. The losers' characters are covered by
 * the winner, so nothing found is left in clear.
 */
import type { EntityType, Finding } from './detectors/detector.js';

const PRIORITY: Record<EntityType, number> = {
  secret: 11, credential_url: 10, email: 9, payment_card: 8, iban: 7, us_ssn: 6, national_id: 6, phone: 5, ip_address: 4, date_of_birth: 3, street_address: 2, person: 1,
};

export function resolveOverlaps(findings: readonly Finding[]): Finding[] {
  const ranked = [...findings].sort((a, b) => PRIORITY[b.entity] - PRIORITY[a.entity] || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Finding[] = [];
  for (const f of ranked) {
    const clash = kept.find((k) => f.start < k.end && k.start < f.end);
    if (clash === undefined) {
      kept.push(f);
    } else if (f.start < clash.start || f.end > clash.end) {
      // Extend the winner over the loser's spill-over so no part of the loser stays in clear.
      kept[kept.indexOf(clash)] = { ...clash, start: Math.min(clash.start, f.start), end: Math.max(clash.end, f.end) };
    }
  }
  return kept.sort((a, b) => a.start - b.start);
}
