/**
 * Rule: at most `overlap` distinct annotators hold an item's key, counted by
 * the gatekeeper from its own releases, never from the hub. A release counts
 * once submitted, or while its lease runs; a lease that lapsed unsubmitted
 * frees its place so the hub can reassign the item. Code: OVERLAP_CAP.
 */
import { deny, type Denial } from '../reasons.js';
import type { ItemFacts, Trx } from './facts.js';

export async function checkOverlapCap(trx: Trx, f: ItemFacts): Promise<Denial | undefined> {
  const { n } = await trx
    .selectFrom('releases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('digest', '=', f.item.digest)
    .where((eb) => eb.or([eb('submitted_at', 'is not', null), eb('lease_expires', '>', f.now)]))
    .executeTakeFirstOrThrow();
  if (Number(n) < f.campaign.overlap) return undefined;
  return deny('OVERLAP_CAP', `item ${f.item.item} already went to ${n} annotators, the campaign's overlap is ${f.campaign.overlap}`);
}
