/**
 * Word lists for the person-name detector. The given-name and surname lexicons live in
 * ../lexicon/ (hand-written, provenance noted there); FAMOUS_PEOPLE are public historical figures
 * whose names are not personal data in a conversation.
 */
import { AMBIGUOUS_GIVEN_NAMES_TEXT, GIVEN_NAMES_TEXT } from '../lexicon/given-names.js';
import { COMMON_WORD_SURNAMES_TEXT, SURNAME_ENDINGS, SURNAMES_TEXT } from '../lexicon/surnames.js';

const wordSet = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter((w) => w !== ''));

export const FIRST_NAMES: ReadonlySet<string> = wordSet(GIVEN_NAMES_TEXT);
/** Given names that are also everyday words ("Will", "Grace"): they need a second cue. */
export const AMBIGUOUS_GIVEN_NAMES = wordSet(AMBIGUOUS_GIVEN_NAMES_TEXT);
/** Surnames that are also everyday words ("Long", "Green") are left out: alone they prove nothing. */
const COMMON_WORD_SURNAMES = wordSet(COMMON_WORD_SURNAMES_TEXT);
export const SURNAMES: ReadonlySet<string> = new Set([...wordSet(SURNAMES_TEXT)].filter((w) => !COMMON_WORD_SURNAMES.has(w)));
export const SURNAME_ENDING = new RegExp(`\\p{Ll}{2}(?:${SURNAME_ENDINGS.join('|')})$`, 'u');

export const FAMOUS_PEOPLE: ReadonlySet<string> = new Set(
  [
    'abraham lincoln', 'george washington', 'thomas jefferson', 'albert einstein', 'isaac newton', 'charles darwin',
    'william shakespeare', 'napoleon bonaparte', 'julius caesar', 'winston churchill', 'martin luther king',
    'martin luther king jr', 'mahatma gandhi', 'nelson mandela', 'marie curie', 'leonardo da vinci', 'galileo galilei',
    'adolf hitler', 'joseph stalin', 'karl marx', 'franklin roosevelt', 'franklin d. roosevelt', 'john f. kennedy',
    'john kennedy', 'queen elizabeth', 'elizabeth ii', 'wolfgang amadeus mozart', 'ludwig van beethoven', 'pablo picasso',
    'vincent van gogh', 'sigmund freud', 'alexander the great', 'genghis khan', 'christopher columbus', 'jesus christ',
    'benjamin franklin', 'alan turing', 'ada lovelace', 'nikola tesla', 'thomas edison', 'mark twain', 'jane austen',
    'charles dickens', 'barack obama', 'donald trump', 'joe biden', 'george bush', 'george w. bush', 'bill clinton',
    'hillary clinton', 'ronald reagan', 'richard nixon', 'elon musk', 'bill gates', 'steve jobs', 'taylor swift',
    'michael jackson', 'elvis presley', 'john lennon', 'paul mccartney', 'harry potter', 'sherlock holmes', 'santa claus',
  ],
);

/** Capitalised words that start sentences or name things, never people. */
export const NOT_NAME_WORDS: ReadonlySet<string> = new Set(
  `the a an i i'm i've i'll it this that these those there here what when where why how who which if and but or so
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
