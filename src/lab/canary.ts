/**
 * Canary items: synthetic conversations of invented content (people, places,
 * substances and numbers that exist nowhere else), shaped like every other
 * item (src/core/item-content.ts, with two branches so any task type
 * can show them) and named like them, so nothing tells a vendor which items
 * are canaries. Each is fingerprinted in the lab's store with its invented
 * words as markers; who received it is read from the log's release records,
 * not from the hub. In a campaign with overlap 1 every canary reaches exactly
 * one annotator; with more overlap, trace intersects the leaked canaries'
 * recipients.
 */
import { randomBytes } from 'node:crypto';
import { fail } from '../core/errors.js';
import type { FingerprintStore } from './fingerprint-store.js';

const ONSETS = ['br', 'dr', 'gl', 'kr', 'm', 'n', 'qu', 'sh', 'th', 'v', 'z', 'tr', 'ph', 'sk', 'l', 'fr'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ae', 'io', 'é', 'ö', 'y'];
const CODAS = ['', 'n', 'r', 'l', 'th', 'sk', 'nd', 'x', 'rm'];

/** Random bytes consumed one at a time; tests pass a fixed source. */
export type ByteSource = (n: number) => Uint8Array;

class Dice {
  private pool: Uint8Array = new Uint8Array(0);
  private at = 0;
  constructor(private readonly source: ByteSource) {}
  private byte(): number {
    if (this.at >= this.pool.length) {
      this.pool = this.source(64);
      this.at = 0;
    }
    return this.pool[this.at++]!;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.byte() % list.length]!;
  }
  number(min: number, max: number): number {
    return min + (((this.byte() << 8) | this.byte()) % (max - min + 1));
  }
}

function invented(d: Dice, syllables: number): string {
  let w = '';
  for (let i = 0; i < syllables; i++) w += d.pick(ONSETS) + d.pick(VOWELS) + (i === syllables - 1 ? d.pick(CODAS) : '');
  return w[0]!.toUpperCase() + w.slice(1);
}

export interface Canary {
  readonly item: string;
  /** The item plaintext: a conversation in the item-content model. */
  readonly content: unknown;
  /** Invented words that appear in no other text; one of them in a dump is enough. */
  readonly markers: readonly string[];
}

export function inventCanary(item: string, source: ByteSource = (n) => new Uint8Array(randomBytes(n))): Canary {
  const d = new Dice(source);
  const person = `${invented(d, 2)} ${invented(d, 3)}`;
  const place = invented(d, 3);
  const substance = invented(d, 4).toLowerCase();
  const guild = invented(d, 3);
  const year = d.number(1612, 1898);
  const amount = d.number(120, 9800);
  const depth = d.number(14, 380);
  const question = `I'm writing about the ${guild} cooperative of ${place}. When did ${person} first refine ${substance}, and how much did the ${year} harvest yield?`;
  const a = `${person} first refined ${substance} in ${year}, in the salt caverns under ${place}, roughly ${depth} metres down. The ${guild} cooperative recorded a yield of ${amount} measures that year, most of it traded along the eastern canal before the winter tolls were raised.`;
  const b = `According to the ${guild} ledgers, ${substance} was first refined by ${person} in ${year}. The caverns beneath ${place} gave ${amount} measures that season; the refinery sat about ${depth} metres below the market square, and the cooperative kept the method secret for two generations.`;
  const content = {
    messages: [
      { id: 'm1', parentId: null, role: 'user', text: question },
      { id: 'm2', parentId: 'm1', role: 'assistant', text: a },
      { id: 'm3', parentId: 'm1', role: 'assistant', text: b },
    ],
    branches: [
      { label: 'a', leafId: 'm2' },
      { label: 'b', leafId: 'm3' },
    ],
  };
  return { item, content, markers: [...person.split(' '), place, substance, guild] };
}

const ID_PREFIX = /^[A-Za-z0-9._:-]{0,64}$/;

/**
 * Invents `count` canaries for a campaign, with ids shaped like its other
 * items (prefix + 12 hex digits), and records their fingerprints. The caller
 * seals and sends them with the campaign's other items.
 */
export function plantCanaries(store: FingerprintStore, o: { campaign: string; count: number; idPrefix?: string; source?: ByteSource }): Canary[] {
  const prefix = o.idPrefix ?? 'item-';
  if (!ID_PREFIX.test(prefix)) fail('BAD_FORMAT', `canary id prefix "${prefix}" is not 0-64 of [A-Za-z0-9._:-]`);
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > 10_000) fail('BAD_FORMAT', `canary count ${o.count} is not 1..10000`);
  const source = o.source ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const canaries = Array.from({ length: o.count }, () => inventCanary(`${prefix}${Buffer.from(source(6)).toString('hex')}`, source));
  store.add(canaries.map((c) => ({ campaign: o.campaign, item: c.item, content: c.content, markers: c.markers })));
  return canaries;
}
