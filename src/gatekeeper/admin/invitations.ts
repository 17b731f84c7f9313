/**
 * What the lab's operators do with the roster and invitations through the
 * admin API (docs/GATEKEEPER.md §Enrollment), and the notice to the vendor's
 * hub once an invitation approved a device: the gatekeeper's approval is what
 * counts; the hub is told only so the annotator can take leases.
 */
import type { GatekeeperContext } from '../context.js';
import type { Redeemed } from '../invitations.js';
import type { HubNotice } from './hub-notice.js';
import { hubFor } from './hub-link.js';

/** The link the lab delivers: the workstation on the gatekeeper's origin, the code in the fragment (never sent to any server by the browser). */
export function invitationLink(gatekeeperUrl: string, code: string): string {
  return new URL(`workstation/#invite=${code}`, gatekeeperUrl.endsWith('/') ? gatekeeperUrl : `${gatekeeperUrl}/`).href;
}

/**
 * Tells the hub a redeemed invitation approved the device, if the hub lists it under the same
 * person; a hub that lists it under another is not told (the gatekeeper would refuse its leases anyway).
 */
export async function tellHubEnrolled(ctx: GatekeeperContext, r: Redeemed): Promise<HubNotice> {
  try {
    const hub = await hubFor(ctx, r.vendor);
    const listed = (await hub.devices()).find((d) => d.device === r.device);
    if (listed === undefined) return { told: false, problem: 'the hub does not list this device yet; register it there, then ask the lab to approve it again (keyhole device approve)' };
    if (listed.annotator !== r.annotator) return { told: false, problem: `the hub lists this device under another annotator than the invitation's` };
    await hub.decideDevice(r.device, 'approved');
    return { told: true };
  } catch (err) {
    return { told: false, problem: err instanceof Error ? err.message : String(err) };
  }
}
