/**
 * Rule: the campaign is registered, has opened, and has neither closed nor
 * passed its end time. Codes: CAMPAIGN_UNKNOWN, CAMPAIGN_NOT_OPEN, CAMPAIGN_CLOSED.
 */
import { deny, type Denial } from '../reasons.js';
import type { ReleaseFacts } from './facts.js';

export function checkCampaignOpen(f: ReleaseFacts): Denial | undefined {
  const c = f.campaign;
  if (!c) return deny('CAMPAIGN_UNKNOWN', `campaign ${f.assignment.campaign} is not registered at this gatekeeper`);
  if (f.now < c.opens) return deny('CAMPAIGN_NOT_OPEN', `campaign ${c.campaign} opens at ${new Date(c.opens * 1000).toISOString()}`);
  if (c.closed_at !== null) return deny('CAMPAIGN_CLOSED', `campaign ${c.campaign} was closed by the lab`);
  if (f.now >= c.closes) return deny('CAMPAIGN_CLOSED', `campaign ${c.campaign} ended at ${new Date(c.closes * 1000).toISOString()}`);
  return undefined;
}
