/**
 * Person names, without a statistical model. Capitalised words are grouped into runs (with
 * initials and name particles such as "van", "de", "ten" inside). A run is a name when its words
 * carry lexicon evidence (a known given name first, a known surname or a surname-shaped ending
 * last) or when a cue comes right before it: an honorific ("Dr."), an introducing phrase ("my name
 * is", "Dear", "Name:"), or a reporting verb. Famous people and capitalised non-name words stay.
 *
 * Speed: the scan starts on an explicit upper-case character class (V8 cannot skip ahead on a
 * leading \p{Lu}, which made the old single-regex version ~20x slower); everything after the
 * scan is Set lookups on the few capitalised words a text has.
 */
import { AMBIGUOUS_GIVEN_NAMES, FAMOUS_PEOPLE, FIRST_NAMES, NOT_NAME_WORDS, PLACE_OR_ORG_WORDS, SURNAMES, SURNAME_ENDING } from './name-lists.js';
import type { Detector, Finding } from './detector.js';

// Latin, Latin-1, Latin Extended-A/B, Greek and Cyrillic capitals (with some lower-case letters of
// the mixed blocks, which `isCapitalised` rejects).
const CAPITAL_WORD = /[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0100-\u024F\u0386-\u03AB\u0400-\u042F][\p{L}\p{M}'’-]*/gu;
const WORD_BEFORE = /[\p{L}\p{N}_@.\/\\#$%&*+=-]/u;
const PARTICLE = /^[ \t]+(?:(?:van|von|der|den|de|del|della|di|da|das|dos|du|la|le|ten|ter|bin|ibn|al|el|y)[ \t]+)*$/;
const INITIAL = /^\p{Lu}$/u;
const HONORIFICS: ReadonlySet<string> = new Set(
  'mr mrs ms miss mx dr prof professor sir dame madam mister señor señora senor senora sr sra herr frau monsieur madame mme mlle signor signora rev fr uncle aunt auntie grandma grandpa'.split(' '),
);
// The word (or two words) right before a run that introduce a person: "my name is", "Dear",
// "Name:", "said", "by", "my kid". Looked up by walking back from the run, not by a regex anchored
// at the end of a context string (which V8 would try at every offset).
const CUES: ReadonlySet<string> = new Set(
  `name name's named called dear hi hello hey thanks ask tell contact meet met cc signed regards sincerely cheers by said says
asked told with under from to producer songwriter singer author writer actor actress wife husband son daughter kid child
friend boss colleague brother sister mother father mom dad neighbor neighbour partner am i'm is`.split(/\s+/),
);
// After a name: verbs and phrases that only people do ("X said", "X lives at").
const PERSON_AFTER = /^(?:'s\b|’s\b|\s+(?:said|says|asked|told|shouted|replied|wrote|lives|lived|works|worked|is from|was born|will be|from\b)|:\s*["“])/;

/** The lower-cased word before `index`, skipping spaces and the punctuation of "Name:", "Dr.", "Hi,". */
function wordBefore(text: string, index: number): { word: string; start: number } {
  let end = index;
  while (end > 0 && ' \t\n:.,?'.includes(text[end - 1]!)) end--;
  let start = end;
  while (start > 0 && /[\p{L}'’]/u.test(text[start - 1]!)) start--;
  return { word: text.slice(start, end).toLowerCase(), start };
}

function cuedBefore(text: string, index: number): { honorific: boolean; cued: boolean } {
  const previous = wordBefore(text, index);
  if (previous.word === '') return { honorific: false, cued: false };
  if (HONORIFICS.has(previous.word)) return { honorific: true, cued: true };
  // "I am" and "this is" are cues only as a pair; "is" alone ("Who is Maria") is not.
  if (previous.word === 'am' || previous.word === 'is') {
    const pair = wordBefore(text, previous.start).word;
    return { honorific: false, cued: pair === 'i' || pair === 'name' || pair === 'this' };
  }
  return { honorific: false, cued: CUES.has(previous.word) };
}

interface Word {
  readonly text: string;
  readonly lower: string;
  readonly start: number;
  readonly end: number;
}

function isCapitalised(word: string): boolean {
  // Needs a lower-case letter: "USA", "NASA" and "I" are not names.
  return word !== word.toLowerCase() && word !== word.toUpperCase() && word[0] !== word[0]!.toLowerCase();
}

function isGiven(w: Word): boolean {
  return FIRST_NAMES.has(w.lower) && !AMBIGUOUS_GIVEN_NAMES.has(w.lower);
}

function isSurname(w: Word): boolean {
  return SURNAMES.has(w.lower) || (w.text.length >= 5 && SURNAME_ENDING.test(w.lower));
}

/** The capitalised words of `text`, grouped into runs that could be one name. */
function runs(text: string): Word[][] {
  const out: Word[][] = [];
  let run: Word[] = [];
  CAPITAL_WORD.lastIndex = 0;
  for (let m = CAPITAL_WORD.exec(text); m !== null; m = CAPITAL_WORD.exec(text)) {
    let raw = m[0];
    const start = m.index;
    if (start > 0 && WORD_BEFORE.test(text[start - 1]!)) continue;
    raw = raw.replace(/['’]s$|[-'’]+$/, '');
    const isInitial = INITIAL.test(raw);
    if (!isInitial && !isCapitalised(raw)) {
      if (run.length > 0) out.push(run);
      run = [];
      continue;
    }
    const word: Word = { text: raw, lower: raw.toLowerCase(), start, end: start + raw.length + (isInitial && text[start + 1] === '.' ? 1 : 0) };
    const previous = run.at(-1);
    const gap = previous === undefined || start - previous.end > 24 ? '' : text.slice(previous.end, start);
    if (previous !== undefined && gap !== '' && PARTICLE.test(gap) && run.length < 4) run.push(word);
    else {
      if (run.length > 0) out.push(run);
      run = [word];
    }
  }
  if (run.length > 0) out.push(run);
  return out;
}

/** Trims words that cannot be part of a name at either end of a run. */
function trim(run: Word[]): Word[] {
  let from = 0;
  let to = run.length;
  while (from < to && (NOT_NAME_WORDS.has(run[from]!.lower) || INITIAL.test(run[from]!.text))) from++;
  while (to > from && (NOT_NAME_WORDS.has(run[to - 1]!.lower) || INITIAL.test(run[to - 1]!.text))) to--;
  return run.slice(from, to);
}

/** The lower-cased word right after `index` ("Dora Creek", "Mona Lisa Museum"), or "". */
function nextWord(text: string, index: number): string {
  return /^[ \t]+([\p{L}]+)/u.exec(text.slice(index, index + 24))?.[1]?.toLowerCase() ?? '';
}

function classify(text: string, words: Word[]): string | null {
  const first = words[0]!;
  const last = words.at(-1)!;
  if (words.length > 4) return null;
  const evidence = words.some((w) => FIRST_NAMES.has(w.lower) || isSurname(w));
  const { honorific, cued } = cuedBefore(text, first.start);
  // Most capitalised runs are sentence starts and titles: without lexicon evidence or an
  // honorific they are done before any context is examined.
  if (!evidence && !honorific) return null;
  const value = text.slice(first.start, last.end).toLowerCase();
  if (FAMOUS_PEOPLE.has(value) || words.some((w) => PLACE_OR_ORG_WORDS.has(w.lower)) || PLACE_OR_ORG_WORDS.has(nextWord(text, last.end))) return null;
  if (honorific) return 'person.honorific';
  const introduced = cued || PERSON_AFTER.test(text.slice(last.end, last.end + 16));
  if (words.length >= 2) {
    if (isGiven(first)) return 'person.given-name';
    if (FIRST_NAMES.has(first.lower) && (isSurname(last) || introduced)) return 'person.given-name';
    if (isSurname(last) && !NOT_NAME_WORDS.has(first.lower)) return 'person.surname';
    return introduced && (isSurname(first) || FIRST_NAMES.has(first.lower)) ? 'person.context' : null;
  }
  if (isGiven(first)) return 'person.given-name';
  return introduced ? 'person.context' : null;
}

export const personNameDetector: Detector = {
  id: 'person',
  entity: 'person',
  find(text) {
    const out: Finding[] = [];
    for (const run of runs(text)) {
      const words = trim(run);
      if (words.length === 0) continue;
      const ruleId = classify(text, words);
      if (ruleId !== null) out.push({ start: words[0]!.start, end: words.at(-1)!.end, entity: 'person', ruleId });
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
  // Literal alternatives first so V8 can skip ahead; the word boundary before is checked in JS
  // (a leading Unicode lookbehind would be tried at every offset of every message).
  const pattern = new RegExp(`(?:${escaped.join('|')})(?![\\p{L}\\p{N}_@])`, 'gu');
  return {
    id: 'person',
    entity: 'person',
    find(text) {
      const out: Finding[] = [];
      for (const m of text.matchAll(pattern)) {
        if (m.index > 0 && WORD_BEFORE.test(text[m.index - 1]!)) continue;
        out.push({ start: m.index, end: m.index + m[0].length, entity: 'person', ruleId: 'person.linked' });
      }
      return out;
    },
  };
}
