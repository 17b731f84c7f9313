/**
 * Phone numbers in international and national formats. A candidate is a run of 7-15 digits in
 * phone-like groups. It counts when libphonenumber says it is a possible number (international
 * prefix) or a valid one for common regions, or when its grouping is phone-shaped and a context
 * word ("call", "tel", ...) precedes it. Dates, year ranges and decimals are not phones.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { before, regexFindings, type Detector } from './detector.js';

// Groups of up to 8 digits ("0378 3549890"), a "(0)" trunk prefix after the country code
// ("+41 (0)69 979 80 58"), an extension, and a label glued on after a hyphen ("788-063-Office").
const CANDIDATE = /(?<![\w+.-])(?:\+|00)?\(?\d{1,6}\)?(?:[ .-]{1,2}(?:\(0\)[ .-]?)?\(?\d{1,8}\)?){1,5}(?:\s?(?:x|ext\.?)\s?\d{1,6})?(?![\w]|-\d|\.\d)/g;
/** Ungrouped digits: an E.164 number ("+14155550123"), or a bare run under a phone label. */
const UNGROUPED = /(?<![\w+.-])\+?\d{7,15}(?![\w]|-\d|\.\d)/g;
/** A phone label right before ("Phone: ", "Desk: ", "Mobile no. ") or right after ("-Office", " fax"). */
const LABEL_BEFORE = /(?:phone|tel|telephone|mobile|cell|fax|desk|office|home|work|whatsapp|contact)(?:[ \t]*(?:#|no\.?|number))?[ \t]*[:.]?[ \t]*$/;
const LABEL_AFTER = /^[-\s]*(?:office|fax|mobile|cell|home|work|desk|phone)\b/i;
const REGIONS: readonly CountryCode[] = ['US', 'GB', 'DE', 'FR', 'IN', 'AU', 'BR', 'IT', 'ES', 'NL', 'SE', 'FI', 'DK', 'CZ', 'HU', 'RU', 'CA', 'MX', 'JP', 'CN', 'PL', 'PT', 'IE', 'BE', 'AT', 'CH', 'NO', 'ZA', 'NZ', 'SG', 'PH'];
const CONTEXT = /(?:call|phone|tel|mobile|cell|fax|contact|reach|number|whatsapp|text me|dial|ring|\bph|#)[^.\n]{0,25}$/;
const NOT_PHONE = [
  /^\d{4}[-./]\d{1,2}[-./]\d{1,2}$/, // ISO date
  /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/, // d/m/y date
  /^(?:1[89]|20)\d\d\s?-\s?(?:1[89]|20)\d\d$/, // year range
  /^\d+\.\d+$/, // decimal
  /^\d{1,3}(?:[ ,]\d{3})+$/, // thousands (index THOUSANDS)
  /^\d{1,3}(?:\.\d{1,3}){3}$/, // IPv4 address
  /\s\.|\d\.\d+\s/, // columns of decimals
  /^\(?\d+\.\d+\)?$/, // paper ids such as 1706.03762
];

const THOUSANDS = 4;

// Digit groups that belong to something else: a time after a date ("2000-04-16 11:34"), a house
// number before a street name ("975 3968 Bay Street"), or an id named just before it.
const FOLLOWED_BY_TIME_OR_STREET = /^(?::\d|[ \t]+(?:\p{Lu}\p{Ll}|rue\b|ul\.|[a-z]+ (?:street|st|avenue|ave|road|rd)\b))/u;
const OTHER_ID_CONTEXT = /(?:licen[cs]e|passport|account|acct|order|invoice|zip|postal|post ?code|iban|routing|serial|tracking)\b[^\n]{0,20}$/;

function digitsOf(value: string): string {
  return value.replace(/(?:x|ext\.?)\s?\d+$/, '').replace(/\D/g, '');
}

export function isPhone(value: string, context: string, labelled = false): boolean {
  const digits = digitsOf(value);
  const bare = value.trim().replace(/^\((.*)\)$/, '$1');
  if (digits.length < 7 || digits.length > 15) return false;
  // Under a phone label, digit groups that look like thousands ("723 813 266") are a phone.
  if (NOT_PHONE.some((p, i) => !(labelled && i === THOUSANDS) && p.test(bare))) return false;
  if ((value.match(/\(/g) ?? []).length !== (value.match(/\)/g) ?? []).length) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  if (value.startsWith('+') || value.startsWith('00')) {
    const international = value.replace(/\(0\)/, '');
    const parsed = parsePhoneNumberFromString(international.startsWith('00') ? `+${international.slice(2)}` : international);
    return parsed?.isPossible() === true;
  }
  if (labelled) return true;
  if (REGIONS.some((region) => parsePhoneNumberFromString(value, region)?.isValid() === true)) return true;
  const grouped = /[ .()-]/.test(value);
  return grouped && CONTEXT.test(context);
}

export const phoneDetector: Detector = {
  id: 'phone',
  entity: 'phone',
  find(text) {
    if (!/\d{2}/.test(text)) return [];
    const ungrouped = regexFindings(
      text,
      UNGROUPED,
      (m) => {
        const context = before(text, m.index, 40);
        const labelled = LABEL_BEFORE.test(context) || LABEL_AFTER.test(text.slice(m.index + m[0].length, m.index + m[0].length + 12));
        if (m[0].startsWith('+') || labelled) return isPhone(m[0], '', labelled) ? { start: m.index, end: m.index + m[0].length, ruleId: 'phone.ungrouped' } : null;
        // Unlabelled bare digits ("reach me at 4155550142"): a calling context word and a number
        // valid in one of the common regions; an id named just before it wins.
        if (!CONTEXT.test(context) || OTHER_ID_CONTEXT.test(context) || m[0].length < 9) return null;
        return REGIONS.some((region) => parsePhoneNumberFromString(m[0], region)?.isValid() === true) ? { start: m.index, end: m.index + m[0].length, ruleId: 'phone.context' } : null;
      },
      'phone',
    );
    const grouped = regexFindings(
      text,
      CANDIDATE,
      (m) => {
        const context = before(text, m.index, 40);
        const following = text.slice(m.index + m[0].length, m.index + m[0].length + 24);
        if (!m[0].startsWith('+') && (FOLLOWED_BY_TIME_OR_STREET.test(following) || OTHER_ID_CONTEXT.test(context))) return null;
        const labelled = LABEL_BEFORE.test(context) || LABEL_AFTER.test(following);
        return isPhone(m[0], context, labelled) ? { start: m.index, end: m.index + m[0].length, ruleId: labelled ? 'phone.labelled' : 'phone' } : null;
      },
      'phone',
    );
    return ungrouped.length === 0 ? grouped : [...grouped, ...ungrouped];
  },
};
