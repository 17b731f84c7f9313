/** What a detector is and what it reports. A finding locates a value; it never travels into a report. */
export const ENTITY_TYPES = [
  'email',
  'phone',
  'payment_card',
  'iban',
  'us_ssn',
  'national_id',
  'ip_address',
  'date_of_birth',
  'street_address',
  'person',
  'credential_url',
  'secret',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface Finding {
  /** UTF-16 offsets into the text, end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly entity: EntityType;
  /** Stable rule name for reports, e.g. "secret.github-token" or "gitleaks.my-rule". */
  readonly ruleId: string;
  /** For secrets: how many leading characters are the provider's public prefix (kept by pseudonyms). */
  readonly prefixLength?: number;
}

export interface Detector {
  readonly id: string;
  readonly entity: EntityType;
  find(text: string): Finding[];
}

/** Runs a global regex and maps each match (or one capture group) to a finding, when `accept` agrees. */
export function regexFindings(
  text: string,
  pattern: RegExp,
  make: (match: RegExpExecArray) => { start: number; end: number; ruleId: string; prefixLength?: number } | null,
  entity: EntityType,
): Finding[] {
  const out: Finding[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[0].length === 0) pattern.lastIndex++;
    const hit = make(m);
    if (hit !== null) out.push({ entity, ...hit });
  }
  return out;
}

/** Lower-cased text of up to `width` characters before `index`, for context words. */
export function before(text: string, index: number, width: number): string {
  return text.slice(Math.max(0, index - width), index).toLowerCase();
}
