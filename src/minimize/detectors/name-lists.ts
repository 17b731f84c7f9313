/**
 * Word lists for the person-name detector. The given-name and surname lexicons live in
 * ../lexicon/ (hand-written, provenance noted there), and so do the lists of what is not a private
 * person (group words, places, events and works, public figures).
 */
import { AMBIGUOUS_GIVEN_NAMES_TEXT, GIVEN_NAMES_TEXT } from '../lexicon/given-names.js';
import { COMMON_WORD_SURNAMES_TEXT, SURNAME_ENDINGS, SURNAMES_TEXT } from '../lexicon/surnames.js';
import { COMMON_WORDS_TEXT, DISCOURSE_WORDS_TEXT, LOWER_CASE_WORD_NAMES_TEXT, PHRASES_TEXT } from '../lexicon/common-words.js';
import { DEMONYMS_TEXT } from '../lexicon/demonyms.js';
import { PLACES_TEXT } from '../lexicon/places.js';
import { PUBLIC_FIGURES_TEXT } from '../lexicon/public-figures.js';

const wordSet = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter((w) => w !== ''));

export const FIRST_NAMES: ReadonlySet<string> = wordSet(GIVEN_NAMES_TEXT);
/** Given names that are also everyday words ("Will", "Grace"): they need a second cue. */
export const AMBIGUOUS_GIVEN_NAMES = wordSet(AMBIGUOUS_GIVEN_NAMES_TEXT);
/** Surnames that are also everyday words ("Long", "Green") are left out: alone they prove nothing. */
const COMMON_WORD_SURNAMES = wordSet(COMMON_WORD_SURNAMES_TEXT);
export const SURNAMES: ReadonlySet<string> = new Set([...wordSet(SURNAMES_TEXT)].filter((w) => !COMMON_WORD_SURNAMES.has(w)));
export const SURNAME_ENDING = new RegExp(`\\p{Ll}{2}(?:${SURNAME_ENDINGS.join('|')})$`, 'u');

// Full stops are dropped ("george w. bush" → "george w bush"): the detector's words carry none.
const phraseSet = (text: string): ReadonlySet<string> => new Set(text.split(/[|\n]/).map((p) => p.trim().replace(/\./g, '')).filter((p) => p !== ''));
/** One-word entries that are also given names ("Prince", "Carrie") would hide private people: names win. */
const withoutLoneGivenNames = (set: ReadonlySet<string>): ReadonlySet<string> => new Set([...set].filter((p) => p.includes(' ') || (!FIRST_NAMES.has(p) && !AMBIGUOUS_GIVEN_NAMES.has(p))));

/** Public figures and fictional characters (lexicon/public-figures.ts), full names, lower case. */
export const PUBLIC_FIGURES = withoutLoneGivenNames(phraseSet(PUBLIC_FIGURES_TEXT));
/** A figure's distinctive last word alone ("Merkel", "Hitchcock"): not a common surname, not a given name. */
export const PUBLIC_FIGURE_SURNAMES: ReadonlySet<string> = new Set(
  [...PUBLIC_FIGURES].map((p) => p.split(' ')).filter((w) => w.length >= 2).map((w) => w.at(-1)!).filter((w) => w.length >= 4 && !SURNAMES.has(w) && !FIRST_NAMES.has(w)),
);
/** Events, works, products and organisations whose words look like a person's ("Gold Rush"). */
export const PHRASES = withoutLoneGivenNames(phraseSet(PHRASES_TEXT));
/** Places, whole names ("hong kong"); a one-word place that is also a given name needs a cue. */
export const PLACES = phraseSet(PLACES_TEXT);
/** Nationalities, languages, group and religion words: never one person. */
export const DEMONYMS = wordSet(DEMONYMS_TEXT);
/** Everyday words that start titles and names of things ("Gold", "Open", "Line"). */
export const COMMON_WORDS = wordSet(COMMON_WORDS_TEXT);
/** Interjections and discourse words ("Yeah", "Alright", "However"): never someone addressed. */
export const DISCOURSE_WORDS = wordSet(DISCOURSE_WORDS_TEXT);
/** Lexicon names that are also lower-case English words ("joke", "will"): in lower-case text they need a cue. */
export const LOWER_CASE_WORD_NAMES = wordSet(LOWER_CASE_WORD_NAMES_TEXT);

/** Capitalised words that start sentences or name things, never people. */
export const NOT_NAME_WORDS: ReadonlySet<string> = new Set(
  `the a an i i'm i've i'll i'd it this that these those there here what when where why how who which if and but or so
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september
october november december human assistant user hello hi hey dear thanks thank yes no ok okay please sorry mr mrs ms dr
god lord street avenue road new old north south east west united states america american english french german
spanish chinese japanese christmas easter internet google facebook amazon apple microsoft twitter youtube
my your his her our their its we you he she they me him them is are was were be been do does did can could would should
shall might must not all any some every each no none one two three also just only then than now well very much many more
most such other another after before about above below from into onto over under with without within for of at by in on
to up down out off again once because while until since although though yes sure great good nice cool wow oh ah um uh
name address phone email city state country company university college school hospital bank street road avenue
president senator governor king queen prince princess saint st captain general doctor professor chief director
bible quran koran jesus christ allah buddha muhammad siri alexa cortana tor apt suite
world everyone everybody team folks guys friends gang ladies gentlemen mom dad mum buddy
producer player singer songwriter actor actress author writer novelist director founder ceo artist painter drummer guitarist`.split(/\s+/),
);

/** Words that make a capitalised run a place or an organisation ("Joseph Academy", "Dora Creek"). */
export const PLACE_OR_ORG_WORDS: ReadonlySet<string> = new Set(
  `academy school college university institute hospital clinic church cathedral temple mosque museum library foundation
inc llc ltd corp corporation company co group partners associates investments capital bank holdings industries
technologies systems solutions services consulting agency media studios records airlines motors foods labs
panthers lions tigers bears giants eagles bulls kings jets rangers
street st avenue ave road rd boulevard blvd lane ln drive dr court ct way place pl terrace circle parkway highway
square trail crescent close row plaza alley loop pike heights gardens grove hill hills mews walk park point creek
cliffs cliff flat flats union dam pass bridge island islands lake river valley mountain mount beach bay harbor harbour
port fort falls springs station center centre square county city town village district province state republic
kingdom empire`.split(/\s+/),
);
