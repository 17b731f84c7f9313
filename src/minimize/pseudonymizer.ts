/**
 * Keyed pseudonyms. The key is HMAC-SHA256(secret, campaign ‖ vendor), so the same value gets the
 * same surrogate across turns, both sides of a pair and every record of one campaign for one vendor,
 * and different surrogates for another vendor (two vendors cannot join their copies). Names and
 * emails are built token by token so "Maria", "Maria Lopez" and "maria.lopez@…" stay linked.
 */
import { createHmac } from 'node:crypto';
import type { EntityType, Finding } from './detectors/detector.js';
import { FIRST_NAMES } from './detectors/name-lists.js';
import type { PseudonymEntry } from './lab-only.js';
import { nameToken, surrogateFor } from './surrogates.js';

const DOMAIN_LABEL = 'keyhole/minimize/pseudonym/v1';
const MAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];

function normalized(entity: EntityType, value: string): string {
  switch (entity) {
    case 'phone':
    case 'payment_card':
    case 'us_ssn':
      return value.replace(/\D/g, '');
    case 'iban':
      return value.replace(/\s/g, '').toUpperCase();
    case 'email':
    case 'ip_address':
      return value.toLowerCase();
    default:
      return value;
  }
}

export class Pseudonymizer {
  private readonly key: Buffer;

  constructor(secret: Uint8Array, campaign: string, vendor: string) {
    this.key = createHmac('sha256', secret).update(`${DOMAIN_LABEL}\u0000${campaign}\u0000${vendor}`).digest();
  }

  private digest = (label: string): Uint8Array => createHmac('sha256', this.key).update(label).digest();

  surrogate(finding: Finding, value: string): string {
    if (finding.entity === 'person') return this.personName(value);
    if (finding.entity === 'email') return this.email(value);
    return surrogateFor(finding.entity, value, this.digest(`${finding.entity}:${normalized(finding.entity, value)}`), finding.prefixLength ?? 0);
  }

  private personName(value: string): string {
    return value.replace(/[\p{L}'’-]+\.?/gu, (token) => nameToken(token, FIRST_NAMES.has(token.toLowerCase()), this.digest));
  }

  private email(value: string): string {
    const at = value.lastIndexOf('@');
    const local = value.slice(0, at);
    const domain = value.slice(at + 1).toLowerCase();
    const mapped = local.replace(/\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})|\d+/gu, (token) =>
      /^\d+$/.test(token) ? String(this.digest(`digits:${token}`).reduce((n, b) => (n * 7 + b) % 10 ** token.length, 0)).padStart(token.length, '0') : nameToken(token, FIRST_NAMES.has(token.toLowerCase()), this.digest),
    );
    const choice = this.digest(`mail-domain:${domain}`)[0] ?? 0;
    return `${mapped}@${MAIL_DOMAINS[choice % MAIL_DOMAINS.length]!}`;
  }
}

/** The pseudonym table of one record, without duplicates. */
export class PseudonymTable {
  private readonly entries = new Map<string, PseudonymEntry>();
  add(entry: PseudonymEntry): void {
    this.entries.set(`${entry.entity}\u0000${entry.original}`, entry);
  }
  list(): PseudonymEntry[] {
    return [...this.entries.values()];
  }
}
