/**
 * Street addresses. A core locates the street line; a tail then takes in what follows it in an
 * address block (units, city, state, country, postcode, one per line or comma-separated), so the
 * pseudonym covers the whole address and not only its first line.
 *
 * Cores, from most to least common:
 * - house number + street name + a street-type word ("742 Evergreen Terrace", USPS Pub. 28 suffixes);
 * - number + capitalised name + number, the order of most of Europe and Latin America
 *   ("4596 Tylova 285", "Erzsébet tér 19." after a building number); months and units are refused;
 * - a street word that is part of the name ("Brucker Bundesstrasse 31", "Harjukuja 54", "ul. Miła 53");
 * - a leading street prefix ("Rua do Arenque 1634", "26 rue des Lilas", "Via Roma 131");
 * - a name + number right after an address cue ("lives at", "address:", "ship to");
 * - P.O. boxes, military (PSC/Unit/USS ... APO/FPO) addresses and stand-alone apartment/suite units.
 */
import type { Detector, Finding } from './detector.js';

/** A capitalised word with at least one lower-case letter: "Koskikatu", "O'Neil", "Þórunnarstræti". */
const NAME = "\\p{Lu}[\\p{Ll}\\p{M}'’][\\p{L}\\p{M}'’.-]*";
/** Any capitalised word, including all-caps city names ("SEINÄJOKI", "KRISTIANSUND"). */
const CAP = "\\p{Lu}[\\p{L}\\p{M}'’.-]*";
const PARTICLE = "(?:de la|d[aeo]s?|del|della|dei|degli|di|du|des|la|le|les|el|los|las|e|y|van|von|der|den|am|an|im|nad|pod|u)";
/** Lower-case words that are the street type inside a name: Hungarian, Polish, Greek, Nordic. */
const INNER_TYPE = '(?:u\\.|út|útja|utca|tér|tere|körút|köz|sor|sétány|rkp\\.|rakpart|str\\.?|ul\\.|al\\.|terrasse|alle|allé)';
const STREET_TYPE =
  '(?:Street|St|Str|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Cres|Close|Row|Plaza|Alley|Loop|Pike|Heights|Hts|Gardens|Grove|Hill|Hills|Mews|Walk|Path|Pass|Ridge|Run|Crossing|Expressway|Freeway|Turnpike|Causeway|Junction|Landing|Point|Pointe|Creek|Brook|Park|Green|Greens|Meadow|Meadows|Village|Valley|View|Vista|Estates?|Flats?|Fork|Forks|Falls|Forge|Glen|Harbor|Haven|Hollow|Island|Isle|Knoll|Lake|Lakes|Manor|Mill|Mills|Mission|Orchard|Oval|Port|Prairie|Ranch|Rapids|Rest|Shore|Shores|Spring|Springs|Station|Summit|Trace|Track|Union|Unions|Villa|Ville|Wall|Wells|Dale|Dam|Divide|Camp|Canyon|Cape|Cove|Crest|Curve|Ferry|Field|Fields|Ford|Forest|Fort|Garden|Gateway|Ridge|Square)\\.?';
/** Street words fused to the name, across European languages. */
const FUSED_TYPE =
  '(?:stra(?:ss|ß)e|str\\.|gasse|weg|platz|allee|damm|ufer|graben|markt|steig|katu|kuja|tie|polku|kaari|gata|gatan|vägen|väg|gränd|vej|gade|stræde|vegen|veien|vei|gate|braut|stræti|straeti|gata|vegur|straat|laan|plein|gracht|kade|dreef|singel|hof|utca|ulica|cesta|ulice|náměstí|třída)';
const PREFIX =
  '(?:Rua|Avenida|Avda\\.|Av\\.?|Calle|C/|Carrer|Camino|Paseo|Plaza|Praça|Travessa|Largo|Estrada|Via|Viale|Piazza|Corso|Vicolo|Strada|Rue|Boulevard|Bd\\.?|Chemin|Allée|Impasse|Quai|ul\\.|ulica|al\\.|aleja|os\\.|Λεωφόρος|Οδός|Odos)';
/** Prefixes also written in lower case ("26 rue des Lilas"); then a house number must lead. */
const LOWER_PREFIX = '(?:rua|avenida|calle|carrer|rue|avenue|boulevard|chemin|allée|piazza|viale|via)';
// Words that make "N Word N" a date, a measure or a product, not an address.
const NOT_STREET_NAME =
  '(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Chapter|Section|Page|Part|Step|Level|Season|Episode|Volume|Vol|Round|Version|Windows|Python|Java|Node|Ubuntu|Release|Edition|Series|Model|Table|Figure|Fig|Question|Verse|Psalm|Psalms|Minutes|Hours|Seconds|Days|Weeks|Months|Years|Points|Times|Games|Players|People|Users|Pages|Items|Kings|Corinthians|Samuel|Chronicles|John|Peter|Timothy|Thessalonians)';
const UNIT_WORD = '(?:Apt\\.?|Apartment|Suite|Ste\\.?|Unit|Flat|Fl\\.?|Floor|Room|Rm\\.?|#)';
const UNIT = `(?:[ \\t]*,?[ \\t]*(?:\\n[ \\t>?]*)?${UNIT_WORD}[ \\t]*#?\\d{1,5}[A-Za-z]?\\b)`;
const COUNTRY =
  '(?:United States(?: of America)?|USA|U\\.S\\.A\\.|United Kingdom|UK|Canada|Mexico|Brazil|Argentina|Chile|Uruguay|Paraguay|Peru|Colombia|Venezuela|Ecuador|Bolivia|Spain|Portugal|France|Belgium|Netherlands|Luxembourg|Germany|Austria|Switzerland|Italy|Ireland|Iceland|Denmark|Norway|Sweden|Finland|Estonia|Latvia|Lithuania|Poland|Czech Republic|Czechia|Slovakia|Hungary|Slovenia|Croatia|Serbia|Bosnia and Herzegovina|Montenegro|North Macedonia|Albania|Greece|Cyprus(?: \\(Greek\\))?|Malta|Romania|Bulgaria|Moldova|Ukraine|Belarus|Russia|Turkey|Türkiye|Israel|Egypt|Morocco|Tunisia|Algeria|Nigeria|Kenya|Ghana|Ethiopia|South Africa|India|Pakistan|Bangladesh|Sri Lanka|Nepal|China|Japan|South Korea|Korea|Taiwan|Hong Kong|Singapore|Malaysia|Indonesia|Philippines|Thailand|Vietnam|Australia|New Zealand|Greenlander|Greenland|Faroe Islands)(?![\\p{L}])';
/** Separator between address-block parts: a comma, or one or two line breaks with quote marks. */
const SEP = '[ \\t]*,?[ \\t]*(?:\\n[ \\t>?]*(?:\\n[ \\t>?]*)?)?,?[ \\t]*';
const POSTCODE = '(?:\\d{4,6}(?:-\\d{4})?|\\p{Lu}\\d\\p{Lu}[ \\t]?\\d\\p{Lu}\\d|\\p{Lu}{1,2}\\d[\\dA-Z]?[ \\t]\\d\\p{Lu}{2})(?![\\p{L}\\p{N}])';
const STATE = '(?:\\p{Lu}{2,3}|nan)(?![\\p{L}\\p{N}])';
const CITY = `${CAP}(?:[ \\t]+(?:${CAP}|${PARTICLE}(?=[ \\t]+\\p{Lu}))){0,3}`;
// The city is taken only when a state, country or postcode follows it: a capitalised line after
// a street is otherwise as likely the next sentence or a signature.
const PLACE_END = `(?:${STATE}|${COUNTRY}|${POSTCODE})`;
const TAIL =
  `(?:${SEP}(?:${COUNTRY}(?=${SEP}${POSTCODE})|${CITY}(?=${SEP}${PLACE_END})(?:${SEP}${STATE})?))?` +
  `(?:${SEP}${STATE}(?=${SEP}(?:${COUNTRY}|${POSTCODE})))?` +
  `(?:${SEP}${COUNTRY})?` +
  `(?:${SEP}${POSTCODE}(?![ \\t]+${NAME}))?`;
const HOUSE = '\\d{1,6}[A-Za-z]?[ \\t]+(?:\\d{1,6}[ \\t]+)?';
// Title-case function words make "5 Musicians Of The 70s" a headline, not a street name.
const NAME_PART = `(?:(?!(?:Of|The|And|For|With|From|To|In|On|At|By|Is|Are|You|Your|My)[ \\t])${NAME}|${PARTICLE}|${INNER_TYPE})`;
const DIRECTION_OR_ORDINAL = '(?:[NSEW]\\.?|N[EW]|S[EW]|\\d{1,3}(?:st|nd|rd|th))';
const NUMBER_END = '\\d{1,5}[A-Za-z]?\\.?(?:[ \\t]*[/-][ \\t]*\\d{1,5})?(?![\\p{L}\\p{N}:]|[.,]\\d)';
const CUE = '(?:lives? (?:at|on)|living at|located at|[Aa]ddress(?: is)?:?|moved to|sen[dt] (?:it |this )?to|ship(?:ped)? to|deliver(?:ed)? to|return(?: it)? to|drops? you off at|meet (?:me |you )?at)';
/** The street word that ends a name fused ("Bundesstrasse") or stands alone before the number ("Imre u."). */
const NAMED_STREET_END = new RegExp(`(?:\\p{Ll}${FUSED_TYPE}|[ \\t]${INNER_TYPE})[ \\t]*$`, 'u');

const YEAR = /^(?:19|20)\d\d$/;
/** "Top 10 Songs 2019", "in 1995 Microsoft Windows 95": a year at either end makes it a headline. */
function notYears(m: RegExpExecArray): boolean {
  if (YEAR.test(m[2]!) && m[1]!.length <= 2) return false;
  return !(YEAR.test(m[1]!) && /\b(?:in|since|by|from|until|of|during|after|before)\s+$/i.test(m.input.slice(Math.max(0, m.index - 8), m.index)));
}

interface Core {
  readonly pattern: RegExp;
  /** Which capture is the address (0: all of it); a cue before it is not part of it. */
  readonly group?: 1;
  readonly accept?: (match: RegExpExecArray) => boolean;
}

// The word boundary before a core is checked in JS: a leading lookbehind would stop V8 from
// skipping ahead to the core's first digit or letter.
const WORD_CHAR = /[\p{L}\p{N}]/u;
const startsWord = (m: RegExpExecArray) => m.index === 0 || !WORD_CHAR.test(m.input[m.index - 1]!);
const core = (source: string, accept?: (match: RegExpExecArray) => boolean): Core => ({
  pattern: new RegExp(source, 'gu'),
  accept: accept === undefined ? startsWord : (m) => startsWord(m) && accept(m),
});
const CORES: readonly Core[] = [
  core(`${HOUSE}(?:(?:${NAME_PART}|${DIRECTION_OR_ORDINAL})[ \\t]+){0,4}${STREET_TYPE}(?![\\p{L}])`),
  core(`(\\d{1,6})[A-Za-z]?[ \\t]+(?:\\d{1,6}[ \\t]+)?(?!${NOT_STREET_NAME}\\b)${NAME}(?:[ \\t]+${NAME_PART}){0,3}[ \\t]+(?=(\\d+))${NUMBER_END}`, notYears),
  // Words then a number: an address when the last word carries the street type (checked in JS,
  // which is cheaper than letting the regex backtrack through every word's endings).
  core(`(?:${HOUSE})?(${NAME}(?:[ \\t]+${NAME_PART}){0,3}[ \\t]+)${NUMBER_END}`, (m) => NAMED_STREET_END.test(m[1]!)),
  core(`(?:${HOUSE})?${PREFIX}[ \\t]+(?:(?:${NAME_PART}|\\p{Ll}{3,})[ \\t]+){0,4}\\d{1,5}[A-Za-z]?\\b`),
  core(`${HOUSE}(?:${PREFIX}|${LOWER_PREFIX})[ \\t]+(?:(?:${NAME_PART}|\\p{Ll}{3,})[ \\t]+){0,4}(?:\\d{1,5}[A-Za-z]?\\b|${NAME})`),
  core(`(?:\\d{1,6}[ \\t]+)?P\\.?[ \\t]?O\\.?[ \\t]?Box[ \\t]+\\d{1,6}`),
  core('(?:PSC|Unit|CMR)[ \\t]+\\d{3,5},?[ \\t]+Box[ \\t]+\\d{3,5}(?:\\s*(?:APO|FPO|DPO)[ \\t]+A[AEP][ \\t]+\\d{5})?'),
  core('(?:USNS|USNV|USS|USCGC)[ \\t]+\\p{Lu}[\\p{L}-]+\\s*(?:APO|FPO|DPO)[ \\t]+A[AEP][ \\t]+\\d{5}'),
  core('(?:Apt\\.?|Apartment|Suite|Ste\\.)[ \\t]*#?\\d{1,5}[A-Za-z]?\\b'),
  // Lower-cased military addresses ("unit 1009 box 0219 dpo ap 51065") and lower-cased lines that
  // end in a unit are as unambiguous.
  core('(?:psc|unit|cmr)[ \\t]+\\d{3,5},?[ \\t]+box[ \\t]+\\d{3,5}\\s*(?:apo|fpo|dpo)[ \\t]+a[aep][ \\t]+\\d{5}\\b'),
  core("\\d{1,6}[ \\t]+(?:[\\p{L}\\p{N}.'’-]+[ \\t]+){1,5}(?:apt\\.?|suite)[ \\t]*#?\\d{1,5}\\b"),
  // A bare "Name 12" is an address only right after a cue ("lives at", "address:").
  { pattern: new RegExp(`\\b${CUE}[ \\t]+((?!${NOT_STREET_NAME}\\b)${NAME}(?:[ \\t]+${NAME_PART}){0,2}[ \\t]+\\d{1,5}[A-Za-z]?\\b)`, 'gu'), group: 1 },
];
/** Units, city, state, country and postcode after a core, tried where the core ended. */
const TAIL_AT = new RegExp(`${UNIT}{0,2}${TAIL}`, 'uy');
// Street names without a number: "the corner of X and Y Street", "shows on Berg Hills Street".
const CORNER = new RegExp(`\\b(?:corner|intersection) of[ \\t]+(?:[\\p{L}\\p{N}.'’/-]+[ \\t]+){1,6}?and[ \\t]+(?:${NAME}[ \\t]+){1,3}${STREET_TYPE}(?![\\p{L}])`, 'gu');
const STREET_WORD = /\b(?:Street|Avenue|Road|Boulevard|Lane)\b/;
const ON_STREET = new RegExp(`\\b(?:on|at|along)[ \\t]+((?:${NAME}[ \\t]+){1,3}(?:Street|Avenue|Road|Boulevard|Lane)\\b)`, 'gu');

// Every pattern above except CORNER and ON_STREET needs a digit, and no address reaches further
// than this from one: the patterns run on these windows only, so long digit-free prose costs one
// scan for digits (about 10x faster on hh-rlhf than running them over whole messages).
const REACH_BEFORE = 80;
const REACH_AFTER = 150;
// Every address has a number next to a capitalised word ("12 Main", "Koskikatu 25", "Box 9"),
// a street word ("ul. 5", "rue", "apt. 9") or another number ("62573 103 Cassidy"): other
// numbers ("in 2019,", "10 minutes", "1. First") open no window.
const ANCHOR_AFTER = new RegExp(`^[A-Za-z]?[ \\t]+(?:\\d{1,6}[ \\t]+)?(?:\\p{Lu}|${LOWER_PREFIX}\\b|(?:apt|suite|box|dpo|apo|fpo)\\b)`, 'u');
const ANCHOR_BEFORE = new RegExp(`(?:\\p{Lu}[\\p{L}\\p{M}'’.-]*|${INNER_TYPE}|#|apt\\.?|suite|box|unit|psc)[ \\t]*,?[ \\t]*$`, 'u');
const DIGITS = /\d+/g;

function digitWindows(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  DIGITS.lastIndex = 0;
  for (let m = DIGITS.exec(text); m !== null; m = DIGITS.exec(text)) {
    const after = m.index + m[0].length;
    if (!ANCHOR_AFTER.test(text.slice(after, after + 16)) && !ANCHOR_BEFORE.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    // Windows start and end between words so no pattern sees half a word.
    let start = Math.max(0, m.index - REACH_BEFORE);
    while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
    let end = Math.min(text.length, m.index + m[0].length + REACH_AFTER);
    while (end < text.length && !/\s/.test(text[end]!)) end++;
    const last = out.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

function collect(text: string, offset: number, { pattern, group, accept }: Core, ruleId: string, out: Finding[]): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (accept !== undefined && !accept(m)) {
      pattern.lastIndex = m.index + 1;
      continue;
    }
    const coreEnd = m.index + m[0].length;
    TAIL_AT.lastIndex = coreEnd;
    const end = coreEnd + (TAIL_AT.exec(text)?.[0].length ?? 0);
    const start = group === undefined ? m.index : coreEnd - m[group]!.length;
    out.push({ start: offset + start, end: offset + end, entity: 'street_address', ruleId });
    pattern.lastIndex = Math.max(pattern.lastIndex, end);
  }
}

/** Several cores can find the same address: keep each span once, and none inside another. */
function outermost(findings: Finding[]): Finding[] {
  findings.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  for (const f of findings) if (out.length === 0 || f.end > out.at(-1)!.end) out.push(f);
  return out;
}

export const streetAddressDetector: Detector = {
  id: 'street_address',
  entity: 'street_address',
  find(text) {
    const out: Finding[] = [];
    if (text.includes('corner of') || text.includes('intersection of')) collect(text, 0, { pattern: CORNER }, 'street_address.corner', out);
    if (STREET_WORD.test(text)) collect(text, 0, { pattern: ON_STREET, group: 1 }, 'street_address.on-street', out);
    for (const [start, end] of digitWindows(text)) {
      const window = text.slice(start, end);
      for (const c of CORES) collect(window, start, c, 'street_address', out);
    }
    return outermost(out);
  },
};
