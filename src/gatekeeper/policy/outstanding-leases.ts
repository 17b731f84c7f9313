/**
 * Rule: an annotator holds at most `max_outstanding` items of the campaign at
 * once (one leased item at a time is the default the lab sets; DESIGN §1.2).
 * A release is held until the device proves it ended, or else for the later
 * of its lease and the campaign's minimum exposure window (open-releases.ts),
 * so leases the vendor signs to expire at once free nothing.
 * Code: OUTSTANDING_LEASES.
 */
import { deny, type Denial } from '../reasons.js';
import type { ItemFacts, Trx } from './facts.js';

export async function checkOutstandingLeases(trx: Trx, f: ItemFacts): Promise<Denial | undefined> {
  const { n } = await trx
    .selectFrom('releases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('vendor', '=', f.vendor.vendor)
    .where('annotator', '=', f.assignment.annotator)
    .where('campaign', '=', f.campaign.campaign)
    .where('held_until', '>', f.now)
    .executeTakeFirstOrThrow();
  if (Number(n) < f.campaign.max_outstanding) return undefined;
  return deny('OUTSTANDING_LEASES', `annotator ${f.assignment.annotator} holds ${n} unsubmitted items, the limit is ${f.campaign.max_outstanding}; submit or skip one first`);
}
