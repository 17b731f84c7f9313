/**
 * What the vendor's attacker does to the hub's own state, with the access
 * it has: SQL on the hub's database. Each function only changes the hub;
 * whether keyhole notices is measured by the drill, not assumed here.
 */
import type { Selectable } from 'kysely';
import type { ItemsTable, LeasesTable, SubmissionsTable } from '../../storage/hub-tables.js';
import type { HubDatabase } from '../../storage/open-database.js';

export interface QueueSnapshot {
  readonly items: Selectable<ItemsTable>[];
  readonly leases: Selectable<LeasesTable>[];
  readonly submissions: Selectable<SubmissionsTable>[];
}

/** A copy of the campaign's queue (items' counters, leases, submissions): the "backup" the hub is rolled back to. */
export async function snapshotQueue(hub: HubDatabase, lab: string, campaign: string): Promise<QueueSnapshot> {
  return {
    items: await hub.db.selectFrom('items').selectAll().where('lab', '=', lab).where('campaign', '=', campaign).execute(),
    leases: await hub.db.selectFrom('leases').selectAll().where('lab', '=', lab).where('campaign', '=', campaign).execute(),
    submissions: await hub.db.selectFrom('submissions').selectAll().where('lab', '=', lab).where('campaign', '=', campaign).execute(),
  };
}

/** Restores the campaign's queue to the snapshot in one transaction: later leases and submissions vanish, items reopen. */
export async function rollBackQueue(hub: HubDatabase, lab: string, campaign: string, s: QueueSnapshot): Promise<void> {
  await hub.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('submissions').where('lab', '=', lab).where('campaign', '=', campaign).execute();
    await trx.deleteFrom('leases').where('lab', '=', lab).where('campaign', '=', campaign).execute();
    for (const item of s.items) {
      await trx.updateTable('items').set({ status: item.status, active: item.active, submitted: item.submitted }).where('lab', '=', lab).where('campaign', '=', campaign).where('item', '=', item.item).execute();
    }
    if (s.leases.length > 0) await trx.insertInto('leases').values(s.leases).execute();
    if (s.submissions.length > 0) await trx.insertInto('submissions').values(s.submissions).execute();
  });
}

/** Swaps the sealed labels of the campaign's two newest submissions (each stays under the other's lease). Returns their seqs. */
export async function swapNewestLabels(hub: HubDatabase, lab: string, campaign: string): Promise<number[]> {
  const [a, b] = await hub.db.selectFrom('submissions').select(['seq', 'label']).where('lab', '=', lab).where('campaign', '=', campaign).orderBy('seq', 'desc').limit(2).execute();
  if (a === undefined || b === undefined) return [];
  await hub.db.transaction().execute(async (trx) => {
    await trx.updateTable('submissions').set({ label: b.label }).where('seq', '=', a.seq).execute();
    await trx.updateTable('submissions').set({ label: a.label }).where('seq', '=', b.seq).execute();
  });
  return [Number(a.seq), Number(b.seq)];
}

/**
 * Rotates the stored ciphertext among every item nobody holds yet: each slot
 * now serves another item's sealed bytes. Returns how many, and how to put
 * them back (the drill goes on with an intact queue).
 */
export async function rotateUnleasedItems(hub: HubDatabase, lab: string, campaign: string): Promise<{ rotated: number; restore(): Promise<void> }> {
  const rows = await hub.db.selectFrom('items').select(['item', 'blob_key']).where('lab', '=', lab).where('campaign', '=', campaign).where('active', '=', 0).where('submitted', '=', 0).orderBy('item').execute();
  const point = async (shift: number): Promise<void> => {
    await hub.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i++) {
        await trx.updateTable('items').set({ blob_key: rows[(i + shift) % rows.length]!.blob_key }).where('lab', '=', lab).where('campaign', '=', campaign).where('item', '=', rows[i]!.item).execute();
      }
    });
  };
  if (rows.length < 2) return { rotated: 0, restore: async () => {} };
  await point(1);
  return { rotated: rows.length, restore: () => point(0) };
}
