/**
 * Person names, without a statistical model. A run of two to four capitalised words is a name when
 * its first word is a known given name, or when an honorific or an introducing phrase ("my name
 * is", "Dear", "by") comes right before it; a single known given name counts after such a phrase.
 * Famous historical figures and capitalised non-name words are left alone.
 */
import { FAMOUS_PEOPLE, FIRST_NAMES, NOT_NAME_WORDS } from './name-lists.js';
import { before, type Detector, type Finding } from './detector.js';

const TOKEN = "\\p{Lu}[\\p{Ll}\\p{Lu}'’-]*\\p{Ll}[\\p{Ll}'’-]*";
const INITIAL = '\\p{Lu}\\.?';
const RUN = new RegExp(`(?<![\\p{L}\\p{N}_@.])(?:${TOKEN})(?:[ \\t]+(?:${TOKEN}|${INITIAL}(?=[ \\t]+\\p{Lu}))){0,3}(?![\\p{L}\\p{N}_@])`, 'gu');
const HONORIFIC = /(?:\b(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|madam|mister|señor|señora|herr|frau|monsieur|madame)\.?\s+)$/;
const INTRO = /(?:my name is|name's|i am|i'm|called|named|dear|hi|hello|hey|thanks|thank you|ask|tell|contact|meet|met|cc|signed|regards,?|sincerely,?|written by|listed by)\s+$/;

export const personNameDetector: Detector = {
  id: 'person',
  entity: 'person',
  find(text) {
    const out: Finding[] = [];
    RUN.lastIndex = 0;
    for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
      let words = m[0].split(/[ \t]+/);
      let start = m.index;
      // Drop leading non-name words ("Hello Maria Lopez" → "Maria Lopez").
      while (words.length > 0 && NOT_NAME_WORDS.has(words[0]!.toLowerCase())) {
        start += words[0]!.length + 1;
        words = words.slice(1);
      }
      while (words.length > 0 && NOT_NAME_WORDS.has(words.at(-1)!.toLowerCase())) words = words.slice(0, -1);
      if (words.length === 0) continue;
      if (/['’]s$/.test(words.at(-1)!)) words[words.length - 1] = words.at(-1)!.slice(0, -2);
      const value = words.join(' ');
      if (FAMOUS_PEOPLE.has(value.toLowerCase()) || (words.length === 1 && FAMOUS_PEOPLE.has(`${value.toLowerCase()}`))) continue;
      const context = before(text, start, 30);
      const knownFirst = FIRST_NAMES.has(words[0]!.toLowerCase());
      const introduced = HONORIFIC.test(context) || INTRO.test(context);
      const isName = words.length >= 2 ? knownFirst || introduced : knownFirst && introduced || HONORIFIC.test(context);
      if (isName) out.push({ start, end: start + value.length, entity: 'person', ruleId: knownFirst ? 'person.given-name' : 'person.context' });
    }
    return out;
  },
};

/**
 * Within one record, a name found once (e.g. "Tom Becker" in the first turn) is also a name when
 * one of its words stands alone later ("Sure Tom"): this detector matches those words.
 */
export function linkedNameDetector(knownNames: readonly string[]): Detector | undefined {
  const tokens = new Set<string>();
  for (const name of knownNames) {
    const words = name.split(/\s+/);
    // Only names that start with a known given name: a context-only guess must not spread.
    if (!FIRST_NAMES.has(words[0]!.toLowerCase())) continue;
    for (const t of words) if (/^\p{Lu}\p{Ll}{2,}$/u.test(t) && !NOT_NAME_WORDS.has(t.toLowerCase())) tokens.add(t);
  }
  if (tokens.size === 0) return undefined;
  const escaped = [...tokens].map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_@.])(?:${escaped.join('|')})(?![\\p{L}\\p{N}_@])`, 'gu');
  return {
    id: 'person',
    entity: 'person',
    find(text) {
      return [...text.matchAll(pattern)].map((m) => ({ start: m.index, end: m.index + m[0].length, entity: 'person' as const, ruleId: 'person.linked' }));
    },
  };
}
