/**
 * Device approval from the lab's side (issue 5, DESIGN §3 step 3): the lab
 * reads the devices its rostered annotators registered at the hub, imports
 * their public keys at the gatekeeper, approves them there (logged), then
 * records the decision at the hub. The gatekeeper's approval is what counts;
 * the hub's copy only lets the annotator take leases.
 */
import { approveDevice, importDevice } from '../gatekeeper/enrollment.js';
import type { GatekeeperContext } from '../gatekeeper/context.js';
import type { HubLabClient } from './hub-lab-client.js';

/** Approves every pending device whose annotator `accept` admits; returns how many were approved. */
export async function approvePendingDevices(gk: GatekeeperContext, hub: HubLabClient, vendor: string, accept: (annotator: string) => boolean): Promise<number> {
  let approved = 0;
  for (const d of await hub.devices('pending')) {
    if (!accept(d.annotator)) continue;
    const id = await importDevice(gk, { vendor, annotator: d.annotator, signing: d.signing, kex: d.kex });
    const row = await gk.db.selectFrom('devices').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    if (row.state === 'pending') await approveDevice(gk, id);
    await hub.decideDevice(d.device, 'approved');
    approved++;
  }
  return approved;
}
