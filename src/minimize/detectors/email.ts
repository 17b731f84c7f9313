/** Email addresses. Reserved documentation domains (RFC 2606/6761) are placeholders, not people. */
import { regexFindings, type Detector } from './detector.js';

const EMAIL = /[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b/g;
const PLACEHOLDER_DOMAIN = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$/i;

export function isPlaceholderDomain(domain: string): boolean {
  return PLACEHOLDER_DOMAIN.test(domain);
}

export const emailDetector: Detector = {
  id: 'email',
  entity: 'email',
  find(text) {
    if (!text.includes('@')) return [];
    return regexFindings(
      text,
      EMAIL,
      (m) => {
        const domain = m[0].slice(m[0].lastIndexOf('@') + 1);
        return isPlaceholderDomain(domain) ? null : { start: m.index, end: m.index + m[0].length, ruleId: 'email' };
      },
      'email',
    );
  },
};
