/**
 * The per-campaign work queue. An annotator asks for work on one approved
 * device and gets one lease at a time, as an assignment signed with the hub's
 * key. The rules, each enforced inside a transaction that holds the
 * campaign's lock (a row lock on PostgreSQL; SQLite has one writer):
 *
 * - overlap: an item is held by at most `overlap` annotators at once, counting
 *   submitted leases and open ones (the item's `active` counter); a skipped
 *   lease frees its slot at once, an expired one when the next lease request
 *   reclaims it;
 * - never twice: an annotator gets an item at most once, whatever became of
 *   the first lease (also a unique index, so the database refuses it too);
 * - gold: after every `goldEvery` regular leases an annotator gets a gold item
 *   they have not seen; gold items have no overlap cap and look like any other;
 * - review: with review on, an item that reached its overlap goes to one
 *   reviewer (an annotator flagged as reviewer who has not worked on it).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { signAssignment, type Assignment } from '../core/assignment.js';
import { toBase64Url } from '../core/bytes.js';
import { Sha256Hex, parseWith } from '../core/schema.js';
import type { HubTables, LeaseStage, LeasesTable } from '../storage/hub-tables.js';
import type { Annotator } from './accounts.js';
import { approvedDevice } from './devices.js';
import type { HubContext } from './hub-context.js';
import { refuse } from './hub-error.js';
import { requireActiveOnRoster } from './roster.js';
import { campaignFromRow, type CampaignRecord } from './tenancy.js';

export const LeaseRequest = z.object({ device: Sha256Hex, stage: z.enum(['annotate', 'review']).default('annotate') }).strict();

/** Why an annotator skipped an item. A closed list: free text could carry what the annotator read. */
export const SKIP_REASONS = ['cannot-judge', 'harmful-content', 'broken-item', 'wrong-language', 'conflict-of-interest', 'other'] as const;
export const SkipRequest = z.object({ reason: z.enum(SKIP_REASONS) }).strict();

type Trx = Transaction<HubTables>;

export interface LeaseGrant {
  assignment: Assignment;
  stage: LeaseStage;
}

/** Runs `work` holding the campaign's lock, so concurrent lease decisions on one campaign are serial. */
export async function withCampaignLock<T>(ctx: Pick<HubContext, 'store'>, lab: string, campaign: string, work: (trx: Trx, campaign: CampaignRecord) => Promise<T>): Promise<T> {
  return ctx.store.db.transaction().execute(async (trx) => {
    let query = trx.selectFrom('campaigns').selectAll().where('lab', '=', lab).where('campaign', '=', campaign);
    if (ctx.store.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (row === undefined) refuse('NOT_FOUND', `campaign ${campaign} of lab ${lab} does not exist on this hub`);
    return work(trx, campaignFromRow(row));
  });
}

function assertOpen(campaign: CampaignRecord, now: number): void {
  if (now < campaign.opens) refuse('CAMPAIGN_CLOSED', `campaign ${campaign.campaign} opens at ${new Date(campaign.opens * 1000).toISOString()}`);
  if (now >= campaign.closes) refuse('CAMPAIGN_CLOSED', `campaign ${campaign.campaign} closed at ${new Date(campaign.closes * 1000).toISOString()}`);
}

async function sign(ctx: HubContext, lease: LeasesTable): Promise<LeaseGrant> {
  const assignment = await signAssignment(ctx.identity.signer, {
    v: 1,
    hub: ctx.identity.id,
    lab: lease.lab,
    campaign: lease.campaign,
    item: lease.item,
    digest: lease.digest,
    lease: lease.id,
    annotator: lease.annotator,
    device: lease.device,
    issued: lease.issued,
    expires: lease.expires,
  });
  return { assignment, stage: lease.stage };
}

interface Candidate {
  item: string;
  digest: string;
  gold: number;
  expires: number;
}

/**
 * The first item (in id order) this annotator may take at this stage, or
 * undefined. Only items with a free slot have status open (or review), so the
 * scan passes over nothing but items this annotator has already seen.
 */
async function nextItem(trx: Trx, c: CampaignRecord, annotator: string, stage: LeaseStage, gold: boolean, now: number): Promise<Candidate | undefined> {
  return trx
    .selectFrom('items as i')
    .select(['i.item', 'i.digest', 'i.gold', 'i.expires'])
    .where('i.lab', '=', c.lab)
    .where('i.campaign', '=', c.campaign)
    .where('i.status', '=', stage === 'review' ? 'review' : 'open')
    .where('i.gold', '=', gold ? 1 : 0)
    .where('i.expires', '>', now)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('leases as mine')
            .select('mine.id')
            .whereRef('mine.lab', '=', 'i.lab')
            .whereRef('mine.campaign', '=', 'i.campaign')
            .whereRef('mine.item', '=', 'i.item')
            .where('mine.annotator', '=', annotator),
        ),
      ),
    )
    .orderBy('i.item')
    .limit(1)
    .executeTakeFirst();
}

function itemRow(trx: Trx, lease: Pick<LeasesTable, 'lab' | 'campaign' | 'item'>) {
  return trx.updateTable('items').where('lab', '=', lease.lab).where('campaign', '=', lease.campaign).where('item', '=', lease.item);
}

/** A new lease takes its item's slot: the overlap counter for annotation, the single review slot for review. */
async function occupy(trx: Trx, lease: LeasesTable, overlap: number): Promise<void> {
  if (lease.gold === 1) return;
  if (lease.stage === 'review') {
    await itemRow(trx, lease).set({ status: 'in-review' }).execute();
    return;
  }
  const { active } = await itemRow(trx, lease).set((eb) => ({ active: eb('active', '+', 1) })).returning('active').executeTakeFirstOrThrow();
  if (active >= overlap) await itemRow(trx, lease).set({ status: 'full' }).where('status', '=', 'open').execute();
}

/** A skipped or expired lease gives its slot back. */
async function release(trx: Trx, lease: LeasesTable): Promise<void> {
  if (lease.gold === 1) return;
  if (lease.stage === 'review') {
    await itemRow(trx, lease).set({ status: 'review' }).where('status', '=', 'in-review').execute();
    return;
  }
  await itemRow(trx, lease).set((eb) => ({ active: eb('active', '-', 1) })).execute();
  await itemRow(trx, lease).set({ status: 'open' }).where('status', '=', 'full').execute();
}

/** Marks the campaign's open leases that ran out as expired and frees their slots. Runs under the campaign lock. */
async function reclaimExpired(trx: Trx, c: CampaignRecord, now: number): Promise<void> {
  const expired = await trx.selectFrom('leases').selectAll().where('lab', '=', c.lab).where('campaign', '=', c.campaign).where('state', '=', 'open').where('expires', '<=', now).execute();
  for (const lease of expired) {
    await trx.updateTable('leases').set({ state: 'expired' }).where('id', '=', lease.id).execute();
    await release(trx, lease);
  }
}

async function goldDue(trx: Trx, c: CampaignRecord, annotator: string): Promise<boolean> {
  if (c.goldEvery === 0) return false;
  const row = await trx
    .selectFrom('leases')
    .select((f) => f.fn.countAll<number>().as('n'))
    .where('annotator', '=', annotator)
    .where('lab', '=', c.lab)
    .where('campaign', '=', c.campaign)
    .where('stage', '=', 'annotate')
    .executeTakeFirstOrThrow();
  return (Number(row.n) + 1) % (c.goldEvery + 1) === 0;
}

async function openLeaseOf(trx: Trx, c: CampaignRecord, annotator: string, now: number): Promise<LeasesTable | undefined> {
  return trx
    .selectFrom('leases')
    .selectAll()
    .where('annotator', '=', annotator)
    .where('lab', '=', c.lab)
    .where('campaign', '=', c.campaign)
    .where('state', '=', 'open')
    .where('expires', '>', now)
    .executeTakeFirst();
}

function newLeaseId(): string {
  return `ls-${toBase64Url(randomBytes(16))}`;
}

/**
 * Leases the next item to the annotator, or returns the lease they already
 * hold in this campaign (asking twice is harmless: one item at a time).
 */
export async function requestLease(ctx: HubContext, annotator: Annotator, lab: string, campaign: string, input: unknown): Promise<LeaseGrant> {
  const request = parseWith(LeaseRequest, input, 'lease request');
  await requireActiveOnRoster(ctx, lab, annotator.id);
  if (request.stage === 'review' && !annotator.reviewer) refuse('FORBIDDEN', `annotator ${annotator.id} is not a reviewer`);
  await approvedDevice(ctx, lab, annotator.id, request.device);

  const lease = await withCampaignLock(ctx, lab, campaign, async (trx, c) => {
    const now = ctx.clock();
    assertOpen(c, now);
    // Again under the lock: a suspension that lands meanwhile has revoked what it saw, so issue nothing new.
    await requireApprovedForLab(trx, lab, request.device);
    await reclaimExpired(trx, c, now);
    const held = await openLeaseOf(trx, c, annotator.id, now);
    if (held !== undefined) {
      if (held.device !== request.device) refuse('CONFLICT', `lease ${held.id} is open on another device; submit, skip or let it expire first`);
      return held;
    }
    let candidate: Candidate | undefined;
    if (request.stage === 'annotate' && (await goldDue(trx, c, annotator.id))) candidate = await nextItem(trx, c, annotator.id, 'annotate', true, now);
    candidate ??= await nextItem(trx, c, annotator.id, request.stage, false, now);
    if (candidate === undefined) refuse('NO_ITEM_AVAILABLE', `no item of campaign ${campaign} is available to annotator ${annotator.id} for ${request.stage} right now`);
    const row: LeasesTable = {
      id: newLeaseId(),
      lab,
      campaign,
      item: candidate.item,
      digest: candidate.digest,
      annotator: annotator.id,
      device: request.device,
      stage: request.stage,
      state: 'open',
      gold: candidate.gold,
      issued: now,
      expires: Math.min(now + c.leaseSeconds, c.closes, candidate.expires),
      skip_reason: null,
    };
    await trx.insertInto('leases').values(row).execute();
    await occupy(trx, row, c.overlap);
    return row;
  });
  return sign(ctx, lease);
}

/** The lease if it is this annotator's, in this campaign, open and unexpired; otherwise a refusal saying which. */
export function ownOpenLease<L extends LeasesTable>(lease: L | undefined, annotator: string, leaseId: string, now: number): L {
  // Another annotator's lease is reported as unknown, so lease ids cannot be probed.
  if (lease === undefined || lease.annotator !== annotator) refuse('NOT_FOUND', `no lease ${leaseId} of yours in this campaign`);
  if (lease.state !== 'open') refuse('LEASE_NOT_OPEN', `lease ${leaseId} is already ${lease.state}`);
  if (now >= lease.expires) refuse('LEASE_NOT_OPEN', `lease ${leaseId} expired at ${new Date(lease.expires * 1000).toISOString()}`);
  return lease;
}

async function leaseInCampaign(trx: Trx, c: CampaignRecord, leaseId: string): Promise<LeasesTable | undefined> {
  return trx.selectFrom('leases').selectAll().where('id', '=', leaseId).where('lab', '=', c.lab).where('campaign', '=', c.campaign).executeTakeFirst();
}

/** Extends an open lease by the campaign's lease time (never past the campaign's close or the item's expiry). */
export async function renewLease(ctx: HubContext, annotator: Annotator, lab: string, campaign: string, leaseId: string): Promise<LeaseGrant> {
  await requireActiveOnRoster(ctx, lab, annotator.id);
  const lease = await withCampaignLock(ctx, lab, campaign, async (trx, c) => {
    const now = ctx.clock();
    const held = ownOpenLease(await leaseInCampaign(trx, c, leaseId), annotator.id, leaseId, now);
    await requireApprovedForLab(trx, lab, held.device);
    assertOpen(c, now);
    const item = await trx.selectFrom('items').select('expires').where('lab', '=', lab).where('campaign', '=', campaign).where('item', '=', held.item).executeTakeFirstOrThrow();
    const expires = Math.min(now + c.leaseSeconds, c.closes, item.expires);
    await trx.updateTable('leases').set({ issued: now, expires }).where('id', '=', held.id).execute();
    return { ...held, issued: now, expires };
  });
  return sign(ctx, lease);
}

export async function skipLease(ctx: HubContext, annotator: Annotator, lab: string, campaign: string, leaseId: string, input: unknown): Promise<{ lease: string; state: 'skipped' }> {
  const { reason } = parseWith(SkipRequest, input, 'skip');
  await withCampaignLock(ctx, lab, campaign, async (trx, c) => {
    const held = ownOpenLease(await leaseInCampaign(trx, c, leaseId), annotator.id, leaseId, ctx.clock());
    await trx.updateTable('leases').set({ state: 'skipped', skip_reason: reason }).where('id', '=', held.id).execute();
    await release(trx, held);
  });
  return { lease: leaseId, state: 'skipped' };
}

/** The sealed item of an open lease: only its holder may fetch it, and only while the lease runs. */
export async function fetchLeasedItem(ctx: HubContext, annotator: Annotator, lab: string, campaign: string, leaseId: string): Promise<Uint8Array> {
  await requireActiveOnRoster(ctx, lab, annotator.id);
  const row = await ctx.store.db
    .selectFrom('leases')
    .innerJoin('items', (j) => j.onRef('items.lab', '=', 'leases.lab').onRef('items.campaign', '=', 'leases.campaign').onRef('items.item', '=', 'leases.item'))
    .selectAll('leases')
    .select('items.blob_key')
    .where('leases.id', '=', leaseId)
    .where('leases.lab', '=', lab)
    .where('leases.campaign', '=', campaign)
    .executeTakeFirst();
  const held = ownOpenLease(row, annotator.id, leaseId, ctx.clock());
  await requireApprovedForLab(ctx.store.db, lab, held.device);
  const bytes = await ctx.blobs.get(held.blob_key);
  if (bytes === undefined) refuse('INTERNAL', `the sealed item of lease ${leaseId} is missing from the blob store`);
  return bytes;
}

/**
 * A lease is only worked on a device the lab still approves: checked again at
 * renewal, item fetch and submission, beside the revocation that suspension
 * triggers, so a suspension racing with a request still wins.
 */
export async function requireApprovedForLab(db: Kysely<HubTables> | Trx, lab: string, device: string): Promise<void> {
  const decision = await db.selectFrom('device_decisions').select('state').where('lab', '=', lab).where('device', '=', device).executeTakeFirst();
  if (decision?.state !== 'approved') refuse('FORBIDDEN', `device ${device} is no longer approved by lab ${lab}`);
}

export interface LeaseHolder {
  lab?: string;
  annotator?: string;
  device?: string;
}

/**
 * Ends at once every open lease held by `holder` (an annotator or a device,
 * optionally in one lab): state `revoked`, its slot given back. Called when
 * the vendor or a lab suspends an annotator, or a lab suspends a device (issue
 * 14 finding 5: a suspended device kept its lease, renewed it and fetched its
 * item). Returns how many leases ended.
 */
export async function revokeOpenLeases(ctx: Pick<HubContext, 'store'>, holder: LeaseHolder): Promise<number> {
  let query = ctx.store.db.selectFrom('leases').select(['lab', 'campaign']).distinct().where('state', '=', 'open');
  if (holder.lab !== undefined) query = query.where('lab', '=', holder.lab);
  if (holder.annotator !== undefined) query = query.where('annotator', '=', holder.annotator);
  if (holder.device !== undefined) query = query.where('device', '=', holder.device);
  let revoked = 0;
  for (const { lab, campaign } of await query.execute()) {
    revoked += await withCampaignLock(ctx, lab, campaign, async (trx) => {
      let open = trx.selectFrom('leases').selectAll().where('lab', '=', lab).where('campaign', '=', campaign).where('state', '=', 'open');
      if (holder.annotator !== undefined) open = open.where('annotator', '=', holder.annotator);
      if (holder.device !== undefined) open = open.where('device', '=', holder.device);
      const leases = await open.execute();
      for (const lease of leases) {
        await trx.updateTable('leases').set({ state: 'revoked' }).where('id', '=', lease.id).execute();
        await release(trx, lease);
      }
      return leases.length;
    });
  }
  return revoked;
}
