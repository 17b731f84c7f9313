/**
 * Rule: the exposure budget (DESIGN §1.2): how many plaintext items a fully
 * compromised vendor could reach right now, per vendor and per campaign: the
 * releases still exposed (open-releases.ts), which no lease the vendor signs
 * can end before the campaign's minimum exposure window.
 * Codes: VENDOR_EXPOSURE, CAMPAIGN_EXPOSURE.
 */
import { deny, type Denial } from '../reasons.js';
import type { ItemFacts, Trx } from './facts.js';

export async function openExposure(trx: Pick<Trx, 'selectFrom'>, by: { vendor: string } | { campaign: string }, now: number): Promise<number> {
  let q = trx
    .selectFrom('releases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('exposed_until', '>', now);
  q = 'vendor' in by ? q.where('vendor', '=', by.vendor) : q.where('campaign', '=', by.campaign);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function checkExposureBudget(trx: Trx, f: ItemFacts): Promise<Denial | undefined> {
  const vendorOpen = await openExposure(trx, { vendor: f.vendor.vendor }, f.now);
  if (vendorOpen >= f.vendorNow.exposure_budget) return deny('VENDOR_EXPOSURE', `vendor ${f.vendor.vendor} has ${vendorOpen} items open, its exposure budget is ${f.vendorNow.exposure_budget}`);
  const campaignOpen = await openExposure(trx, { campaign: f.campaign.campaign }, f.now);
  if (campaignOpen >= f.campaign.exposure_budget) return deny('CAMPAIGN_EXPOSURE', `campaign ${f.campaign.campaign} has ${campaignOpen} items open, its exposure budget is ${f.campaign.exposure_budget}`);
  return undefined;
}
