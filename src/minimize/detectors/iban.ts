/** IBANs: country code, two check digits, BBAN of the country's length, ISO 13616 mod-97 check. */
import { regexFindings, type Detector } from './detector.js';

// Lower case too ("my iban is gb42…"): the mod-97 check and the country length keep it precise.
const CANDIDATE = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{1,4}){3,8}\b/g;
// ISO 13616 registry lengths for the countries most likely to appear; others need 15-34 chars.
const LENGTH: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27,
  GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25,
  QA: 29, RO: 24, RS: 22, SA: 24, SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
};

export function ibanValid(compact: string): boolean {
  const expected = LENGTH[compact.slice(0, 2)];
  if (expected === undefined ? compact.length < 15 || compact.length > 34 : compact.length !== expected) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

export const ibanDetector: Detector = {
  id: 'iban',
  entity: 'iban',
  find(text) {
    return regexFindings(
      text,
      CANDIDATE,
      (m) => {
        // The candidate may run into a following word; take the longest valid prefix.
        const groups = m[0].split(' ');
        for (let n = groups.length; n >= 1; n--) {
          const candidate = groups.slice(0, n).join(' ');
          if (ibanValid(candidate.replace(/ /g, '').toUpperCase())) return { start: m.index, end: m.index + candidate.length, ruleId: 'iban.mod97' };
        }
        return null;
      },
      'iban',
    );
  },
};
