/**
 * Rule: an annotator gets an item's key under one lease only. A second
 * request under the same open lease from the same device (a reloaded
 * workstation) is a re-release: allowed, and it adds no exposure. Any other
 * repeat (new lease, another device, after submitting) is denied.
 * Code: REPEAT_ITEM.
 */
import { deny, type Denial } from '../reasons.js';
import type { ItemFacts, Trx } from './facts.js';

export type RepeatCheck = { kind: 'first' } | { kind: 'again'; id: string } | { kind: 'denied'; denial: Denial };

export async function checkRepeat(trx: Trx, f: ItemFacts): Promise<RepeatCheck> {
  const prior = await trx
    .selectFrom('releases')
    .select(['id', 'lease', 'device', 'submitted_at', 'lease_expires'])
    .where('digest', '=', f.item.digest)
    .where('vendor', '=', f.vendor.vendor)
    .where('annotator', '=', f.assignment.annotator)
    .executeTakeFirst();
  if (!prior) return { kind: 'first' };
  if (prior.lease === f.assignment.lease && prior.device === f.device.id && prior.submitted_at === null && prior.lease_expires > f.now) return { kind: 'again', id: prior.id };
  return { kind: 'denied', denial: deny('REPEAT_ITEM', `annotator ${f.assignment.annotator} already received item ${f.item.item} (lease ${prior.lease})`) };
}
