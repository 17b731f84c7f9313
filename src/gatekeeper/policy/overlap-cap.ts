/**
 * Rule: at most `overlap` distinct annotators hold an item's key, counted by
 * the gatekeeper from its own releases, never from the hub. A release counts
 * once submitted (it is a label), or while it is held (open-releases.ts): a
 * lease the vendor lets lapse frees its place only after the campaign's
 * minimum exposure window, and a skip the device proved frees it at once, so
 * the item can go to the next annotator as the hub requeues it.
 * Code: OVERLAP_CAP.
 */
import { deny, type Denial } from '../reasons.js';
import type { ItemFacts, Trx } from './facts.js';

export async function checkOverlapCap(trx: Trx, f: ItemFacts): Promise<Denial | undefined> {
  const { n } = await trx
    .selectFrom('releases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('digest', '=', f.item.digest)
    .where((eb) => eb.or([eb('submitted_at', 'is not', null), eb('held_until', '>', f.now)]))
    .executeTakeFirstOrThrow();
  if (Number(n) < f.campaign.overlap) return undefined;
  return deny('OVERLAP_CAP', `item ${f.item.item} already went to ${n} annotators, the campaign's overlap is ${f.campaign.overlap}`);
}
