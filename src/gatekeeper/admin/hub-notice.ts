/**
 * After the lab suspends or reinstates someone (suspension.ts; its own
 * effect comes first and is logged), the vendor's hub is told, so it ends
 * their open leases and sessions at once (docs/HUB.md §Suspension). The
 * gatekeeper's refusal does not depend on the hub listening: a hub that
 * ignores the notice still gets no key for that person or device.
 */
import type { GatekeeperContext } from '../context.js';
import type { SuspensionTarget } from '../suspension.js';
import { hubFor } from './hub-link.js';

export interface HubNotice {
  readonly told: boolean;
  /** Why the hub was not told (it is unreachable, or has no hub URL): the operator should follow up. */
  readonly problem?: string;
}

export async function tellHub(ctx: GatekeeperContext, target: SuspensionTarget, suspended: boolean): Promise<HubNotice> {
  try {
    if (target.kind === 'annotator') {
      await (await hubFor(ctx, target.vendor)).setAnnotatorState(target.annotator, suspended ? 'suspended' : 'active');
      return { told: true };
    }
    if (target.kind === 'device') {
      const row = await ctx.db.selectFrom('devices').select(['vendor', 'state']).where('id', '=', target.device).executeTakeFirst();
      if (row === undefined) return { told: false, problem: 'the device is not enrolled here' };
      // A reinstated device goes back to what the lab decided for it; only an approved one may take leases again.
      if (!suspended && row.state !== 'approved') return { told: false, problem: `the device is ${row.state} here, so the hub keeps it suspended` };
      await (await hubFor(ctx, row.vendor)).decideDevice(target.device, suspended ? 'suspended' : 'approved');
      return { told: true };
    }
    return { told: false, problem: 'a vendor suspension is enforced here; its hub is not asked to stop itself' };
  } catch (err) {
    return { told: false, problem: err instanceof Error ? err.message : String(err) };
  }
}
