/**
 * IPv4 and IPv6 addresses. Loopback, unspecified and the documentation ranges (which surrogates
 * come from) are not personal; dotted quads after "version"/"v" are version numbers.
 */
import { isIPv6 } from 'node:net';
import { before, regexFindings, type Detector, type Finding } from './detector.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
// Any run of hex groups and two or more colons; node:net's isIPv6 decides. (The former pattern
// could not match a compressed address with groups on both sides, "2a02:1810::1".)
const IPV6 = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g;
const IPV6_HINT = /[0-9A-Fa-f]:[0-9A-Fa-f:]|::/;
const NOT_PERSONAL_V4 = /^(?:0\.0\.0\.0|127\.|255\.255\.255\.255|192\.0\.2\.|198\.51\.100\.|203\.0\.113\.)/;
const VERSION_CONTEXT = /(?:version|ver\.?|v|release|build)\s*$/;

export const ipAddressDetector: Detector = {
  id: 'ip_address',
  entity: 'ip_address',
  find(text) {
    const out: Finding[] = [];
    if (/\d\.\d/.test(text)) {
      out.push(
        ...regexFindings(
          text,
          IPV4,
          (m) => (NOT_PERSONAL_V4.test(m[0]) || VERSION_CONTEXT.test(before(text, m.index, 12)) ? null : { start: m.index, end: m.index + m[0].length, ruleId: 'ip_address.v4' }),
          'ip_address',
        ),
      );
    }
    // "Human:" puts a colon in every transcript: look for a hex group on each side first.
    if (IPV6_HINT.test(text)) {
      out.push(
        ...regexFindings(
          text,
          IPV6,
          (m) => {
            const value = m[0].toLowerCase();
            if (!isIPv6(value) || value === '::1' || value === '::' || value.startsWith('2001:db8:') || !value.includes('::') && value.split(':').length < 8) return null;
            return { start: m.index, end: m.index + m[0].length, ruleId: 'ip_address.v6' };
          },
          'ip_address',
        ),
      );
    }
    return out;
  },
};
