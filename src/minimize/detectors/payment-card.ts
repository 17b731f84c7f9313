/** Payment card numbers: 12-19 digits, a known network prefix, and a valid Luhn check digit. */
import { regexFindings, type Detector } from './detector.js';

// Not after "+": "+447700677662" is an international phone number that happens to pass Luhn.
const CANDIDATE = /(?<![\d+-])(?:\d[ -]?){11,18}\d(?![\d-])/g;
// Visa, Mastercard, Amex, Diners, Discover, UnionPay, JCB (incl. legacy 1800/2131), Maestro.
const NETWORK_PREFIX = /^(?:4|5[0-9]|2[2-7]|3[0-9]|6[0-9]|1800|2131)/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export const paymentCardDetector: Detector = {
  id: 'payment_card',
  entity: 'payment_card',
  find(text) {
    return regexFindings(
      text,
      CANDIDATE,
      (m) => {
        const digits = m[0].replace(/[ -]/g, '');
        if (digits.length < 12 || !NETWORK_PREFIX.test(digits) || /^(\d)\1+$/.test(digits) || !luhnValid(digits)) return null;
        return { start: m.index, end: m.index + m[0].length, ruleId: 'payment_card.luhn' };
      },
      'payment_card',
    );
  },
};
