/**
 * The lab's roster (issue 17; docs/GATEKEEPER.md §Enrollment): per vendor,
 * the pseudonymous ids of the people the lab accepts on its campaigns. It is
 * the lab's own list, not the hub's: an invitation is issued only to a roster
 * entry, so an annotator a breached vendor mints is on no list the lab keeps.
 * Nothing but the pseudonym is stored (no name, no e-mail).
 *
 * Adding is a permission, so it is logged first; removing is a restriction,
 * so it takes effect first (enrollment.ts's ordering rule).
 */
import { fail } from '../core/errors.js';
import { Identifier, parseWith } from '../core/schema.js';
import { annotatorRef, seconds, type GatekeeperContext } from './context.js';

export interface RosterEntry {
  readonly vendor: string;
  readonly annotator: string;
  readonly addedAt: number;
  readonly addedBy: string;
}

async function requireVendor(ctx: GatekeeperContext, vendor: string): Promise<void> {
  const row = await ctx.db.selectFrom('vendors').select('vendor').where('vendor', '=', vendor).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `vendor ${vendor} is not registered at this gatekeeper (keyhole vendor add)`);
}

export async function addToRoster(ctx: GatekeeperContext, vendor: string, annotator: string, by: string): Promise<void> {
  parseWith(Identifier, vendor, 'vendor');
  parseWith(Identifier, annotator, 'annotator');
  await requireVendor(ctx, vendor);
  await ctx.audit.append({ kind: 'enroll', decision: 'none', annotator: annotatorRef(vendor, annotator), reason: `ROSTER_ADDED by=${by}` }, ctx.now());
  await ctx.db.insertInto('roster').values({ vendor, annotator, added_at: seconds(ctx.now()), added_by: by }).onConflict((oc) => oc.columns(['vendor', 'annotator']).doNothing()).execute();
}

export async function removeFromRoster(ctx: GatekeeperContext, vendor: string, annotator: string, by: string): Promise<void> {
  const removed = await ctx.db.deleteFrom('roster').where('vendor', '=', vendor).where('annotator', '=', annotator).executeTakeFirst();
  if (Number(removed.numDeletedRows) !== 1) fail('NOT_FOUND', `${annotator} is not on the lab's roster for ${vendor}`);
  await ctx.audit.append({ kind: 'enroll', decision: 'none', annotator: annotatorRef(vendor, annotator), reason: `ROSTER_REMOVED by=${by}` }, ctx.now());
}

export async function listRoster(ctx: GatekeeperContext, vendor: string): Promise<RosterEntry[]> {
  const rows = await ctx.db.selectFrom('roster').selectAll().where('vendor', '=', vendor).orderBy('annotator').execute();
  return rows.map((r) => ({ vendor: r.vendor, annotator: r.annotator, addedAt: Number(r.added_at), addedBy: r.added_by }));
}

export async function onRoster(ctx: GatekeeperContext, vendor: string, annotator: string): Promise<boolean> {
  return (await ctx.db.selectFrom('roster').select('annotator').where('vendor', '=', vendor).where('annotator', '=', annotator).executeTakeFirst()) !== undefined;
}
