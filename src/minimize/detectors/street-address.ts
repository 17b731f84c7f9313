/**
 * Street addresses: a house number next to a street name that carries a street-type word
 * (English and common European forms), optionally followed by unit, city, state and postcode
 * lines; also military (PSC/APO) addresses and stand-alone unit designators after an address word.
 */
import { regexFindings, type Detector } from './detector.js';

const WORD = "[\\p{Lu}][\\p{L}'’.-]*";
const STREET_TYPE =
  '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Crescent|Close|Row|Plaza|Alley|Loop|Pike|Heights|Gardens|Grove|Hill|Mews|Walk)\\.?';
const EURO_STREET = '\\p{Lu}[\\p{L}-]*(?:stra(?:ss|ß)e|str\\.|gasse|weg|platz|allee|katu|tie|gatan|vägen|vej|gade|straat|laan|plein)|\\p{Lu}[\\p{L}-]*[ \\t](?:utca|u\\.|ulica|ul\\.|cesta)';
const EURO_PREFIX = '(?:Rua|Avenida|Av\\.|Calle|Via|Viale|Piazza|Rue|Boulevard|Chemin|Place|Carrer|Plaza)';
const UNIT = '(?:,?\\s*(?:Apt\\.?|Apartment|Suite|Ste\\.?|Unit|Flat|Floor|Fl\\.?|#)\\s*\\d+[A-Z]?)';
const TAIL = `(?:,?\\s*\\n?\\s*${WORD}(?:\\s${WORD}){0,2},?\\s*\\n?\\s*,?\\s*[A-Z]{2}\\s+\\d{5}(?:-\\d{4})?)?`;
const ADDRESS = new RegExp(
  [
    // A building or postcode number may precede the house number ("62573 103 Cassidy Street").
    `\\b\\d{1,6}[A-Za-z]?\\s+(?:\\d{1,6}[ \\t]+)?(?:${WORD}\\s+){0,4}${STREET_TYPE}(?![\\p{L}])${UNIT}?${TAIL}`,
    `\\b(?:${WORD}[ \\t]+){0,3}(?:${EURO_STREET})[ \\t]+\\d{1,5}[A-Za-z]?(?:\\s*[/-]\\s*\\d{1,5})?\\b${UNIT}?`,
    `\\b${EURO_PREFIX}\\s+(?:(?:d[aeiou]s?|de la|del|di|du|de)\\s+)?(?:${WORD}\\s+){0,3}\\d{1,5}\\b${UNIT}?`,
    '\\b(?:PSC|Unit|USNS|USS|USCGC)\\s+\\d{3,5},?\\s+Box\\s+\\d{3,5}(?:\\s*\\n?\\s*(?:APO|FPO|DPO)\\s+A[AEP]\\s+\\d{5})?',
  ].join('|'),
  'gu',
);

export const streetAddressDetector: Detector = {
  id: 'street_address',
  entity: 'street_address',
  find(text) {
    if (!/\d/.test(text)) return [];
    return regexFindings(text, ADDRESS, (m) => ({ start: m.index, end: m.index + m[0].length, ruleId: 'street_address' }), 'street_address');
  },
};
