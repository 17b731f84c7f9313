/**
 * Person names, without a statistical model. Capitalised words are grouped into runs (with
 * initials and name particles such as "van", "de", "ten" inside). A run is a name when its words
 * carry lexicon evidence (a known given name first, a known surname or a surname-shaped ending
 * last) or when a cue comes right before it: an honorific ("Dr."), an introducing phrase ("my name
 * is", "Dear", "Name:"), or a reporting verb. Capitalised non-name words stay, and so do (issue 15)
 * nationalities and other group words, places, names of events and works, and public figures
 * (unless the policy pseudonymizes them): the same string gets the same verdict wherever it stands.
 *
 * Speed: the scan starts on an explicit upper-case character class (V8 cannot skip ahead on a
 * leading \p{Lu}, which made the old single-regex version ~20x slower); everything after the
 * scan is Set lookups on the few capitalised words a text has.
 */
import {
  AMBIGUOUS_GIVEN_NAMES,
  COMMON_WORDS,
  DEMONYMS,
  DISCOURSE_WORDS,
  FIRST_NAMES,
  LOWER_CASE_WORD_NAMES,
  NOT_NAME_WORDS,
  PHRASES,
  PLACE_OR_ORG_WORDS,
  PLACES,
  PUBLIC_FIGURE_SURNAMES,
  PUBLIC_FIGURES,
  SURNAMES,
  SURNAME_ENDING,
} from './name-lists.js';
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
// The same, strong enough to make an unknown word a name: an organisation can "say" but does not
// "shout", "live at" or "spend a year" somewhere; sentence-start words ("The", "However") are
// already NOT_NAME_WORDS.
const STRONG_AFTER = /^\s+(?:shouted|replied|whispered|lives (?:at|on|in)|lived (?:at|on|in)|spent a year|began writing|was born|is from|will be talking)\b/;
// Roles written right before a name ("Producer Liviana Palerma", "tennis player Hülya Bouwmeester").
const ROLES = 'producer player singer songwriter actor actress author writer novelist director founder ceo artist painter drummer guitarist'.split(' ');
// Cues after which a capitalised word is a name even when the lexicon does not know it:
// "My name is Rubija", "Name: Toshimi Arata", "call me Piusz", "Dear Shovda", "starring Sedej".
const STRONG_CUES: ReadonlySet<string> = new Set([...'named dear starring signed sincerely regards'.split(' '), ...ROLES]);
const ANSWER_LABELS: ReadonlySet<string> = new Set(['user', 'answer', 'a', 'me', 'customer', 'client']);
const PAIR_ENDS: ReadonlySet<string> = new Set(['is', 'was', 'am', 'me', 'by', 'to', 'called', 'him', 'her']);
// "my kid Florence", "our son Dzhambek": a relation after a possessive names the person after it.
const RELATIONS: ReadonlySet<string> = new Set('wife husband son daughter kid child friend boss colleague brother sister mother father mom dad neighbor neighbour partner fiance fiancée fiancee girlfriend boyfriend cousin nephew niece grandson granddaughter grandmother grandfather'.split(' '));
const POSSESSIVES: ReadonlySet<string> = new Set(['my', 'our', 'his', 'her', 'your', 'their']);
const GREETINGS: ReadonlySet<string> = new Set(['hi', 'hello', 'hey', 'dear', 'thanks']);
const STRONG_PAIRS: ReadonlySet<string> = new Set(
  ['name is', 'name was', 'call me', 'calls me', 'called me', 'was called', 'is called', 'be called', 'named him', 'named her', 'call him', 'call her', 'called him', 'called her', 'directed by', 'written by', 'produced by', 'painted by', 'composed by', 'assistant to', 'married to', 'producer', 'says', 'said'],
);

/** The lower-cased word before `index`, skipping spaces and the punctuation of "Name:", "Dr.", "Hi,". */
function wordBefore(text: string, index: number): { word: string; start: number } {
  let end = index;
  while (end > 0 && ' \t\n:.,?'.includes(text[end - 1]!)) end--;
  let start = end;
  while (start > 0 && /[\p{L}'’]/u.test(text[start - 1]!)) start--;
  return { word: text.slice(start, end).toLowerCase(), start };
}

function cuedBefore(text: string, index: number, end: number, contextWords: ReadonlySet<string>): { honorific: boolean; cued: boolean; strong: boolean } {
  let previous = wordBefore(text, index);
  // An answer after a speaker label: "What's the name on the account? User: Vilma Holm".
  if (ANSWER_LABELS.has(previous.word) && /^:[ \t]*$/.test(text.slice(previous.start + previous.word.length, index))) previous = wordBefore(text, previous.start);
  if (previous.word === '') return { honorific: false, cued: false, strong: false };
  if (HONORIFICS.has(previous.word)) return { honorific: true, cued: true, strong: true };
  // The word before the cue is looked up only for the cues that need a pair ("name is", "call me").
  const pair = PAIR_ENDS.has(previous.word) || RELATIONS.has(previous.word) ? `${wordBefore(text, previous.start).word} ${previous.word}` : previous.word;
  const related = RELATIONS.has(previous.word) && POSSESSIVES.has(pair.slice(0, pair.indexOf(' ')));
  // "Hi Christin," and "Hello Manlio!" but not "Hello World" or "Hi Mom and Dad".
  const greeted = GREETINGS.has(previous.word) && /^[,!]/.test(text.slice(end, end + 1));
  // A strong cue touches the name: "Oh dear, I'm sorry" is no greeting; "Name: X" is a label.
  const gap = text.slice(previous.start + previous.word.length, index);
  const asked = previous.word === 'name' && /^\?[ \t\n]+(?:\p{L}+:[ \t]*)?$/u.test(gap);
  const strong = asked || (/^[ \t]+$/.test(gap) || /^:[ \t]*$/.test(gap)) && (greeted || related || STRONG_CUES.has(previous.word) || contextWords.has(previous.word) || STRONG_PAIRS.has(pair) || STRONG_PAIRS.has(previous.word) || (previous.word === 'name' && gap.startsWith(':')));
  // "I am" and "this is" are cues only as a pair; "is" alone ("Who is Maria") is not.
  if (previous.word === 'am' || previous.word === 'is') return { honorific: false, cued: pair === 'i am' || pair === 'name is' || pair === 'this is', strong };
  return { honorific: false, cued: CUES.has(previous.word), strong };
}

interface Word {
  readonly text: string;
  readonly lower: string;
  readonly start: number;
  readonly end: number;
}

function isCapitalised(word: string): boolean {
  // Fast path for the common case, an ASCII capital followed by an ASCII lower-case letter
  // somewhere; same verdict as the general test below.
  const first = word.charCodeAt(0);
  if (first >= 65 && first <= 90) {
    for (let i = 1; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (c >= 97 && c <= 122) return true;
    }
  }
  // Needs a lower-case letter: "USA", "NASA" and "I" are not names.
  return word !== word.toLowerCase() && word !== word.toUpperCase() && word[0] !== word[0]!.toLowerCase();
}

/**
 * A given name that proves a name on its own: not also an everyday word ("Will"), a group word
 * ("Christian", "Roman"), a place ("Austin") or a title word ("Line"); those need a second cue.
 */
function isGiven(w: Word): boolean {
  return FIRST_NAMES.has(w.lower) && !AMBIGUOUS_GIVEN_NAMES.has(w.lower) && !DEMONYMS.has(w.lower) && !PLACES.has(w.lower) && !COMMON_WORDS.has(w.lower);
}

/** A group word that is not also a given name ("Asian", but not "Christian"): never part of a name. */
function isPureDemonym(lower: string): boolean {
  return DEMONYMS.has(lower) && !FIRST_NAMES.has(lower);
}

// Everyday English word endings that given names do not have ("Extension", "Overrides"); not
// "-ence" (Terence), "-ward" (Edward) or "-ing" (Irving, Ming).
const ENGLISH_WORD_ENDING = /(?:tion|sion|ment|ness|ity|ous|ive|able|ible|ful|less|ism|ship|hood|ical|ides)$/;

/** The first word of a "given name + surname" pair when the lexicon does not know it as a given name. */
function couldBeGiven(w: Word): boolean {
  return !NOT_NAME_WORDS.has(w.lower) && !COMMON_WORDS.has(w.lower) && !DEMONYMS.has(w.lower) && !ENGLISH_WORD_ENDING.test(w.lower);
}

function isSurname(w: Word): boolean {
  return SURNAMES.has(w.lower) || (w.text.length >= 5 && SURNAME_ENDING.test(w.lower));
}

/** The capitalised words of `text`, grouped into runs that could be one name. */
// ASCII characters that glue a capital to the word before it (WORD_BEFORE), as a lookup table.
const GLUE = new Uint8Array(128);
for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@./\\#$%&*+=-') GLUE[ch.charCodeAt(0)] = 1;

/** Same as WORD_BEFORE.test(text[index - 1]), without a Unicode regex for ASCII characters. */
function wordCharBefore(text: string, index: number): boolean {
  const code = text.charCodeAt(index - 1);
  return code < 128 ? GLUE[code] === 1 : WORD_BEFORE.test(text[index - 1]!);
}

function runs(text: string): Word[][] {
  const out: Word[][] = [];
  let run: Word[] = [];
  CAPITAL_WORD.lastIndex = 0;
  for (let m = CAPITAL_WORD.exec(text); m !== null; m = CAPITAL_WORD.exec(text)) {
    let raw = m[0];
    const start = m.index;
    if (start > 0 && wordCharBefore(text, start)) continue;
    // Only words ending in "s", an apostrophe or a hyphen can carry a possessive or a dangling mark.
    const tail = raw.charCodeAt(raw.length - 1);
    if (tail === 115 || tail === 39 || tail === 8217 || tail === 45) raw = raw.replace(/['’]s$|[-'’]+$/, '');
    const isInitial = raw.length === 1 && INITIAL.test(raw);
    if (!isInitial && !isCapitalised(raw)) {
      if (run.length > 0) out.push(run);
      run = [];
      continue;
    }
    const lower = raw.toLowerCase();
    const word: Word = { text: raw, lower: lower.includes('’') ? lower.replace(/’/g, "'") : lower, start, end: start + raw.length + (isInitial && text[start + 1] === '.' ? 1 : 0) };
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

const isInitialWord = (text: string) => text.length === 1 && INITIAL.test(text);

/** Trims words that cannot be part of a name at either end of a run. */
function trim(run: Word[]): Word[] {
  let from = 0;
  let to = run.length;
  while (from < to && (NOT_NAME_WORDS.has(run[from]!.lower) || isPureDemonym(run[from]!.lower) || isInitialWord(run[from]!.text))) from++;
  while (to > from && (NOT_NAME_WORDS.has(run[to - 1]!.lower) || isPureDemonym(run[to - 1]!.lower) || isInitialWord(run[to - 1]!.text))) to--;
  // "Christian Apologist Lee Strobel": a group word before a word that is no name is an adjective.
  if (to - from >= 3 && DEMONYMS.has(run[from]!.lower) && !FIRST_NAMES.has(run[from + 1]!.lower) && !isSurname(run[from + 1]!)) from++;
  return run.slice(from, to);
}

/** The lower-cased word right after `index` ("Dora Creek", "Mona Lisa Museum"), or "". */
function nextWord(text: string, index: number): string {
  return /^[ \t]+([\p{L}]+)/u.exec(text.slice(index, index + 24))?.[1]?.toLowerCase() ?? '';
}

/**
 * A line holding only a two- or three-word capitalised run, with a line of digits or an email
 * within the next three lines: the name line of a signature or an address label.
 */
function signatureLine(text: string, words: Word[]): boolean {
  if (words.length < 2 || words.length > 3 || !words.every((w) => /^\p{Lu}(?:\p{Ll}+|\.?)$/u.test(w.text))) return false;
  const lineStart = text.lastIndexOf('\n', words[0]!.start - 1) + 1;
  let lineEnd = text.indexOf('\n', words.at(-1)!.end);
  if (lineEnd === -1) lineEnd = text.length;
  if (!/^[ \t>?*-]*$/.test(text.slice(lineStart, words[0]!.start)) || !/^[ \t,]*$/.test(text.slice(words.at(-1)!.end, lineEnd))) return false;
  const following = text.slice(lineEnd + 1, lineEnd + 241).split('\n', 3).join('\n');
  return /\d{2}|@/.test(following);
}

/** How a run that names no private person is marked, so the second pass leaves it alone too. */
const KEPT = 'kept';

export interface PersonNameOptions {
  /** Public figures and fictional characters: kept in clear (default) or pseudonymized (policy `publicFigures`). */
  readonly publicFigures: 'keep' | 'pseudonymize';
  /** The campaign's own naming cues (policy `context.person`, lower case): "patient X", "applicant X". */
  readonly contextWords: ReadonlySet<string>;
}

/**
 * Some stretch of two or more words of the run is in `set` ("Donald Trump Impression"), or the run
 * is one word in `set` that is not also a given name ("Alaska", not "Austin").
 */
function containsPhrase(words: readonly Word[], set: ReadonlySet<string>): boolean {
  if (words.length === 1) return set.has(words[0]!.lower) && !FIRST_NAMES.has(words[0]!.lower) && !AMBIGUOUS_GIVEN_NAMES.has(words[0]!.lower);
  for (let i = 0; i + 1 < words.length; i++) {
    let phrase = words[i]!.lower;
    for (let j = i + 1; j < words.length; j++) {
      phrase += ` ${words[j]!.lower}`;
      if (set.has(phrase)) return true;
    }
  }
  return false;
}

// Titles of public office: whoever holds one is a public figure in that role ("Senator Richard
// Burr", "Congressperson Rick Crawford", "President Lincoln").
const PUBLIC_TITLES: ReadonlySet<string> = new Set(
  `senator sen congressman congresswoman congressperson congressmember representative rep governor gov president vice-president
chancellor minister premier mayor speaker ambassador justice pope king queen emperor empress sultan sheikh ayatollah
secretary-general`.split(/\s+/),
);

/** `honorific`: "Dr. Wells" is someone's doctor, not H. G. Wells, unless the full name is there. */
function isPublicFigure(text: string, words: readonly Word[], honorific: boolean): boolean {
  if (containsPhrase(words, PUBLIC_FIGURES) || (words.length === 1 && !honorific && PUBLIC_FIGURE_SURNAMES.has(words[0]!.lower))) return true;
  if (PUBLIC_TITLES.has(words[0]!.lower)) return true;
  const title = wordBefore(text, words[0]!.start);
  return PUBLIC_TITLES.has(title.word) && /^\.?[ \t]+$/.test(text.slice(title.start + title.word.length, words[0]!.start));
}

// "Danial, can I please speak to your boss?": a one-word address at the start of a line, then a
// request. Sentence adverbs ("Honestly, can …") and title words are not addressed.
const REQUEST_AFTER_ADDRESS = /^,[ \t]+(?:can|could|would|will|please|do|did|are|have|i|you|we|thank|thanks|let|don't|stop|come|look|listen|wait)\b/i;

function vocative(text: string, words: readonly Word[]): boolean {
  const w = words[0]!;
  // A comma right after the word first: most runs are not followed by one.
  if (text.charCodeAt(w.end) !== 44 || words.length !== 1 || /ly$/.test(w.lower) || COMMON_WORDS.has(w.lower) || DISCOURSE_WORDS.has(w.lower) || !REQUEST_AFTER_ADDRESS.test(text.slice(w.end, w.end + 12))) return false;
  return /^[ \t>"“*-]*$/.test(text.slice(text.lastIndexOf('\n', w.start - 1) + 1, w.start));
}

function classify(text: string, words: Word[], options: PersonNameOptions): string | null {
  const first = words[0]!;
  const last = words.at(-1)!;
  if (words.length > 4) return null;
  const { honorific, cued, strong } = cuedBefore(text, first.start, last.end, options.contextWords);
  const evidence = words.some((w) => FIRST_NAMES.has(w.lower) || isSurname(w));
  const strongAfter = () => STRONG_AFTER.test(text.slice(last.end, last.end + 24)) || signatureLine(text, words) || vocative(text, words);
  // Most capitalised runs are sentence starts and titles: without lexicon evidence, an honorific
  // or a strong cue they are done before any context is examined. Kept public figures are looked
  // up only among the rest; pseudonymized ones need no other evidence ("Merkel").
  if (options.publicFigures === 'pseudonymize' && isPublicFigure(text, words, honorific)) return 'person.public-figure';
  if (!evidence && !honorific && !strong && !strongAfter()) return null;
  // Group words, places and the names of events and works are not people, whatever stands around them.
  if (words.some((w) => isPureDemonym(w.lower)) || containsPhrase(words, PHRASES) || containsPhrase(words, PLACES)) return KEPT;
  if (options.publicFigures === 'keep' && isPublicFigure(text, words, honorific)) return KEPT;
  if (words.some((w) => PLACE_OR_ORG_WORDS.has(w.lower)) || PLACE_OR_ORG_WORDS.has(nextWord(text, last.end))) return null;
  if (honorific) return 'person.honorific';
  // "named Future Self": a strong cue before ordinary words is a nickname or a title, not a name.
  if (!evidence) return words.every((w) => COMMON_WORDS.has(w.lower)) ? null : 'person.named';
  const introduced = cued || PERSON_AFTER.test(text.slice(last.end, last.end + 16));
  if (words.length >= 2) {
    if (isGiven(first)) return 'person.given-name';
    // "Christian Kowalczyk" and "Christian Quarrington’s" are names; "Genesis Chapter" after "by" is not.
    if (FIRST_NAMES.has(first.lower) && !COMMON_WORDS.has(first.lower) && (isSurname(last) || introduced)) return 'person.given-name';
    if (isSurname(last) && couldBeGiven(first)) return 'person.surname';
    return introduced && couldBeGiven(first) && (isSurname(first) || FIRST_NAMES.has(first.lower)) ? 'person.context' : null;
  }
  if (isGiven(first)) return 'person.given-name';
  // A lone given name that is also a group word, a place or a title word ("Christian", "Austin",
  // "Genesis") is a name only after a strong cue ("my name is Austin") or in a list of names.
  if (!couldBeGiven(first) || PLACES.has(first.lower)) return strong ? 'person.context' : null;
  if (introduced) return 'person.context';
  // A lone word with a patronymic or family-name ending ("Yefremova", "Ryhänen") inside a
  // sentence, not at its start where any capitalised word stands.
  return !SURNAMES.has(first.lower) && isSurname(first) && !NATIONALITY_LIKE.test(first.lower) && !/[.!?:"“\n]\s*$/.test(text.slice(Math.max(0, first.start - 3), first.start)) && first.start > 0 ? 'person.surname-ending' : null;
}

/** The person-name detector for a policy's public-figure setting. */
// Two words in capitals, the first an unambiguous given name and the last a surname: "MARIA
// KOWALCZYK" on a form or a signature (issue 15: upper-case forms). Acronyms ("USA", "AI") are
// not in the lexicon, so they never pair.
const UPPER_PAIR_HINT = /[A-Z]{2,}[ \t]+(?:[A-Z]\.?[ \t]+)?[A-Z]{2}/;
const UPPER_PAIR = /(?<![\p{L}\p{N}_@.-])(\p{Lu}[\p{Lu}'’-]+)[ \t]+(?:\p{Lu}\.?[ \t]+)?(\p{Lu}[\p{Lu}'’-]+)(?![\p{L}\p{N}_@-])/gu;

function upperCaseNames(text: string, options: PersonNameOptions): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(UPPER_PAIR)) {
    const first: Word = { text: m[1]!, lower: m[1]!.toLowerCase(), start: m.index, end: m.index + m[1]!.length };
    const last: Word = { text: m[2]!, lower: m[2]!.toLowerCase(), start: m.index + m[0].length - m[2]!.length, end: m.index + m[0].length };
    if (!isGiven(first) || !isSurname(last) || NOT_NAME_WORDS.has(last.lower) || COMMON_WORDS.has(last.lower) || DEMONYMS.has(last.lower)) continue;
    if (isPublicFigure(text, [first, last], false) && options.publicFigures === 'keep') continue;
    out.push({ start: first.start, end: last.end, entity: 'person', ruleId: 'person.upper-case' });
  }
  return out;
}

export function personNameDetectorFor(options: PersonNameOptions): Detector {
  return {
    id: 'person',
    entity: 'person',
    find(text) {
      if (!HAS_CAPITAL.test(text)) return lowerCaseNames(text, options);
      const out: Finding[] = UPPER_PAIR_HINT.test(text) ? upperCaseNames(text, options) : [];
      const upper = out.length;
      const classified: ClassifiedRun[] = [];
      for (const run of runs(text)) {
        const words = trim(run);
        if (words.length === 0) continue;
        const ruleId = classify(text, words, options);
        classified.push({ words, ruleId });
        if (ruleId !== null && ruleId !== KEPT) out.push({ start: words[0]!.start, end: words.at(-1)!.end, entity: 'person', ruleId });
      }
      if (out.length - upper === classified.length) return upper === 0 ? out : out.sort((a, b) => a.start - b.start);
      return [...out, ...linkedInText(text, classified)].sort((a, b) => a.start - b.start);
    },
  };
}

export const personNameDetector: Detector = personNameDetectorFor({ publicFigures: 'keep', contextWords: new Set() });

const HAS_CAPITAL = /[A-Z\u00C0-\u00DE\u0100-\u024F\u0386-\u03AB\u0400-\u042F]/;
const LOWER_WORD = /[a-z\u00DF-\u00FF\u0100-\u024F][\p{L}\p{M}'’-]*/gu;
// Not a bare "called": "so called loyal republicans" (issue 15).
const LOWER_CUE = /(?:name is|name's|call me|calls me|named|name:)\s+$/;

/**
 * Text written all in lower case (many chat messages) has no capitals to start from: a word is a
 * name when the lexicon knows it as an unambiguous given name that is not also an English word
 * ("joke"), or right after a naming cue; a following surname (lexicon or surname ending) or
 * initial + surname joins it.
 */
function lowerCaseNames(text: string, options: PersonNameOptions): Finding[] {
  const out: Finding[] = [];
  const pending: number[] = [];
  const words = [...text.matchAll(LOWER_WORD)].map((m) => ({ text: m[0], lower: m[0], start: m.index, end: m.index + m[0].length }));
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (NOT_NAME_WORDS.has(w.lower) || DEMONYMS.has(w.lower) || w.text.length < 3) continue;
    const cued = LOWER_CUE.test(text.slice(Math.max(0, w.start - 12), w.start));
    if (!cued && !isGiven(w)) {
      if (FIRST_NAMES.has(w.lower)) pending.push(i);
      continue;
    }
    let end = i;
    for (let j = i + 1; j < words.length && j <= i + 2; j++) {
      const next = words[j]!;
      if (!/^[ \t]+(?:\p{Ll}\.?[ \t]+)?$/u.test(text.slice(words[j - 1]!.end, next.start))) break;
      if (NOT_NAME_WORDS.has(next.lower) || LOWER_CASE_WORD_NAMES.has(next.lower) || !isSurname(next)) break;
      end = j;
    }
    // "tell me a joke": a name that is also an English word needs a cue, a surname after it or a
    // list of names around it ("kristina, chad and caleb").
    if (!cued && end === i && LOWER_CASE_WORD_NAMES.has(w.lower)) {
      pending.push(i);
      continue;
    }
    const run = words.slice(i, end + 1);
    if (containsPhrase(run, PLACES) || containsPhrase(run, PHRASES)) continue;
    if (isPublicFigure(text, run, false) && options.publicFigures === 'keep') {
      i = end;
      continue;
    }
    out.push({ start: w.start, end: words[end]!.end, entity: 'person', ruleId: cued ? 'person.lower-case-cue' : 'person.lower-case' });
    i = end;
  }
  if (pending.length === 0 || out.length === 0) return out;
  const starts = new Set(out.map((f) => f.start));
  const ends = new Set(out.map((f) => f.end));
  for (const i of pending) {
    const [w, previous, next] = [words[i]!, words[i - 1], words[i + 1]];
    const listed = (previous !== undefined && ends.has(previous.end) && LIST_GAP.test(text.slice(previous.end, w.start))) || (next !== undefined && starts.has(next.start) && LIST_GAP.test(text.slice(w.end, next.start)));
    if (listed) out.push({ start: w.start, end: w.end, entity: 'person', ruleId: 'person.lower-case-listed' });
  }
  return out.sort((x, y) => x.start - y.start);
}

/**
 * Second pass over the runs the first one left: a run is a name when it repeats a word of a name
 * found in the same text ("Maciej Borkowski ... starring Borkowski"), or when it stands in a list
 * with one ("Morrison, Rogers and Torres") and the lexicon knows it.
 */
interface ClassifiedRun {
  readonly words: Word[];
  readonly ruleId: string | null;
}

// A script or chat log: "Leverett: What a wife.\nDanielle: Remember me?". Two or more different
// speaker labels that are not roles, one of them a known given name, make every label a name.
const NOT_SPEAKERS: ReadonlySet<string> = new Set(
  `human assistant user bot system note q a question answer example input output name address phone email date subject from to cc re title summary
step tip warning error source website mobile desk fax office tel response context instruction prompt reply comment update edit result reason customer
agent support me you him her us them narrator chorus all both everyone interviewer host guest caller operator doctor patient teacher student`.split(/\s+/),
);

/** Labels are read off the one-word runs that start a line and end in ":". */
function speakerLabels(text: string, runs: readonly ClassifiedRun[]): Set<string> {
  const labels = new Set<string>();
  for (const { words } of runs) {
    if (words.length !== 1) continue;
    const w = words[0]!;
    if (text[w.end] !== ':' || !/^[ \t>]*$/.test(text.slice(text.lastIndexOf('\n', w.start - 1) + 1, w.start))) continue;
    if (!NOT_SPEAKERS.has(w.lower) && !NOT_NAME_WORDS.has(w.lower)) labels.add(w.text);
  }
  // "Claim: …\nAlternative: …" and "Arsenic: …" are term lists: one label must be a known given name.
  return labels.size >= 2 && [...labels].some((l) => isGiven({ text: l, lower: l.toLowerCase(), start: 0, end: 0 })) ? labels : new Set();
}

function linkedInText(text: string, runs: readonly ClassifiedRun[]): Finding[] {
  const tokens = speakerLabels(text, runs);
  // Only names with a given name or a naming cue spread; a surname-shaped guess ("Opium Rush")
  // or a context guess ("Guevara said") does not.
  for (const { words, ruleId } of runs) {
    if (ruleId === null || !SPREADING_RULES.has(ruleId)) continue;
    for (const w of words) if (w.text.length >= 3 && !NOT_NAME_WORDS.has(w.lower) && !AMBIGUOUS_GIVEN_NAMES.has(w.lower)) tokens.add(w.text);
  }
  const out: Finding[] = [];
  const known = (w: Word) => (FIRST_NAMES.has(w.lower) && !AMBIGUOUS_GIVEN_NAMES.has(w.lower)) || isSurname(w);
  const found = (r: ClassifiedRun | undefined) => r !== undefined && r.ruleId !== null && r.ruleId !== KEPT;
  const lone = (r: ClassifiedRun | undefined) => r !== undefined && r.ruleId === null && r.words.length === 1 && known(r.words[0]!);
  const gap = (a: ClassifiedRun | undefined, b: ClassifiedRun | undefined) => (a === undefined || b === undefined ? '' : text.slice(a.words.at(-1)!.end, b.words[0]!.start));
  runs.forEach((run, i) => {
    const { words } = run;
    if (run.ruleId !== null) return;
    const linked = tokens.size > 0 && words.every((w) => tokens.has(w.text));
    let listed = false;
    const [previous, next] = [runs[i - 1], runs[i + 1]];
    // Cheap gap tests first: most runs have no list or pair neighbour, and then no lexicon lookup.
    const listGap = (previous !== undefined && LIST_GAP.test(gap(previous, run))) || (next !== undefined && LIST_GAP.test(gap(run, next)));
    if (!linked && listGap && words.length === 1 && known(words[0]!)) {
      // Next to a found name in a list ("Anna Weber, Kowalczyk"), or "Kadiev and Adams": two
      // lone words both known to the lexicon. A longer comma list of surnames ("White, Willis
      // and Hoffman") is as often a firm's name.
      listed =
        (found(previous) && LIST_GAP.test(gap(previous, run))) ||
        (found(next) && LIST_GAP.test(gap(run, next))) ||
        (lone(next) && PAIR_GAP.test(gap(run, next)) && !/,\s*$/.test(text.slice(Math.max(0, words[0]!.start - 2), words[0]!.start))) ||
        (lone(previous) && PAIR_GAP.test(gap(previous, run)) && !/,\s*$/.test(text.slice(Math.max(0, previous!.words[0]!.start - 2), previous!.words[0]!.start)));
    }
    if (!linked && !listed) return;
    if (words.some((w) => PLACE_OR_ORG_WORDS.has(w.lower))) return;
    out.push({ start: words[0]!.start, end: words.at(-1)!.end, entity: 'person', ruleId: linked ? 'person.repeated' : 'person.listed' });
  });
  return out;
}
const SPREADING_RULES: ReadonlySet<string> = new Set(['person.given-name', 'person.honorific', 'person.named']);
// "-ian" and "-ean" are surname endings (Armenian) but also every nationality ("Russian").
const NATIONALITY_LIKE = /(?:[ie]an|ese|ish)$/;
const PAIR_GAP = /^\s+(?:and|&)\s+$/;
const LIST_GAP = /^(?:,\s*|\s+(?:and|&|or)\s+|,\s+and\s+)$/;

/**
 * Within one record, a name found once is a name wherever else it stands: the whole string (one
 * string, one treatment), and, for a name that starts with a known given name ("Tom Becker"), each
 * of its words standing alone ("Sure Tom"). Longer alternatives come first, so "Christian
 * McCaffrey" is matched whole rather than "Christian" alone.
 */
export function linkedNameDetector(knownNames: readonly string[]): Detector | undefined {
  const tokens = new Set<string>();
  for (const name of knownNames) {
    if (name.length >= 3 && /\p{L}/u.test(name)) tokens.add(name);
    const words = name.split(/\s+/);
    // Only names that start with a known given name: a context-only guess must not spread.
    if (!FIRST_NAMES.has(words[0]!.toLowerCase())) continue;
    for (const t of words) {
      const lower = t.toLowerCase();
      // The given name spreads even when it is also a group word or a place ("Christian
      // Kowalczyk" … "I met Christian"): leaking a first name is worse than replacing a word.
      // Other words that are also group, place or title words ("Smith Park") do not.
      const otherMeaning = DEMONYMS.has(lower) || PLACES.has(lower) || COMMON_WORDS.has(lower);
      if (/^\p{Lu}\p{Ll}{2,}$/u.test(t) && !NOT_NAME_WORDS.has(lower) && (t === words[0] || !otherMeaning)) tokens.add(t);
    }
  }
  if (tokens.size === 0) return undefined;
  const escaped = [...tokens].sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
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
