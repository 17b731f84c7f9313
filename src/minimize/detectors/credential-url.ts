/**
 * URLs that carry a user and password (`scheme://user:password@host`). Database schemes are
 * reported as secrets ("secret.database-url"); other schemes as URLs with credentials. Placeholder
 * passwords (`***`, `<password>`, `${VAR}`, `$VAR`) are documentation, not credentials.
 */
import { regexFindings, type Detector, type Finding } from './detector.js';

const URL_WITH_PASSWORD = /\b([a-z][a-z0-9+.-]{1,20}):\/\/([^\s:@/'"<>]{1,128}):([^\s@/'"<>]{1,256})@[^\s/'"<>?#]+/gi;
const DATABASE_SCHEME = /^(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|jdbc:.*|cockroachdb|clickhouse)$/i;
const PLACEHOLDER = /^(?:\*+|x+|<[^>]*>|\$\{[^}]*\}|\$[A-Z_]+|\{[^}]*\}|%[a-z_]+%|password|pass|pwd|secret|changeme)$/i;

export const credentialUrlDetector: Detector = {
  id: 'credential_url',
  entity: 'credential_url',
  find(text) {
    if (!text.includes('://')) return [];
    const out: Finding[] = [];
    for (const f of regexFindings(
      text,
      URL_WITH_PASSWORD,
      (m) => {
        const [, scheme = '', , password = ''] = m;
        if (PLACEHOLDER.test(password)) return null;
        return { start: m.index, end: m.index + m[0].length, ruleId: DATABASE_SCHEME.test(scheme) ? 'secret.database-url' : 'credential_url' };
      },
      'credential_url',
    )) {
      out.push(f.ruleId === 'secret.database-url' ? { ...f, entity: 'secret' } : f);
    }
    return out;
  },
};
