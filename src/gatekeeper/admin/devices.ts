/**
 * Device approval through the admin API (DESIGN §3 step 3): the lab's
 * operator sees the devices a vendor's annotators registered at the hub,
 * and approves or refuses each. The device's public keys are taken from the
 * hub's list but its id is recomputed from them here (importDevice), and the
 * gatekeeper's decision is what counts; the hub is told afterwards so the
 * annotator can take leases.
 */
import { fail } from '../../core/errors.js';
import { approveDevice, importDevice, refuseDevice } from '../enrollment.js';
import type { GatekeeperContext } from '../context.js';
import { hubFor } from './hub-link.js';

export interface DeviceView {
  readonly vendor: string;
  readonly device: string;
  readonly annotator: string;
  /** The hub's registration time, Unix seconds; null when only the gatekeeper knows the device. */
  readonly registered: number | null;
  /** The gatekeeper's state: pending (not yet decided here), approved, refused; `suspended` when suspended. */
  readonly state: string;
}

export async function listDevices(ctx: GatekeeperContext, vendor: string): Promise<DeviceView[]> {
  const atHub = await (await hubFor(ctx, vendor)).devices();
  const here = new Map(
    (await ctx.db.selectFrom('devices').select(['id', 'annotator', 'state', 'suspended_at']).where('vendor', '=', vendor).execute()).map((d) => [d.id, d]),
  );
  const out: DeviceView[] = atHub.map((d) => {
    const g = here.get(d.device);
    here.delete(d.device);
    return { vendor, device: d.device, annotator: d.annotator, registered: d.registered, state: g === undefined ? 'pending' : g.suspended_at !== null ? 'suspended' : g.state };
  });
  for (const g of here.values()) out.push({ vendor, device: g.id, annotator: g.annotator, registered: null, state: g.suspended_at !== null ? 'suspended' : g.state });
  return out;
}

export async function decideDevice(ctx: GatekeeperContext, vendor: string, device: string, decision: 'approve' | 'refuse'): Promise<{ logIndex: number }> {
  const hub = await hubFor(ctx, vendor);
  const d = (await hub.devices()).find((x) => x.device === device);
  if (d === undefined) fail('NOT_FOUND', `vendor ${vendor}'s hub lists no device ${device}`);
  const id = await importDevice(ctx, { vendor, annotator: d.annotator, signing: d.signing, kex: d.kex });
  if (id !== device) fail('MISMATCH', `the hub lists device ${device}, but its keys give id ${id}`);
  if (decision === 'refuse') {
    const logged = await refuseDevice(ctx, id);
    return { logIndex: logged.index };
  }
  const logged = await approveDevice(ctx, id);
  await hub.decideDevice(id, 'approved');
  return { logIndex: logged.index };
}
