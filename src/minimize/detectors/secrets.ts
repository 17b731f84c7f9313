/**
 * Secrets: provider key shapes (secret-patterns.ts), then values assigned to credential-like
 * names (`API_KEY = "..."`, `password: ...`, `<add key="...Password" value="..."/>`), passwords
 * stated in prose ("the password is 'hunter2'"), and high-entropy tokens assigned to any
 * key-like name. Placeholders and references to other variables are not secrets.
 */
import { NEAR_MISS_PATTERNS, SECRET_PATTERNS } from './secret-patterns.js';
import { regexFindings, type Detector, type Finding } from './detector.js';

const KEY_NAME = String.raw`[\w.-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|priv[_-]?key|client[_-]?secret|auth[_-]?key|credentials?|license[_-]?key|key|sid|login|session|[_-]pat\b)[\w.-]*`;
// The value is either quoted (up to the closing quote) or bare (up to whitespace or a separator).
const ASSIGNMENT = new RegExp(
  String.raw`(?<name>${KEY_NAME})["']?\s*(?:[!=]==?|=>|:=|[:=]|\s(?=["']))\s*(?<q>["'\x60]?)(?<value>(?<=["'\x60])[^"'\x60\n]{1,200}(?=["'\x60])|(?<!["'\x60])[^\s"'\x60,;)}\]&]+)\k<q>`,
  'gi',
);
const XML_ASSIGNMENT = /key="(?<name>[^"]*(?:password|secret|token|apikey|api_key)[^"]*)"\s+value="(?<value>[^"]{1,200})"/gi;
const PROSE = /\b(?:password|passcode|passphrase|pwd|pin)\b(?: for [\w" '-]{1,40}?)?\s+(?:is|was|=|:|set to)\s+["'“‘]?(?<value>[^\s"'”’.,;]{3,64})/gi;
// Build-config calls that pass the name and the value as arguments: buildConfigField 'String', 'API_KEY', '"…"'.
const NAME_VALUE_ARGUMENTS = new RegExp(String.raw`["'](?<name>${KEY_NAME})["']\s*,\s*["']+(?<value>[^"'\s]{8,200})["']`, 'gi');
// Command lines: "psexec -u admin -p s3cret", "Connect-VIServer -User x -Password y", "curl -u id:secret".
const CLI_USER = /(?:^|\s)(?:-u|-U|--user(?:name)?|-User(?:name)?)(?=[\s=])/i;
const CLI_PASSWORD = /(?:^|\s)(?:-p|--password|-Password|--pass|-pw)(?:[ \t]+|=)["']?(?<value>[^\s"']{3,128})/gi;
const CLI_USER_PASSWORD = /(?:^|\s)(?:-u|--user)[ \t]+["']?[^\s:"']+:(?<value>[^\s"']{3,128})/g;
// Calls whose arguments are a user name and then a password, by position: requests'
// auth=("user", "pw"), DirectoryEntry(path, user, pw), NetworkCredential(user, pw),
// DriverManager.getConnection(url, user, pw), mysqli_connect(host, user, pw), smtp/ftp login(user, pw).
const CREDENTIAL_CALL = /(?:\bauth\s*=\s*\(|\bDirectoryEntry\(\s*"[^"]*",|\bNetworkCredential\(|\bPSCredential\(|\bgetConnection\(\s*[^,()]+,|\bmysqli?_connect\(\s*["'][^"']*["'],|\.login\()\s*["'][^"'\n]{1,64}["']\s*,\s*["'](?<value>[^"'\n]{3,128})["']/g;
// A .netrc line: "machine HOST login USER password PW".
const NETRC = /\bmachine\s+\S+\s+login\s+\S+\s+password\s+(?<value>\S{3,128})/g;
const CONNECTION_STRING_PASSWORD = /(?:^|;|\s)(?:Password|Pwd)=(?<value>[^;"'\s]{2,128})/gi;
const PLACEHOLDER = /^(?:x+|\*+|#+|\.+|-+|0+|null|nil|none|true|false|undefined|empty|changeme|password|secret|token|example|sample|test|dummy|foo|bar|your[\w-]*|my[\w-]*|<.*>|&lt;.*|\{.*\}|\[.*\]|%.*%|\$.*|@.*|env\..*|process\.env.*|os\.(?:getenv|environ).*|getenv.*|.*\(.*|.*\)|[A-Z][A-Z0-9_]{2,}|[a-z]+(?:_[a-z]+)+|[a-z]+(?:[A-Z][a-z]+)+|#[\w-]+)$/;
// A command-line argument is a literal, never a variable name: only shell and template
// references, documentation words and numbers ("docker -p 8080:80") are not passwords there.
const LITERAL_PLACEHOLDER = /^(?:[\d:.]+|x+|\*+|#+|password|secret|changeme|your[\w-]*|my[\w-]*|<.*>|\{.*\}|%.*%|\$.*|[A-Z][A-Z0-9_]{2,})$/;
// Cheap test that some credential-like name is followed by an assignment, before the full scan.
const ASSIGNMENT_HINT = /(?:pass|pwd|secret|token|key|credential|auth|sid|login|session|[_-]pat\b)[\w.-]*["']?\s*(?:=>|:=|[:=!]|\s["']|,\s*["'])|value="|(?:^|\s)(?:-u|--user|-user)\s/i;
const COMMON_WORD_VALUE = /^[a-z]{1,12}$/;
// Names of UI strings and code expressions, not stored credentials ("passwordLabel", "$p['pw']").
const UI_STRING_NAME = /(?:label|text|title|prompt|placeholder|hint|message|msg|field|input)$/i;
const CODE_EXPRESSION = /\$\w|\[['"]|^['"]?\.|^\W*(?:password|secret|token|key)\W*$/i;

/**
 * Documentation values: alphabet or digit walks ("a1b2c3d4…", "ABCDEFGHIJKL", "123456") and
 * one-character fill ("0000…aa"). Real generated keys almost never have them.
 */
export function looksLikeFiller(raw: string): boolean {
  // Separators do not break a walk: "d4c3b2a1-f6e5-h8g7" is one.
  const value = raw.replace(/[^A-Za-z0-9]/g, '') || raw;
  let walk = 0;
  for (let i = 0; i + 2 < value.length; i++) {
    const a = value.charCodeAt(i);
    if (Math.abs(value.charCodeAt(i + 1) - a) === 1 || Math.abs(value.charCodeAt(i + 2) - a) === 1) walk++;
  }
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const mostCommon = Math.max(...counts.values());
  return walk / Math.max(1, value.length - 2) > 0.5 || mostCommon / value.length >= 0.6 || /abcdefgh|ABCDEFGH|12345678/.test(value);
}

/**
 * The body of a near-miss token looks generated: not filler, not a documented example (AWS's
 * "…EXAMPLE" keys), digits or mixed case, and not one English word with a few letters around.
 */
const DOCUMENTED_EXAMPLE = /EXAMPLE(?:KEY)?$/;

function looksLikeKeyBody(body: string): boolean {
  if (DOCUMENTED_EXAMPLE.test(body) || looksLikeFiller(body)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((c) => c.test(body)).length;
  return classes >= 2 && entropy(body) >= 3;
}

function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / value.length) * Math.log2(n / value.length);
  return bits;
}

/** A value looks like a generated credential: long, mixed characters, high Shannon entropy. */
export function looksGenerated(value: string): boolean {
  if (value.length < 16 || /^(.)\1+$/.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((c) => c.test(value)).length;
  return classes >= 2 && entropy(value) >= 3.2;
}

function isPasswordName(name: string): boolean {
  return /pass|pwd|secret|token|key|credential/i.test(name);
}

// `at` is where the match holding the value starts; the value is its last occurrence in `matched`.
function considerValue(out: Finding[], at: number, matched: string, name: string, value: string, strong: boolean, literal: boolean, ruleId?: string): void {
  if (value.length < 3 || DOCUMENTED_EXAMPLE.test(value) || (literal ? LITERAL_PLACEHOLDER : PLACEHOLDER).test(value) || UI_STRING_NAME.test(name) || CODE_EXPRESSION.test(value) || looksLikeFiller(value)) return;
  const accept = looksGenerated(value) || (strong && isPasswordName(name) && !COMMON_WORD_VALUE.test(value)) || (strong && /pass|pwd/i.test(name) && value.length >= 4);
  if (!accept) return;
  const start = at + matched.lastIndexOf(value);
  out.push({ start, end: start + value.length, entity: 'secret', ruleId: ruleId ?? (looksGenerated(value) ? 'secret.high-entropy-assignment' : 'secret.password-assignment') });
}

function assignmentFindings(text: string): Finding[] {
  const out: Finding[] = [];
  const consider = (at: number, matched: string, name: string, value: string, strong: boolean, literal = false) => considerValue(out, at, matched, name, value, strong, literal);
  for (const m of text.matchAll(ASSIGNMENT)) {
    const { name = '', value = '' } = m.groups ?? {};
    // In <add key="Name" value="…"/> the key attribute holds a name: XML_ASSIGNMENT reads it.
    if (name.toLowerCase() === 'key' && /^\s+value=/.test(text.slice(m.index + m[0].length))) continue;
    const keyLike = /pass|pwd|secret|token|key|credential|auth|[_-]pat\b/i.test(name);
    if (keyLike) consider(m.index, m[0], name, value, /pass|pwd|secret|token|credential/i.test(name));
  }
  for (const m of text.matchAll(XML_ASSIGNMENT)) consider(m.index, m[0], m.groups?.name ?? '', m.groups?.value ?? '', true);
  // Inside a connection string the value is a literal ("Password=#gets0m3"), never a variable.
  for (const m of text.matchAll(CONNECTION_STRING_PASSWORD)) consider(m.index, m[0], 'password', m.groups?.value ?? '', true, true);
  for (const m of text.matchAll(NAME_VALUE_ARGUMENTS)) consider(m.index, m[0], m.groups?.name ?? '', m.groups?.value ?? '', false);
  if (text.includes(' -')) {
    let offset = 0;
    for (const line of text.split('\n')) {
      if (CLI_USER.test(line)) for (const m of line.matchAll(CLI_PASSWORD)) consider(offset + m.index, m[0], 'password', m.groups?.value ?? '', true, true);
      for (const m of line.matchAll(CLI_USER_PASSWORD)) consider(offset + m.index, m[0], 'password', m.groups?.value ?? '', true, true);
      offset += line.length + 1;
    }
  }
  return out;
}

// A long generated-looking value in config or a request, whatever its name: a quoted string
// or the value after "=" or ": " (config files, query parameters, headers), 32+ key characters
// with lower case, upper case and digits. Bare tokens in prose are left to the provider shapes.
const GENERIC_TOKEN = /(?<=["'\x60]|[=:] ?)[A-Za-z0-9][A-Za-z0-9_+/=.-]{30,}[A-Za-z0-9=](?=["'\x60]|[\s&,;]|$)/g;
// Hashes and ids that look generated but are not secrets: lockfile integrity, checksums, commit
// ids, content digests, nonces (issue 15: look-alikes stay).
const LOOK_ALIKE_CONTEXT = /(?:sha\d*|md5|integrity|checksum|hash|digest|etag|commit|revision|fingerprint|nonce|sri|content-md5)\W{0,6}$/i;

function genericTokenFindings(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(GENERIC_TOKEN)) {
    const value = m[0];
    if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/\d/.test(value)) continue;
    // Paths and dotted names are not tokens: at most one "/" and one "." inside.
    if ((value.match(/\//g)?.length ?? 0) > 1 || (value.match(/\./g)?.length ?? 0) > 1) continue;
    if (entropy(value) < 4.2 || looksLikeFiller(value) || DOCUMENTED_EXAMPLE.test(value) || LOOK_ALIKE_CONTEXT.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    out.push({ start: m.index, end: m.index + value.length, entity: 'secret', ruleId: 'secret.high-entropy-token' });
  }
  return out;
}

/** Passwords passed by position to credential APIs, and .netrc lines. */
function callFindings(text: string): Finding[] {
  const out: Finding[] = [];
  if (CALL_HINT.test(text)) for (const m of text.matchAll(CREDENTIAL_CALL)) considerValue(out, m.index, m[0], 'password', m.groups?.value ?? '', true, true, 'secret.password-argument');
  if (text.includes('machine') && text.includes('password')) for (const m of text.matchAll(NETRC)) considerValue(out, m.index, m[0], 'password', m.groups?.value ?? '', true, true, 'secret.netrc-password');
  return out;
}
const CALL_HINT = /auth\s*=\s*\(|Entry\(|Credential\(|getConnection\(|_connect\(|\.login\(/;

function proseFindings(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(PROSE)) {
    const value = m.groups?.value ?? '';
    // "the password is incorrect" is prose about a password, not one: require a non-word shape.
    if (PLACEHOLDER.test(value) || (/^[a-z]+$/.test(value) && !/["'“‘]/.test(m[0]))) continue;
    const start = m.index + m[0].lastIndexOf(value);
    out.push({ start, end: start + value.length, entity: 'secret', ruleId: 'secret.password-in-prose' });
  }
  return out;
}

// Pre-filter: every provider key shape has a run of 16+ key characters, so text without one
// skips the pattern scan, except for the few patterns whose value may be shorter.
const KEY_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=.:-') KEY_CHAR[ch.charCodeAt(0)] = 1;
/**
 * The longest run of key characters, counted up to `cap`: like /[A-Za-z0-9_+/=.:-]{n}/.test in
 * one pass (the regex restarts inside every word, 3-5x slower).
 */
function keyRunLength(text: string, cap: number): number {
  let run = 0;
  let longest = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128 && KEY_CHAR[code] === 1) {
      if (++run > longest && (longest = run) >= cap) return longest;
    } else run = 0;
  }
  return longest;
}
const SHORT_VALUE_PATTERNS: ReadonlySet<string> = new Set(['pem-private-key', 'http-basic-auth', 'http-bearer-token']);
// Literal gates in one case-insensitive scan (cheaper than lower-casing every message first).
const ASSIGNMENT_WORDS = /pass|pwd|secret|token|key|credential|auth|sid|login|session|_pat|-pat|value="| -u|-user/i;
const PROSE_WORDS = /pass|pwd|pin/i;

export const secretsDetector: Detector = {
  id: 'secrets',
  entity: 'secret',
  find(text) {
    const out: Finding[] = [];
    const longestRun = keyRunLength(text, 32);
    const keyRun = longestRun >= 16;
    for (const pattern of SECRET_PATTERNS) {
      if (!keyRun && !SHORT_VALUE_PATTERNS.has(pattern.id)) continue;
      if (pattern.hint !== '' && !text.includes(pattern.hint)) continue;
      out.push(
        ...regexFindings(
          text,
          pattern.regex,
          // AWS and others document keys ending in "EXAMPLE"/"EXAMPLEKEY": a look-alike, kept.
          (m) => (DOCUMENTED_EXAMPLE.test(m[0]) ? null : { start: m.index, end: m.index + m[0].length, ruleId: `secret.${pattern.id}`, prefixLength: pattern.prefix.exec(m[0])?.[0].length ?? 0 }),
          'secret',
        ),
      );
    }
    if (keyRun) {
      for (const pattern of NEAR_MISS_PATTERNS) {
        if (pattern.hint !== '' && !text.includes(pattern.hint)) continue;
        out.push(
          ...regexFindings(
            text,
            pattern.regex,
            (m) => {
              const prefixLength = pattern.prefix.exec(m[0])?.[0].length ?? 0;
              return looksLikeKeyBody(m[0].slice(prefixLength)) ? { start: m.index, end: m.index + m[0].length, ruleId: `secret.${pattern.id}`, prefixLength } : null;
            },
            'secret',
          ),
        );
      }
    }
    if (longestRun >= 32) out.push(...genericTokenFindings(text));
    if (ASSIGNMENT_WORDS.test(text) && ASSIGNMENT_HINT.test(text)) out.push(...assignmentFindings(text));
    if (text.includes('(') || text.includes('machine')) out.push(...callFindings(text));
    if (PROSE_WORDS.test(text) && /pass|pwd|\bpin\b/i.test(text)) out.push(...proseFindings(text));
    return out;
  },
};
