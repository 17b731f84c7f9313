/**
 * Custom rules from a gitleaks-format TOML file (`[[rules]]` with id, regex, optional secretGroup,
 * keywords and entropy). Gitleaks patterns are RE2; this translates the RE2 constructs JS spells
 * differently and refuses, naming the rule, anything it cannot translate faithfully.
 */
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { describeIssues, refuse } from '../errors.js';
import { regexFindings, type Detector } from './detector.js';
import { looksGenerated } from './secrets.js';

const ruleSchema = z.looseObject({
  id: z.string().min(1),
  regex: z.string().min(1),
  secretGroup: z.number().int().min(0).optional(),
  keywords: z.array(z.string()).optional(),
  entropy: z.number().min(0).optional(),
});
const fileSchema = z.looseObject({ rules: z.array(ruleSchema).min(1) });

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s', xdigit: '0-9A-Fa-f',
  word: '\\w', punct: '!-\\/:-@\\[-`{-~', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f', print: ' -~', graph: '!-~',
};

/** Translates one RE2 pattern to a JS RegExp source and flags, or throws naming the rule. */
export function translateRe2(ruleId: string, pattern: string): { source: string; flags: string } {
  const unsupported = (what: string): never => refuse('UNSUPPORTED', `gitleaks rule "${ruleId}": RE2 ${what} has no faithful JavaScript equivalent`);
  let source = pattern;
  let flags = 'g';
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading !== null) {
    const set = leading[1] ?? '';
    if (set.includes('U')) unsupported('flag U (ungreedy)');
    for (const f of set) if (!flags.includes(f)) flags += f;
    source = source.slice(leading[0].length);
  }
  if (/\(\?[imsU-]+[:)]/.test(source)) unsupported('inline flag group not at the start');
  if (/\\[QE]/.test(source)) unsupported('\\Q...\\E quoting');
  if (/\\[pP]\{/.test(source)) flags += 'u';
  if (/\\C/.test(source)) unsupported('\\C (any byte)');
  source = source
    .replace(/\(\?P<(\w+)>/g, '(?<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$')
    .replace(/\[\[:(\^?)(\w+):\]\]/g, (_, neg: string, name: string) => `[${neg}${POSIX_CLASSES[name] ?? unsupported(`class [:${name}:]`)}]`)
    .replace(/\[:(\w+):\]/g, (_, name: string) => POSIX_CLASSES[name] ?? unsupported(`class [:${name}:]`));
  if (/\\x\{/.test(source)) {
    source = source.replace(/\\x\{([0-9A-Fa-f]+)\}/g, '\\u{$1}');
    if (!flags.includes('u')) flags += 'u';
  }
  try {
    new RegExp(source, flags);
  } catch (err) {
    unsupported(`pattern (${err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '').slice(0, 80) : 'does not compile'})`);
  }
  return { source, flags: `${flags}d` };
}

export function gitleaksDetector(tomlText: string, fileName: string): Detector {
  let document: unknown;
  try {
    document = parseToml(tomlText);
  } catch (err) {
    refuse('BAD_FORMAT', `${fileName}: not valid TOML${err instanceof Error && 'line' in err ? ` (line ${String((err as { line: unknown }).line)})` : ''}`);
  }
  const parsed = fileSchema.safeParse(document);
  if (!parsed.success) refuse('BAD_FORMAT', `${fileName}: not a gitleaks rules file: ${describeIssues(parsed.error.issues)}`);
  const rules = parsed.data.rules.map((rule) => {
    const { source, flags } = translateRe2(rule.id, rule.regex);
    return { id: rule.id, regex: new RegExp(source, flags), group: rule.secretGroup ?? 0, keywords: (rule.keywords ?? []).map((k) => k.toLowerCase()), entropy: rule.entropy };
  });
  return {
    id: 'gitleaks',
    entity: 'secret',
    find(text) {
      const lower = text.toLowerCase();
      return rules.flatMap((rule) => {
        if (rule.keywords.length > 0 && !rule.keywords.some((k) => lower.includes(k))) return [];
        return regexFindings(
          text,
          rule.regex,
          (m) => {
            const span = m.indices?.[rule.group] ?? m.indices?.[0];
            if (span === undefined) return null;
            const value = text.slice(span[0], span[1]);
            if (rule.entropy !== undefined && !(looksGenerated(value) || rule.entropy === 0)) return null;
            return { start: span[0], end: span[1], ruleId: `gitleaks.${rule.id}` };
          },
          'secret',
        );
      });
    },
  };
}
