/**
 * Rule: an annotator gets an item's key under one lease only. A second
 * request under the same lease from the same device while the release is
 * still held (a reloaded workstation, a renewed lease) is a re-release:
 * allowed, and it adds no exposure. Any other repeat (new lease, another
 * device, after submitting or skipping) is denied.
 * Code: REPEAT_ITEM.
 */
import type { Selectable } from 'kysely';
import type { ReleasesTable } from '../db/tables.js';
import { deny, type Denial } from '../reasons.js';
import type { ItemFacts, Trx } from './facts.js';

type Prior = Pick<Selectable<ReleasesTable>, 'id' | 'held_until' | 'exposed_until'>;

export type RepeatCheck = { kind: 'first' } | { kind: 'again'; prior: Prior } | { kind: 'denied'; denial: Denial };

export async function checkRepeat(trx: Trx, f: ItemFacts): Promise<RepeatCheck> {
  const prior = await trx
    .selectFrom('releases')
    .select(['id', 'lease', 'device', 'submitted_at', 'skipped_at', 'held_until', 'exposed_until'])
    .where('digest', '=', f.item.digest)
    .where('vendor', '=', f.vendor.vendor)
    .where('annotator', '=', f.assignment.annotator)
    .executeTakeFirst();
  if (!prior) return { kind: 'first' };
  if (prior.lease === f.assignment.lease && prior.device === f.device.id && prior.submitted_at === null && prior.skipped_at === null && prior.held_until > f.now) return { kind: 'again', prior };
  return { kind: 'denied', denial: deny('REPEAT_ITEM', `annotator ${f.assignment.annotator} already received item ${f.item.item} (lease ${prior.lease})`) };
}
