/**
 * Rule: the request is signed by an enrolled device, names that device's
 * assignment, and is fresh (SPEC §7.1: |now − time| ≤ 60 s).
 * Codes: DEVICE_UNKNOWN, BAD_SIGNATURE, DEVICE_MISMATCH, STALE.
 *
 * Every refusal here is unproven (SPEC §7.3): an unknown device or a bad
 * signature proves no sender; a stale request may be an old one replayed by
 * whoever captured it; a request carrying another device's assignment has
 * not yet shown a hub signature. None of them may name anyone in the log.
 */
import type { Selectable } from 'kysely';
import { fromBase64Url } from '../../core/bytes.js';
import { KeyholeError } from '../../core/errors.js';
import { verifyReleaseRequest, type ReleaseRequest } from '../../core/release.js';
import type { DevicesTable } from '../db/tables.js';
import type { GatekeeperContext } from '../context.js';
import { refuseUnproven, type Denial } from '../reasons.js';

export async function checkRequestSignature(
  ctx: GatekeeperContext,
  request: ReleaseRequest,
  now: number,
): Promise<{ device: Selectable<DevicesTable> } | { denial: Denial }> {
  const device = await ctx.db.selectFrom('devices').selectAll().where('id', '=', request.body.device).executeTakeFirst();
  if (!device) return { denial: refuseUnproven('DEVICE_UNKNOWN', `device ${request.body.device} is not enrolled at this gatekeeper; the lab must import and approve it`) };
  try {
    await verifyReleaseRequest(ctx.p, request, { signing: fromBase64Url(device.signing_key), kex: fromBase64Url(device.kex_key) }, now);
  } catch (err) {
    if (!(err instanceof KeyholeError)) throw err;
    if (err.code === 'BAD_SIGNATURE') return { denial: refuseUnproven('BAD_SIGNATURE', 'the request is not signed by the device it names') };
    if (err.code === 'STALE') return { denial: refuseUnproven('STALE', `${err.message}; check the workstation's clock`) };
    if (err.code === 'MISMATCH') return { denial: refuseUnproven('DEVICE_MISMATCH', 'the assignment names another device than the one that signed the request') };
    throw err;
  }
  return { device };
}
