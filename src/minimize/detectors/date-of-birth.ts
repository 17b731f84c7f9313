/** Dates of birth: a date only counts when a birth context word comes shortly before it. */
import { before, regexFindings, type Detector } from './detector.js';

const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?';
const DATE = new RegExp(
  [
    '\\b(?:19|20)\\d\\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\\d|3[01])\\b',
    '\\b(?:0?[1-9]|[12]\\d|3[01])[-/.](?:0?[1-9]|[12]\\d|3[01])[-/.](?:19|20)?\\d\\d\\b',
    `\\b${MONTH}\\s+(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?,?\\s+(?:19|20)\\d\\d\\b`,
    `\\b(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?(?:\\s+of)?\\s+${MONTH},?\\s+(?:19|20)\\d\\d\\b`,
    // 05-Mar-1980, 1980-Mar-05 and compact 19800305 (like every date here, only after a context word).
    `\\b(?:0?[1-9]|[12]\\d|3[01])[-/. ]${MONTH}[-/. ](?:19|20)?\\d\\d\\b`,
    `\\b(?:19|20)\\d\\d[-/. ]${MONTH}[-/. ](?:0?[1-9]|[12]\\d|3[01])\\b`,
    '\\b(?:19|20)\\d\\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\b',
  ].join('|'),
  'gi',
);
// English plus the common European labels ("geboren", "né le", "fecha de nacimiento", "data di nascita").
const CONTEXT = /(?:\bborn\b|\bbirth|\bdob\b|d\.o\.b|\bb\.|birthday|\bage\b|\bnée?\b|geboren|geburtsdatum|naissance|nacimiento|nacid[oa]|nascita|födelse|syntymä)[^.\n]{0,40}$/;

const CONTEXT_ANYWHERE = /\bborn\b|birth|\bdob\b|d\.o\.b|\bb\.|\bage\b|\bnée?\b|geboren|geburtsdatum|naissance|nacimiento|nacid[oa]|nascita|födelse|syntymä/i;

export const dateOfBirthDetector: Detector = {
  id: 'date_of_birth',
  entity: 'date_of_birth',
  find(text) {
    // A birth word somewhere in the text before the date scan (most texts with digits have none).
    if (!/\d\d/.test(text) || !CONTEXT_ANYWHERE.test(text)) return [];
    return regexFindings(
      text,
      DATE,
      (m) => (CONTEXT.test(before(text, m.index, 50)) ? { start: m.index, end: m.index + m[0].length, ruleId: 'date_of_birth.context' } : null),
      'date_of_birth',
    );
  },
};
