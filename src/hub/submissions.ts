/**
 * Sealed labels. Before the hub accepts one it checks the device's signature
 * (verifyLabel) and that every binding field matches the open lease it is
 * submitted under: lab, campaign, item, digest, lease, annotator, device, and
 * the campaign's result key. Then, holding the lease's row (and then its
 * item's), it stores the label, closes the lease and advances the item (to review or done once the
 * overlap is reached). Submitting the same label again is answered with the
 * same receipt. The lab pulls labels in submission order.
 */
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { fromBase64Url } from '../core/bytes.js';
import { canonicalJson } from '../core/canonical-json.js';
import { parseWith } from '../core/schema.js';
import { SealedLabel, verifyLabel } from '../core/label.js';
import type { HubTables, LeaseStage } from '../storage/hub-tables.js';
import type { Annotator } from './accounts.js';
import type { HubContext } from './hub-context.js';
import { refuse } from './hub-error.js';
import { lockLease, ownOpenLease, requireApprovedForLab } from './lease-queue.js';
import { requireActiveOnRoster } from './roster.js';
import { findCampaign } from './tenancy.js';

export const SubmissionReceipt = z.object({ seq: z.number().int(), lease: z.string(), submitted: z.number().int() }).strict();
export type SubmissionReceipt = z.infer<typeof SubmissionReceipt>;

export const PulledSubmission = z
  .object({
    seq: z.number().int(),
    lease: z.string(),
    item: z.string(),
    annotator: z.string(),
    device: z.string(),
    stage: z.enum(['annotate', 'review']),
    submitted: z.number().int(),
    label: SealedLabel,
  })
  .strict();
export const SubmissionPage = z.object({ submissions: z.array(PulledSubmission), next: z.number().int().nullable() }).strict();
export const SubmissionQuery = z
  .object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(100) })
  .strict();

const BINDING_FIELDS = ['lab', 'campaign', 'item', 'digest', 'lease', 'annotator', 'device'] as const;

async function receiptOf(trx: Transaction<HubTables>, lease: string): Promise<{ receipt: SubmissionReceipt; label: string } | undefined> {
  const row = await trx.selectFrom('submissions').select(['seq', 'lease', 'submitted_at', 'label']).where('lease', '=', lease).executeTakeFirst();
  return row === undefined ? undefined : { receipt: { seq: row.seq, lease: row.lease, submitted: row.submitted_at }, label: row.label };
}

export async function submitLabel(ctx: HubContext, annotator: Annotator, lab: string, campaign: string, leaseId: string, input: unknown): Promise<SubmissionReceipt> {
  await requireActiveOnRoster(ctx, lab, annotator.id);
  const lease = await ctx.store.db.selectFrom('leases').selectAll().where('id', '=', leaseId).where('lab', '=', lab).where('campaign', '=', campaign).executeTakeFirst();
  if (lease === undefined || lease.annotator !== annotator.id) refuse('NOT_FOUND', `no lease ${leaseId} of yours in this campaign`);
  const device = await ctx.store.db.selectFrom('devices').select(['signing_key', 'kex_key']).where('id', '=', lease.device).executeTakeFirstOrThrow();
  const label = await verifyLabel(ctx.p, input, { signing: fromBase64Url(device.signing_key), kex: fromBase64Url(device.kex_key) });
  const bound: Record<(typeof BINDING_FIELDS)[number], string> = { ...lease, lease: lease.id };
  for (const field of BINDING_FIELDS) {
    if (label[field] !== bound[field]) refuse('BAD_REQUEST', `sealed label: ${field} is ${label[field]}, but lease ${leaseId} has ${bound[field]}`);
  }
  const c = await findCampaign(ctx, lab, campaign);
  if (label.resultKey !== c.resultKey) refuse('BAD_REQUEST', 'sealed label: sealed to another result key than the campaign manifest names');
  await requireApprovedForLab(ctx.store.db, lab, lease.device);
  const stored = canonicalJson(label);

  return ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const current = await lockLease(ctx, trx, lab, campaign, leaseId);
    if (current === undefined) refuse('NOT_FOUND', `no lease ${leaseId} of yours in this campaign`);
    if (current.state === 'submitted') {
      const earlier = await receiptOf(trx, leaseId);
      if (earlier !== undefined && earlier.label === stored) return earlier.receipt;
      refuse('CONFLICT', `lease ${leaseId} already has a different label`);
    }
    ownOpenLease(current, annotator.id, leaseId, now);
    const inserted = await trx
      .insertInto('submissions')
      .values({ lab, campaign, lease: leaseId, item: current.item, annotator: annotator.id, device: current.device, stage: current.stage, label: stored, submitted_at: now })
      .returning('seq')
      .executeTakeFirstOrThrow();
    await trx.updateTable('leases').set({ state: 'submitted' }).where('id', '=', leaseId).execute();
    await advanceItem(trx, lab, campaign, current.item, current.stage, current.gold === 1, c.overlap, c.review);
    return { seq: inserted.seq, lease: leaseId, submitted: now };
  });
}

/** Counts the submission on its item and moves the item on once it has what it needs. */
async function advanceItem(trx: Transaction<HubTables>, lab: string, campaign: string, item: string, stage: LeaseStage, gold: boolean, overlap: number, review: boolean): Promise<void> {
  const row = () => trx.updateTable('items').where('lab', '=', lab).where('campaign', '=', campaign).where('item', '=', item);
  if (stage === 'review') {
    await row().set({ status: 'done' }).execute();
    return;
  }
  const updated = await row().set((eb) => ({ submitted: eb('submitted', '+', 1) })).returning('submitted').executeTakeFirstOrThrow();
  // Gold items stay open: every annotator may get each one once.
  if (!gold && updated.submitted >= overlap) await row().set({ status: review ? 'review' : 'done' }).execute();
}

export async function pullSubmissions(ctx: HubContext, lab: string, campaign: string, input: unknown): Promise<z.infer<typeof SubmissionPage>> {
  const query = parseWith(SubmissionQuery, input, 'submissions query');
  await findCampaign(ctx, lab, campaign);
  const rows = await ctx.store.db
    .selectFrom('submissions')
    .selectAll()
    .where('lab', '=', lab)
    .where('campaign', '=', campaign)
    .where('seq', '>', query.after)
    .orderBy('seq')
    .limit(query.limit)
    .execute();
  return {
    submissions: rows.map((r) => ({
      seq: r.seq,
      lease: r.lease,
      item: r.item,
      annotator: r.annotator,
      device: r.device,
      stage: r.stage,
      submitted: r.submitted_at,
      label: JSON.parse(r.label) as SealedLabel,
    })),
    next: rows.length === query.limit ? rows[rows.length - 1]!.seq : null,
  };
}
