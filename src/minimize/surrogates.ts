/**
 * Surrogate values. Each is derived from a keyed digest of the original, so it is stable for a
 * campaign and vendor, and drawn from ranges reserved for documentation or fiction so it cannot be
 * a real person's: example.com/.org/.net mail, 555-01xx phone lines, TEST-NET IPv4, 2001:db8::/32,
 * published test card numbers, SSN area 000, IBAN check digits 00, and secrets that keep only the
 * provider's prefix followed by an obviously inert body.
 */
import type { EntityType } from './detectors/detector.js';

const SURNAMES = `Abbott Acosta Adler Bishop Blake Brennan Calder Carver Dalton Doyle Ellery Emerson Farrow Fenwick Garland Granger Hale Harlow Irwin Ives Jessup Keane Kendrick Lowell Lyle Marlow Mercer Nash Norwood Oakley Orton Pembrook Quill Radley Rowe Sayer Shelby Tanner Thorne Upton Vance Voss Wade Whitlock Yardley Yates Zeller Ashby Bramwell Colby Darrow Eastwick Fairfax Gilmore Hadley Ingram Jarvis Kirby Langley Merritt Nolan Osborne Prescott Ramsey Sterling Talbot Underwood Vickers Winslow`.split(' ');
const GIVEN = `Avery Blair Casey Dana Eden Finley Gray Harper Indigo Jules Kai Logan Morgan Noel Oakley Parker Quinn Reese Sage Taylor Umber Vale Wren Yael Zion Alden Brooke Cameron Drew Ellis Frankie Hayden Jordan Kendall Lane Marlo Nico Peyton Riley Rowan Skyler Tatum Emery Shay Arden Blake Corey Darcy Ever Greer`.split(' ');
const STREETS = 'Maple Cedar Birch Willow Juniper Aspen Alder Hawthorn Linden Poplar Rowan Sycamore'.split(' ');
const CITIES = 'Springfield Riverton Fairview Lakeside Brookfield Ashford Millbrook Oakridge'.split(' ');
const TEST_CARDS: Record<string, readonly string[]> = {
  '4': ['4242424242424242', '4111111111111111', '4000056655665556', '4012888888881881'],
  '5': ['5555555555554444', '5105105105105100', '5200828282828210'],
  '3': ['378282246310005', '371449635398431', '30569309025904', '3566002020360505'],
  '6': ['6011111111111117', '6011000990139424', '6200000000000005'],
  '2': ['2223003122003222'],
};
const INERT_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** Deterministic choices from a digest: each call consumes the next bytes. */
class Choice {
  private offset = 0;
  constructor(private readonly digest: Uint8Array) {}
  int(n: number): number {
    const hi = this.digest[this.offset % this.digest.length] ?? 0;
    const lo = this.digest[(this.offset + 1) % this.digest.length] ?? 0;
    this.offset += 2;
    return ((hi << 8) | lo) % n;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }
}

function matchCase(template: string, word: string): string {
  if (template === template.toUpperCase() && template.length > 1) return word.toUpperCase();
  if (template === template.toLowerCase()) return word.toLowerCase();
  return word;
}

/**
 * One name token's surrogate. Given names map to given names and everything else to surnames, and
 * the choice depends only on the lower-cased token: "Maria" alone, "Maria Lopez" and
 * "maria.lopez@…" all use the same replacement for "maria", which keeps them linked.
 */
export function nameToken(token: string, isGivenName: boolean, digest: (label: string) => Uint8Array): string {
  if (/^\p{Lu}\.?$/u.test(token)) return `${String.fromCharCode(65 + new Choice(digest(`initial:${token[0]!.toUpperCase()}`)).int(26))}${token.endsWith('.') ? '.' : ''}`;
  const list = isGivenName ? GIVEN : SURNAMES;
  return matchCase(token, new Choice(digest(`name:${token.toLowerCase()}`)).pick(list));
}

export function surrogateFor(entity: EntityType, value: string, digest: Uint8Array, prefixLength: number): string {
  const c = new Choice(digest);
  switch (entity) {
    case 'phone':
      return `+1 ${200 + c.int(800)}-555-01${c.digits(2)}`;
    case 'payment_card': {
      const first = value.replace(/\D/g, '')[0] ?? '4';
      return c.pick(TEST_CARDS[first] ?? TEST_CARDS['4']!);
    }
    case 'iban':
      return `${value.slice(0, 2).toUpperCase()}00KEYH${c.digits(Math.max(8, value.replace(/ /g, '').length - 8))}`;
    case 'us_ssn':
      return `000-${c.digits(2)}-${c.digits(4)}`;
    case 'national_id': {
      // Same shape, letters X and a leading 0: no passport, NINO, SIN, DNI, PAN or Aadhaar series
      // is issued that way, and the annotator still sees "an id was here".
      let first = true;
      return value.replace(/[\p{L}\p{N}]/gu, (ch) => {
        if (/\p{L}/u.test(ch)) return 'X';
        const digit = first ? '0' : String(c.int(10));
        first = false;
        return digit;
      });
    }
    case 'ip_address':
      return value.includes(':') ? `2001:db8::${c.int(65536).toString(16)}:${c.int(65536).toString(16)}` : `${c.pick(['192.0.2', '198.51.100', '203.0.113'])}.${1 + c.int(254)}`;
    case 'date_of_birth':
      return `19${50 + c.int(50)}-${String(1 + c.int(12)).padStart(2, '0')}-${String(1 + c.int(28)).padStart(2, '0')}`;
    case 'street_address':
      return `${1 + c.int(9899)} ${c.pick(STREETS)} ${c.pick(['Street', 'Avenue', 'Lane', 'Road'])}, ${c.pick(CITIES)}`;
    case 'credential_url': {
      const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? 'https://';
      return `${scheme}user-${c.digits(4)}:inert-${c.digits(6)}@host-${c.digits(4)}.example.net`;
    }
    case 'secret': {
      const body = value.length - prefixLength;
      let inert = 'KEYHOLEINERT';
      while (inert.length < Math.max(body, 16)) inert += INERT_ALPHABET[c.int(INERT_ALPHABET.length)];
      return value.slice(0, prefixLength) + inert.slice(0, Math.max(body, 16));
    }
    case 'email':
    case 'person':
      // Built from name tokens by the pseudonymizer, which links them.
      return value;
  }
}
