/**
 * The campaign's own lists from the policy (issue 15): the denylist as one more detector, and the
 * allowlist as a filter over every detector's findings. Both name their rule in the report:
 * `policy.deny-term`, `policy.deny-pattern`, and `kept/policy.allow-term`, `kept/policy.allow-pattern`.
 */
import type { Detector, Finding } from './detectors/detector.js';
import type { Policy } from './policy-schema.js';

const escape = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Terms match case-insensitively as whole words; patterns as written (flags g and u). */
export function denyDetector(policy: Policy): Detector | undefined {
  const { terms, patterns, entity } = policy.deny;
  if (terms.length === 0 && patterns.length === 0) return undefined;
  const termPattern = terms.length === 0 ? undefined : new RegExp(`(?<![\\p{L}\\p{N}_])(?:${[...terms].sort((a, b) => b.length - a.length).map(escape).join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
  const compiled = patterns.map((p) => new RegExp(p, 'gu'));
  return {
    id: 'policy.deny',
    entity,
    find(text) {
      const out: Finding[] = [];
      const add = (re: RegExp, ruleId: string) => {
        for (const m of text.matchAll(re)) if (m[0].length > 0) out.push({ start: m.index, end: m.index + m[0].length, entity, ruleId });
      };
      if (termPattern !== undefined) add(termPattern, 'policy.deny-term');
      compiled.forEach((re) => add(re, 'policy.deny-pattern'));
      return out;
    },
  };
}

export type AllowRule = 'policy.allow-term' | 'policy.allow-pattern';

/** The allow rule that keeps `value` in clear, if any; undefined when the policy allows nothing. */
export function allowFilter(policy: Policy): ((value: string) => AllowRule | undefined) | undefined {
  const { terms, patterns } = policy.allow;
  if (terms.length === 0 && patterns.length === 0) return undefined;
  const lowered = new Set(terms.map((t) => t.trim().toLowerCase()));
  const anchored = patterns.map((p) => new RegExp(`^(?:${p})$`, 'u'));
  return (value) => {
    if (lowered.has(value.trim().toLowerCase())) return 'policy.allow-term';
    return anchored.some((re) => re.test(value)) ? 'policy.allow-pattern' : undefined;
  };
}
