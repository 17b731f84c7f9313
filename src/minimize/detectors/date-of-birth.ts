/** Dates of birth: a date only counts when a birth context word comes shortly before it. */
import { before, regexFindings, type Detector } from './detector.js';

const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?';
const DATE = new RegExp(
  [
    '\\b(?:19|20)\\d\\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\\d|3[01])\\b',
    '\\b(?:0?[1-9]|[12]\\d|3[01])[-/.](?:0?[1-9]|[12]\\d|3[01])[-/.](?:19|20)?\\d\\d\\b',
    `\\b${MONTH}\\s+(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?,?\\s+(?:19|20)\\d\\d\\b`,
    `\\b(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?(?:\\s+of)?\\s+${MONTH},?\\s+(?:19|20)\\d\\d\\b`,
  ].join('|'),
  'gi',
);
const CONTEXT = /(?:\bborn\b|\bbirth|\bdob\b|d\.o\.b|\bb\.|birthday|\bage\b|\bnée\b)[^.\n]{0,30}$/;

export const dateOfBirthDetector: Detector = {
  id: 'date_of_birth',
  entity: 'date_of_birth',
  find(text) {
    if (!/\d\d/.test(text)) return [];
    return regexFindings(
      text,
      DATE,
      (m) => (CONTEXT.test(before(text, m.index, 50)) ? { start: m.index, end: m.index + m[0].length, ruleId: 'date_of_birth.context' } : null),
      'date_of_birth',
    );
  },
};
