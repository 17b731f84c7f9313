/**
 * Suspension of a device, an annotator or a whole vendor, by the lab (CLI)
 * or by a monitor (monitor-request.ts). A suspension takes effect in the
 * database first and is logged right after; reinstatement is logged first
 * (see the ordering rule in enrollment.ts). Every release checks these flags
 * inside its transaction, so no release decided after a suspension commits
 * can succeed.
 */
import { z } from 'zod';
import { fail } from '../core/errors.js';
import { Identifier, Sha256Hex, parseWith } from '../core/schema.js';
import type { LoggedRecord } from './audit-trail.js';
import { annotatorRef, deviceKeyHash, seconds, type GatekeeperContext } from './context.js';
import type { RecordInput } from './audit-trail.js';

export const SuspensionTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('vendor'), vendor: Identifier }).strict(),
  z.object({ kind: z.literal('annotator'), vendor: Identifier, annotator: Identifier }).strict(),
  z.object({ kind: z.literal('device'), device: Sha256Hex }).strict(),
]);
export type SuspensionTarget = z.infer<typeof SuspensionTarget>;

/** Who acted: "lab" or "monitor:<name>"; written into the record's reason. */
const Actor = z.string().regex(/^(lab|monitor:[A-Za-z0-9._-]{1,100})$/);

async function setSuspended(ctx: GatekeeperContext, t: SuspensionTarget, at: number | null): Promise<void> {
  let updated: bigint;
  if (t.kind === 'vendor') updated = (await ctx.db.updateTable('vendors').set({ suspended_at: at }).where('vendor', '=', t.vendor).executeTakeFirst()).numUpdatedRows;
  else if (t.kind === 'annotator') {
    const vendor = await ctx.db.selectFrom('vendors').select('vendor').where('vendor', '=', t.vendor).executeTakeFirst();
    if (!vendor) fail('NOT_FOUND', `vendor ${t.vendor} is not registered`);
    // An annotator can be suspended before any of their devices is imported.
    await ctx.db.insertInto('annotators').values({ vendor: t.vendor, annotator: t.annotator, suspended_at: at }).onConflict((oc) => oc.columns(['vendor', 'annotator']).doUpdateSet({ suspended_at: at })).execute();
    updated = 1n;
  } else updated = (await ctx.db.updateTable('devices').set({ suspended_at: at }).where('id', '=', t.device).executeTakeFirst()).numUpdatedRows;
  if (Number(updated) !== 1) fail('NOT_FOUND', `${describeTarget(t)} is not known to this gatekeeper`);
}

export function describeTarget(t: SuspensionTarget): string {
  if (t.kind === 'vendor') return `vendor ${t.vendor}`;
  if (t.kind === 'annotator') return `annotator ${t.vendor}:${t.annotator}`;
  return `device ${t.device}`;
}

async function recordFor(ctx: GatekeeperContext, t: SuspensionTarget, decision: 'allow' | 'deny', actor: string): Promise<RecordInput> {
  const verb = decision === 'deny' ? 'SUSPENDED' : 'REINSTATED';
  if (t.kind === 'vendor') return { kind: 'suspend', decision, reason: `${verb} vendor=${t.vendor} by=${actor}` };
  if (t.kind === 'annotator') return { kind: 'suspend', decision, annotator: annotatorRef(t.vendor, t.annotator), reason: `${verb} annotator by=${actor}` };
  const row = await ctx.db.selectFrom('devices').select(['vendor', 'annotator']).where('id', '=', t.device).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `device ${t.device} is not enrolled`);
  return { kind: 'suspend', decision, annotator: annotatorRef(row.vendor, row.annotator), deviceKeyHash: deviceKeyHash(t.device), reason: `${verb} device by=${actor}` };
}

export async function suspend(ctx: GatekeeperContext, target: SuspensionTarget, actor = 'lab'): Promise<LoggedRecord> {
  const t = parseWith(SuspensionTarget, target, 'suspension target');
  parseWith(Actor, actor, 'suspension actor');
  const record = await recordFor(ctx, t, 'deny', actor);
  await setSuspended(ctx, t, seconds(ctx.now()));
  return ctx.audit.append(record, ctx.now());
}

export async function reinstate(ctx: GatekeeperContext, target: SuspensionTarget, actor = 'lab'): Promise<LoggedRecord> {
  const t = parseWith(SuspensionTarget, target, 'suspension target');
  parseWith(Actor, actor, 'suspension actor');
  const logged = await ctx.audit.append(await recordFor(ctx, t, 'allow', actor), ctx.now());
  await setSuspended(ctx, t, null);
  return logged;
}
