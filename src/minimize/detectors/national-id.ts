/**
 * National identity numbers other than the US SSN (issue 15). Each format is accepted on its
 * check digit when it has one (Spanish DNI/NIE mod 23, Canadian SIN Luhn, Aadhaar Verhoeff), on
 * its issuing rules (UK NINO prefixes, Indian PAN holder-type letter), and otherwise only after a
 * context word (passports: "passport no. X1234567"). Undelimited digit runs need the context word
 * too: a bare nine- or twelve-digit number is more often an order or account number.
 */
import { luhnValid } from './payment-card.js';
import { before, regexFindings, type Detector, type Finding } from './detector.js';

// UK National Insurance number: two prefix letters (not D, F, I, Q, U, V; second not O; not the
// administrative prefixes BG, GB, KN, NK, NT, TN, ZZ), six digits, suffix A-D.
const NINO = /\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/gi;
const DNI = /\b(\d{8})[ -]?([A-Z])\b/gi;
const NIE = /\b([XYZ])[ -]?(\d{7})[ -]?([A-Z])\b/gi;
const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
// Indian PAN: five letters, the fourth the holder type (P person, C company, H family, F firm …).
const PAN = /\b[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]\b/g;
const SIN = /(?<![\d-])(\d{3})([ -]?)(\d{3})\2(\d{3})(?![\d-])/g;
const AADHAAR = /(?<![\d-])([2-9]\d{3})([ -]?)(\d{4})\2(\d{4})(?![\d-])/g;
// The context word, then up to 30 characters without digits or line breaks ("Passport ID:",
// "passport (US) number is", "número de pasaporte:"), then the value.
const PASSPORT = /\b(?:passport|pasaporte|passeport|reisepass|passaporto|paspoort)[^\d\n]{0,30}?\b(?=[A-Z]*\d)([A-Z0-9]{6,9})\b/gi;
const SIN_CONTEXT = /\b(?:sin|social insurance|nas|numéro d'assurance sociale)\b/;
const AADHAAR_CONTEXT = /\b(?:aadhaar|aadhar|uidai|uid)\b/;

// Verhoeff check-digit tables (Aadhaar).
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1], [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1], [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

export function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) c = D[c]![P[i % 8]![digits.charCodeAt(digits.length - 1 - i) - 48]!]!;
  return c === 0;
}

export function dniLetterValid(number: string, letter: string): boolean {
  return DNI_LETTERS[Number(number) % 23] === letter.toUpperCase();
}

const GATES = {
  nino: /\d\d ?\d\d ?\d\d ?[A-Da-d]\b/,
  dni: /\d{7}/,
  pan: /\d{4}[A-Z]\b/,
  nineDigits: /\d{3}[ -]?\d{3}[ -]?\d{3}/,
  twelveDigits: /\d{4}[ -]?\d{4}[ -]?\d{4}/,
  passport: /pass|pasaporte|paspoort/i,
};

const span = (m: RegExpExecArray, ruleId: string) => ({ start: m.index, end: m.index + m[0].length, ruleId });

export const nationalIdDetector: Detector = {
  id: 'national_id',
  entity: 'national_id',
  find(text) {
    // Every format here has four digits with at most one space among them ("12 34", "1234").
    if (!/\d\d ?\d\d/.test(text)) return [];
    const out: Finding[] = [];
    // Each format's full scan runs only when its cheap gate matches (most texts have no id).
    if (GATES.nino.test(text)) out.push(...regexFindings(text, NINO, (m) => (/[a-z]/.test(m[0]) && !/\bn(?:ino|i number|ational insurance)/i.test(before(text, m.index, 40)) ? null : span(m, 'national_id.uk-nino')), 'national_id'));
    if (GATES.dni.test(text)) out.push(...regexFindings(text, DNI, (m) => (dniLetterValid(m[1]!, m[2]!) ? span(m, 'national_id.es-dni') : null), 'national_id'));
    if (GATES.dni.test(text)) out.push(...regexFindings(text, NIE, (m) => (dniLetterValid(`${'XYZ'.indexOf(m[1]!.toUpperCase())}${m[2]}`, m[3]!) ? span(m, 'national_id.es-nie') : null), 'national_id'));
    if (GATES.pan.test(text)) out.push(...regexFindings(text, PAN, (m) => span(m, 'national_id.in-pan'), 'national_id'));
    if (GATES.nineDigits.test(text)) out.push(
      ...regexFindings(
        text,
        SIN,
        (m) => {
          const digits = `${m[1]}${m[3]}${m[4]}`;
          if (!luhnValid(digits) || /^[089]/.test(digits) || !SIN_CONTEXT.test(before(text, m.index, 40))) return null;
          return span(m, 'national_id.ca-sin');
        },
        'national_id',
      ),
    );
    if (GATES.twelveDigits.test(text)) out.push(
      ...regexFindings(
        text,
        AADHAAR,
        (m) => {
          const digits = `${m[1]}${m[3]}${m[4]}`;
          if (!verhoeffValid(digits) || (m[2] === '' && !AADHAAR_CONTEXT.test(before(text, m.index, 40)))) return null;
          return span(m, 'national_id.in-aadhaar');
        },
        'national_id',
      ),
    );
    if (GATES.passport.test(text)) out.push(
      ...regexFindings(
        text,
        PASSPORT,
        (m) => {
          const value = m[1]!;
          if (!/\d/.test(value) || /^\d{1,4}$/.test(value)) return null;
          const start = m.index + m[0].length - value.length;
          return { start, end: start + value.length, ruleId: 'national_id.passport' };
        },
        'national_id',
      ),
    );
    return out;
  },
};
