/**
 * The gatekeeper is the lab's one client of each vendor's hub: the lab's
 * signing key never leaves it, so campaign manifests, sealed items, device
 * decisions and submission pulls all go through here, signed with it. The
 * hub's id is the vendor id its assignments are signed under.
 */
import { fail } from '../../core/errors.js';
import { HubLabClient } from '../../lab/hub-lab-client.js';
import type { GatekeeperContext } from '../context.js';

export async function hubFor(ctx: GatekeeperContext, vendor: string): Promise<HubLabClient> {
  const row = await ctx.db.selectFrom('vendors').select(['hub_url']).where('vendor', '=', vendor).executeTakeFirst();
  if (row === undefined) fail('NOT_FOUND', `vendor ${vendor} is not registered at this gatekeeper (keyhole vendor add)`);
  if (row.hub_url === null) fail('NOT_FOUND', `vendor ${vendor} has no hub URL; set it with keyhole vendor add ${vendor} --hub-url URL`);
  return new HubLabClient(row.hub_url, vendor, ctx.lab, ctx.labSigner, ctx.p);
}

/** The vendor a campaign runs at, for operations that reach its hub. */
export async function campaignVendor(ctx: GatekeeperContext, campaign: string): Promise<string> {
  const row = await ctx.db.selectFrom('campaigns').select(['vendor']).where('campaign', '=', campaign).executeTakeFirst();
  if (row === undefined) fail('NOT_FOUND', `campaign ${campaign} is not registered at this gatekeeper (keyhole campaign create)`);
  if (row.vendor === null) fail('NOT_FOUND', `campaign ${campaign} names no vendor; create it again with --vendor`);
  return row.vendor;
}
