/**
 * US Social Security numbers. Area 000, 666 and 9xx, group 00 and serial 0000 are never issued.
 * Undelimited nine-digit runs are too common (order numbers) to count without a context word.
 */
import { before, regexFindings, type Detector } from './detector.js';

const CANDIDATE = /(?<![\d-])(\d{3})([- .]?)(\d{2})\2(\d{4})(?![\d-])/g;
const CONTEXT = /\b(?:ssn|ssns|social security|social sec|soc sec|ss#|ss no|ss number|taxpayer|tin\b|ssa\b)/;

export const usSsnDetector: Detector = {
  id: 'us_ssn',
  entity: 'us_ssn',
  find(text) {
    return regexFindings(
      text,
      CANDIDATE,
      (m) => {
        const [, area = '', separator = '', group = '', serial = ''] = m;
        if (area === '000' || area === '666' || area.startsWith('9') || group === '00' || serial === '0000') return null;
        // Undelimited or dotted nine digits are as often order or account numbers: a context word.
        if ((separator === '' || separator === '.') && !CONTEXT.test(before(text, m.index, 60))) return null;
        return { start: m.index, end: m.index + m[0].length, ruleId: separator === '' ? 'us_ssn.context' : 'us_ssn.delimited' };
      },
      'us_ssn',
    );
  },
};
