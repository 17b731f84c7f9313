/**
 * Rule: the assignment is signed by the vendor's hub key configured at the
 * gatekeeper, is for this lab, and is current (SPEC §5).
 * Codes: VENDOR_UNKNOWN, ASSIGNMENT_INVALID, ASSIGNMENT_EXPIRED.
 *
 * An unknown hub or a signature that does not verify is unproven (SPEC §7.3):
 * anyone can write an assignment naming anyone. Once the hub's signature
 * verifies, the refusals (expired, not yet valid, another lab) are attributed.
 */
import type { Selectable } from 'kysely';
import { verifyAssignment, type Assignment } from '../../core/assignment.js';
import { fromBase64Url } from '../../core/bytes.js';
import { KeyholeError } from '../../core/errors.js';
import type { VendorsTable } from '../db/tables.js';
import type { GatekeeperContext } from '../context.js';
import { deny, refuseUnproven, type Denial } from '../reasons.js';

export async function checkAssignment(ctx: GatekeeperContext, assignment: Assignment, now: number): Promise<{ vendor: Selectable<VendorsTable> } | { denial: Denial }> {
  const a = assignment.body;
  const vendor = await ctx.db.selectFrom('vendors').selectAll().where('vendor', '=', a.hub).executeTakeFirst();
  if (!vendor) return { denial: refuseUnproven('VENDOR_UNKNOWN', `hub ${a.hub} is not a vendor of this gatekeeper`) };
  try {
    await verifyAssignment(ctx.p, fromBase64Url(vendor.hub_key), assignment, now);
  } catch (err) {
    if (!(err instanceof KeyholeError)) throw err;
    if (err.code === 'EXPIRED') return { denial: deny('ASSIGNMENT_EXPIRED', `${err.message}; ask the hub for a new lease`) };
    if (err.code === 'BAD_SIGNATURE') return { denial: refuseUnproven('ASSIGNMENT_INVALID', `assignment ${a.lease} is not signed by hub ${a.hub}'s key`) };
    if (err.code === 'NOT_YET_VALID') return { denial: deny('ASSIGNMENT_INVALID', err.message) };
    throw err;
  }
  if (a.lab !== ctx.lab) return { denial: deny('ASSIGNMENT_INVALID', `assignment ${a.lease} is for lab ${a.lab}, this gatekeeper serves ${ctx.lab}`) };
  return { vendor };
}
