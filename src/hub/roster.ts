/**
 * An annotator's standing with one lab. The vendor staffs annotators on a
 * lab's roster (`keyhole hub roster-add`); the lab can suspend and reinstate
 * an annotator of its roster through its signed API (its gatekeeper does so
 * when the lab suspends someone), which affects that lab's work only, never
 * another tenant's. A suspended annotator gets no lease, renewal, item or
 * submission in the lab's campaigns and does not see them.
 */
import { z } from 'zod';
import type { AdminContext } from './hub-context.js';
import { refuse } from './hub-error.js';

export const RosterState = z.enum(['active', 'suspended']);
export type RosterState = z.infer<typeof RosterState>;
export const RosterDecision = z.object({ state: RosterState }).strict();
export type RosterDecision = z.infer<typeof RosterDecision>;

/** The annotator's standing with the lab, or undefined when not on its roster. */
export async function rosterState(ctx: Pick<AdminContext, 'store'>, lab: string, annotator: string): Promise<RosterState | undefined> {
  const row = await ctx.store.db.selectFrom('roster').select('suspended_at').where('lab', '=', lab).where('annotator', '=', annotator).executeTakeFirst();
  if (row === undefined) return undefined;
  return row.suspended_at === null ? 'active' : 'suspended';
}

/** Refuses unless the annotator is on the lab's roster and not suspended by it. */
export async function requireActiveOnRoster(ctx: Pick<AdminContext, 'store'>, lab: string, annotator: string): Promise<void> {
  const state = await rosterState(ctx, lab, annotator);
  if (state === undefined) refuse('FORBIDDEN', `annotator ${annotator} does not work for lab ${lab}`);
  if (state === 'suspended') refuse('SUSPENDED', `lab ${lab} has suspended annotator ${annotator}; ask the lab`);
}

/** Records the lab's decision; the caller ends the annotator's open leases in the lab on suspension. */
export async function setRosterState(ctx: Pick<AdminContext, 'store' | 'clock'>, lab: string, annotator: string, state: RosterState): Promise<void> {
  const result = await ctx.store.db
    .updateTable('roster')
    .set({ suspended_at: state === 'suspended' ? ctx.clock() : null })
    .where('lab', '=', lab)
    .where('annotator', '=', annotator)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) refuse('NOT_FOUND', `annotator ${annotator} is not on lab ${lab}'s roster`);
}
