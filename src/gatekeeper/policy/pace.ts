/**
 * Rule: a human reads at human pace (issue 5: nobody labels 600 preference
 * pairs an hour). Releases to one annotator in this campaign in the last
 * minute and the last hour are capped by the campaign's limits.
 * Codes: PACE_MINUTE, PACE_HOUR.
 */
import { deny, type Denial } from '../reasons.js';
import type { ItemFacts, Trx } from './facts.js';

async function releasedSince(trx: Trx, f: ItemFacts, since: number): Promise<number> {
  const { n } = await trx
    .selectFrom('releases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('vendor', '=', f.vendor.vendor)
    .where('annotator', '=', f.assignment.annotator)
    .where('campaign', '=', f.campaign.campaign)
    .where('released_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function checkPace(trx: Trx, f: ItemFacts): Promise<Denial | undefined> {
  const lastMinute = await releasedSince(trx, f, f.now - 60);
  if (lastMinute >= f.campaign.pace_per_minute) return deny('PACE_MINUTE', `annotator ${f.assignment.annotator} received ${lastMinute} items in the last minute, the limit is ${f.campaign.pace_per_minute}`);
  const lastHour = await releasedSince(trx, f, f.now - 3600);
  if (lastHour >= f.campaign.pace_per_hour) return deny('PACE_HOUR', `annotator ${f.assignment.annotator} received ${lastHour} items in the last hour, the limit is ${f.campaign.pace_per_hour}`);
  return undefined;
}
