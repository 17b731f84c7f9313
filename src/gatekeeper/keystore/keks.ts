/**
 * Batch KEKs (DESIGN §4): 32 random bytes per batch, stored wrapped under the
 * root key (purpose "kek:<id>") in the `keks` table. A batch is the unit of
 * rotation and of shredding. Unwrapped KEKs are cached in memory for at most
 * KEK_CACHE_SECONDS so that a KMS root is not called on every release; a
 * shred in this process evicts (and zeroes) the cached copy at once.
 */
import type { Kysely } from 'kysely';
import { fromBase64Url, toBase64Url, toHex } from '../../core/bytes.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { fail } from '../../core/errors.js';
import type { Primitives } from '../../core/primitives.js';
import { KeySlot, rewrapSlot, type Kek } from '../../core/sealed-item.js';
import { parseJsonText, parseWith } from '../../core/schema.js';
import type { GatekeeperTables } from '../db/tables.js';
import type { RootKey } from './root-key.js';

export const KEK_CACHE_SECONDS = 60;

export interface RewrappedSlot {
  digest: string;
  slot: KeySlot;
}

export function parseSlot(text: string): KeySlot {
  return parseWith(KeySlot, parseJsonText(text, 'key slot'), 'key slot');
}

export class KekStore {
  private readonly cache = new Map<string, { key: Uint8Array; until: number }>();

  constructor(
    private readonly p: Primitives,
    private readonly db: Kysely<GatekeeperTables>,
    private readonly root: RootKey,
    private readonly clock: () => number,
  ) {}

  /** Creates a batch and its first KEK. The lab's ingest seals the batch's items with the returned KEK. */
  async createBatch(batch: string, campaign: string): Promise<Kek> {
    const existing = await this.db.selectFrom('batches').select(['state', 'campaign']).where('batch', '=', batch).executeTakeFirst();
    if (existing) fail('CONFLICT', `batch ${batch} already exists (${existing.state}, campaign ${existing.campaign}); use its current KEK or a new batch id`);
    const kek = this.newKek();
    const wrapped = toBase64Url(await this.root.wrap(`kek:${kek.id}`, kek.key));
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('batches').values({ batch, campaign, state: 'live', shredded_at: null, receipt: null, receipt_index: null }).execute();
      await trx.insertInto('keks').values({ id: kek.id, batch, wrapped, created_at: now }).execute();
    });
    return kek;
  }

  /** The batch's current KEK, for sealing more items into it. */
  async currentKek(batch: string): Promise<Kek> {
    const row = await this.db.selectFrom('keks').select('id').where('batch', '=', batch).orderBy('created_at', 'desc').executeTakeFirst();
    if (!row) fail('NOT_FOUND', `batch ${batch} has no KEK (unknown batch, or shredded)`);
    return this.kek(row.id);
  }

  /** A KEK by id, or NOT_FOUND once it has been rotated away or shredded. */
  async kek(id: string): Promise<Kek> {
    const now = this.clock();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return { id, key: hit.key };
    const row = await this.db.selectFrom('keks').select('wrapped').where('id', '=', id).executeTakeFirst();
    if (!row) {
      this.evict(id);
      return fail('NOT_FOUND', `KEK ${id} does not exist (rotated away or shredded)`);
    }
    const key = await this.root.unwrap(`kek:${id}`, fromBase64Url(row.wrapped));
    this.cache.set(id, { key, until: now + KEK_CACHE_SECONDS });
    return { id, key };
  }

  /**
   * Rotation: a new KEK for the batch, every registered slot rewrapped under
   * it (same DEK, no item re-encrypted: SPEC §3.3), the old KEKs deleted, all
   * in one transaction. Returns the new slots so the lab can push them to the hub.
   */
  async rotate(batch: string): Promise<RewrappedSlot[]> {
    const state = await this.db.selectFrom('batches').select('state').where('batch', '=', batch).executeTakeFirst();
    if (!state) fail('NOT_FOUND', `batch ${batch} is not known to this gatekeeper`);
    if (state.state !== 'live') fail('CONFLICT', `batch ${batch} is shredded; there is nothing to rotate`);
    const oldRows = await this.db.selectFrom('keks').select('id').where('batch', '=', batch).execute();
    const olds = new Map<string, Kek>();
    for (const r of oldRows) olds.set(r.id, await this.kek(r.id));
    const next = this.newKek();
    const items = await this.db.selectFrom('items').select(['digest', 'slot']).where('batch', '=', batch).execute();
    const rewrapped: RewrappedSlot[] = [];
    for (const it of items) {
      if (it.slot === null) continue;
      const slot = parseSlot(it.slot);
      const from = olds.get(slot.kek);
      if (!from) fail('MISMATCH', `item ${it.digest}: its slot names KEK ${slot.kek}, which is not a KEK of batch ${batch}`);
      rewrapped.push({ digest: it.digest, slot: await rewrapSlot(this.p, from, next, { digest: fromBase64Url(it.digest), slot }) });
    }
    const wrapped = toBase64Url(await this.root.wrap(`kek:${next.id}`, next.key));
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('keks').values({ id: next.id, batch, wrapped, created_at: this.clock() }).execute();
      for (const r of rewrapped) await trx.updateTable('items').set({ slot: canonicalJson(r.slot) }).where('digest', '=', r.digest).execute();
      await trx.deleteFrom('keks').where('id', 'in', [...olds.keys()]).execute();
    });
    for (const id of olds.keys()) this.evict(id);
    return rewrapped;
  }

  /** Drops (and zeroes) a cached KEK: called when its row is deleted by rotation or shredding. */
  evict(id: string): void {
    const hit = this.cache.get(id);
    if (hit) hit.key.fill(0);
    this.cache.delete(id);
  }

  evictBatch(ids: readonly string[]): void {
    for (const id of ids) this.evict(id);
  }

  private newKek(): Kek {
    return { id: `kek-${toHex(this.p.randomBytes(10))}`, key: this.p.randomBytes(32) };
  }
}
