/**
 * Labels the log says exist but the hub did not deliver. A workstation
 * submits a label to the hub first and then sends the same sealed label to
 * the gatekeeper as its submit receipt (src/workstation/task-loop.ts), which
 * logs it (SPEC §11.4). So every release the gatekeeper marked submitted is a
 * label the hub held; if the lab's collected results have no label for that
 * release, the hub lost it, withheld it, or was rolled back. The lab cannot
 * be shown a consistent past by a hub that rewinds its database.
 */
import type { Kysely } from 'kysely';
import type { GatekeeperTables } from '../gatekeeper/db/tables.js';
import { annotatorRef } from '../gatekeeper/context.js';
import type { Results } from './lab-store.js';

export interface MissingLabel {
  readonly item: string;
  readonly lease: string;
  /** "<vendor>:<annotator>", the log's form. */
  readonly annotator: string;
  /** Unix seconds of the submit receipt. */
  readonly receiptAt: number;
}

export async function labelsMissingAtHub(gatekeeperDb: Kysely<GatekeeperTables>, campaign: string, results: Results): Promise<MissingLabel[]> {
  const delivered = new Set(results.accepted.map((a) => a.lease));
  const refused = new Set(results.refused.map((r) => `${r.item}\0${r.annotator}`));
  const receipts = await gatekeeperDb
    .selectFrom('releases')
    .innerJoin('items', 'items.digest', 'releases.digest')
    .select(['items.item', 'releases.lease', 'releases.vendor', 'releases.annotator', 'releases.submitted_at'])
    .where('releases.campaign', '=', campaign)
    .where('releases.submitted_at', 'is not', null)
    .orderBy('releases.submitted_at')
    .execute();
  return receipts
    .map((r) => ({ item: r.item, lease: r.lease, annotator: annotatorRef(r.vendor, r.annotator), receiptAt: r.submitted_at! }))
    .filter((r) => !delivered.has(r.lease) && !refused.has(`${r.item}\0${r.annotator}`));
}
