/**
 * The per-campaign work queue. An annotator asks for work on one approved
 * device and gets one lease at a time, as an assignment signed with the hub's
 * key. The rules:
 *
 * - overlap: an item is held by at most `overlap` annotators at once, counting
 *   submitted leases and open ones (the item's `active` counter); a skipped
 *   lease frees its slot at once, an expired one when a later lease request
 *   reclaims it;
 * - never twice: an annotator gets an item at most once, whatever became of
 *   the first lease (also a unique index, so the database refuses it too);
 * - gold: after every `goldEvery` regular leases an annotator gets a gold item
 *   they have not seen; gold items have no overlap cap and look like any other;
 * - review: with review on, an item that reached its overlap goes to one
 *   reviewer (an annotator flagged as reviewer who has not worked on it).
 *
 * Concurrency (docs/HUB.md §Leases at scale). SQLite has one writer, so every
 * transaction below is serial there. On PostgreSQL several hub processes share
 * one schema and nothing campaign-wide is locked; each rule rests on a row:
 *
 * - a lease request locks the annotator's roster row (FOR UPDATE), so one
 *   annotator's requests in a lab are serial (one open lease, never twice,
 *   gold cadence), and holds its device decision and account rows FOR SHARE,
 *   so a suspension's UPDATE waits for it and the revocation that follows
 *   sees the lease it issued;
 * - it claims a slot by locking the item row with FOR UPDATE SKIP LOCKED:
 *   concurrent requests pass over items being claimed instead of queueing on
 *   them, and the locked row's status is re-checked, so `active` never passes
 *   the overlap. Only when that finds nothing does it wait on the locked rows,
 *   so "no item" is never answered while a slot is merely busy;
 * - renew, skip, submit, expiry and revocation lock the lease row, then its
 *   item row (always lease before item, items in id order: no deadlock).
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { signAssignment, type Assignment } from '../core/assignment.js';
import { toBase64Url } from '../core/bytes.js';
import { Sha256Hex, parseWith } from '../core/schema.js';
import type { HubTables, ItemStatus, LeaseStage, LeasesTable } from '../storage/hub-tables.js';
import type { Annotator } from './accounts.js';
import type { ServedBlob } from './blob-response.js';
import type { HubContext } from './hub-context.js';
import { refuse } from './hub-error.js';
import { requireActiveOnRoster } from './roster.js';

export const LeaseRequest = z.object({ device: Sha256Hex, stage: z.enum(['annotate', 'review']).default('annotate') }).strict();

/** Why an annotator skipped an item. A closed list: free text could carry what the annotator read. */
export const SKIP_REASONS = ['cannot-judge', 'harmful-content', 'broken-item', 'wrong-language', 'conflict-of-interest', 'other'] as const;
export const SkipRequest = z.object({ reason: z.enum(SKIP_REASONS) }).strict();

type Trx = Transaction<HubTables>;

export interface LeaseGrant {
  assignment: Assignment;
  stage: LeaseStage;
}

/** What the queue needs of a campaign: its rules, without parsing the manifest on every lease. */
interface QueueRules {
  lab: string;
  campaign: string;
  overlap: number;
  leaseSeconds: number;
  opens: number;
  closes: number;
  goldEvery: number;
  /** Some open lease of the campaign has run out as of `now` (asked with the rules, to save a round trip). */
  expiredDue: boolean;
}

async function queueRules(db: Kysely<HubTables> | Trx, lab: string, campaign: string, now: number): Promise<QueueRules> {
  const row = await db
    .selectFrom('campaigns as c')
    .select(['c.lab', 'c.campaign', 'c.overlap', 'c.lease_seconds', 'c.opens', 'c.closes', 'c.gold_every'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('leases as l')
            .select('l.id')
            .whereRef('l.lab', '=', 'c.lab')
            .whereRef('l.campaign', '=', 'c.campaign')
            .where('l.state', '=', 'open')
            .where('l.expires', '<=', now),
        )
        .as('expired_due'),
    )
    .where('c.lab', '=', lab)
    .where('c.campaign', '=', campaign)
    .executeTakeFirst();
  if (row === undefined) refuse('NOT_FOUND', `campaign ${campaign} of lab ${lab} does not exist on this hub`);
  return {
    lab: row.lab,
    campaign: row.campaign,
    overlap: row.overlap,
    leaseSeconds: row.lease_seconds,
    opens: row.opens,
    closes: row.closes,
    goldEvery: row.gold_every,
    // SQLite answers 0/1, PostgreSQL a boolean.
    expiredDue: Boolean(row.expired_due),
  };
}

function assertOpen(campaign: Pick<QueueRules, 'campaign' | 'opens' | 'closes'>, now: number): void {
  if (now < campaign.opens) refuse('CAMPAIGN_CLOSED', `campaign ${campaign.campaign} opens at ${new Date(campaign.opens * 1000).toISOString()}`);
  if (now >= campaign.closes) refuse('CAMPAIGN_CLOSED', `campaign ${campaign.campaign} closed at ${new Date(campaign.closes * 1000).toISOString()}`);
}

function isPostgres(ctx: Pick<HubContext, 'store'>): boolean {
  return ctx.store.dialect === 'postgres';
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

type Claim = 'none' | 'skip-locked' | 'wait';

/**
 * The first item (in id order) this annotator may take at this stage, or
 * undefined. Only items with a free slot have status open (or review), so the
 * scan passes over nothing but items this annotator has already seen. With a
 * claim (PostgreSQL) the returned item row stays locked until commit.
 */
async function nextItem(trx: Trx, c: QueueRules, annotator: string, stage: LeaseStage, gold: boolean, now: number, claim: Claim): Promise<Candidate | undefined> {
  let query = trx
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
    .limit(1);
  if (claim !== 'none') query = query.forUpdate('i');
  if (claim === 'skip-locked') query = query.skipLocked();
  return query.executeTakeFirst();
}

/** Claims a slot: skipping items other requests are claiming, and waiting on them only when nothing else is free. */
async function claimItem(trx: Trx, pg: boolean, c: QueueRules, annotator: string, stage: LeaseStage, gold: boolean, now: number): Promise<Candidate | undefined> {
  // Gold items have no cap, so taking one changes no item row and needs no claim.
  if (!pg || gold) return nextItem(trx, c, annotator, stage, gold, now, 'none');
  return (await nextItem(trx, c, annotator, stage, gold, now, 'skip-locked')) ?? nextItem(trx, c, annotator, stage, gold, now, 'wait');
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
  await itemRow(trx, lease)
    .set((eb) => ({
      active: eb('active', '+', 1),
      status: eb.case().when('active', '>=', overlap - 1).then('full').else(eb.ref('status')).end().$castTo<ItemStatus>(),
    }))
    .execute();
}

/** A skipped, expired or revoked lease gives its slot back. */
async function release(trx: Trx, lease: LeasesTable): Promise<void> {
  if (lease.gold === 1) return;
  if (lease.stage === 'review') {
    await itemRow(trx, lease).set({ status: 'review' }).where('status', '=', 'in-review').execute();
    return;
  }
  await itemRow(trx, lease)
    .set((eb) => ({
      active: eb('active', '-', 1),
      status: eb.case().when('status', '=', 'full').then('open').else(eb.ref('status')).end().$castTo<ItemStatus>(),
    }))
    .execute();
}

/** Expired open leases reclaimed per lease request: bounded work, the rest goes to the next requests. */
const RECLAIM_BATCH = 64;

/**
 * Marks open leases of the campaign that ran out as expired and frees their
 * slots, in a transaction of its own so that no lease request holds these
 * locks while it claims an item. Leases another process is reclaiming are
 * skipped; items are updated in id order.
 */
async function reclaimExpired(ctx: Pick<HubContext, 'store'>, c: QueueRules, now: number): Promise<void> {
  if (!c.expiredDue) return;
  await ctx.store.db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('leases')
      .selectAll()
      .where('lab', '=', c.lab)
      .where('campaign', '=', c.campaign)
      .where('state', '=', 'open')
      .where('expires', '<=', now)
      .orderBy('item')
      .limit(RECLAIM_BATCH);
    if (isPostgres(ctx)) query = query.forUpdate().skipLocked();
    for (const lease of await query.execute()) {
      await trx.updateTable('leases').set({ state: 'expired' }).where('id', '=', lease.id).execute();
      await release(trx, lease);
    }
  });
}

async function goldDue(trx: Trx, c: QueueRules, annotator: string): Promise<boolean> {
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

async function openLeaseOf(trx: Trx, c: QueueRules, annotator: string, now: number): Promise<LeasesTable | undefined> {
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

/**
 * Before the transaction, one query: the annotator works for the lab and is
 * not suspended by it, the device is theirs and the lab approves it. Refusals
 * say which, in that order.
 */
async function checkStanding(ctx: Pick<HubContext, 'store'>, lab: string, annotator: string, device: string): Promise<void> {
  const row = await ctx.store.db
    .selectFrom('roster as r')
    .leftJoin('devices as d', (j) => j.on('d.id', '=', device))
    .leftJoin('device_decisions as dd', (j) => j.onRef('dd.lab', '=', 'r.lab').on('dd.device', '=', device))
    .select(['r.suspended_at', 'd.annotator as owner', 'dd.state'])
    .where('r.lab', '=', lab)
    .where('r.annotator', '=', annotator)
    .executeTakeFirst();
  if (row === undefined) refuse('FORBIDDEN', `annotator ${annotator} does not work for lab ${lab}`);
  if (row.suspended_at !== null) refuse('SUSPENDED', `lab ${lab} has suspended annotator ${annotator}; ask the lab`);
  if (row.owner !== annotator) refuse('FORBIDDEN', `device ${device} is not registered to this annotator`);
  if (row.state !== 'approved') refuse('FORBIDDEN', `device ${device} is ${row.state ?? 'pending'} for lab ${lab}; the lab must approve it first`);
}

/**
 * Inside the lease transaction, again: the annotator is active on the lab's
 * roster and with the vendor, and the device is approved. On PostgreSQL the
 * rows stay locked (see the header) so a suspension cannot slip between this
 * check and the commit.
 */
async function holdStanding(trx: Trx, pg: boolean, lab: string, annotator: string, device: string): Promise<void> {
  let query = trx
    .selectFrom('roster as r')
    .innerJoin('annotators as a', 'a.id', 'r.annotator')
    .innerJoin('device_decisions as dd', (j) => j.onRef('dd.lab', '=', 'r.lab').on('dd.device', '=', device))
    .select(['r.suspended_at', 'a.suspended_at as account_suspended_at', 'dd.state'])
    .where('r.lab', '=', lab)
    .where('r.annotator', '=', annotator);
  if (pg) query = query.modifyEnd(sql`for update of r for share of a, dd`);
  const row = await query.executeTakeFirst();
  if (row === undefined || row.suspended_at !== null || row.account_suspended_at !== null || row.state !== 'approved') {
    refuse('SUSPENDED', `annotator ${annotator} or device ${device} was suspended for lab ${lab} just now; ask the lab`);
  }
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
  if (request.stage === 'review' && !annotator.reviewer) refuse('FORBIDDEN', `annotator ${annotator.id} is not a reviewer`);
  await checkStanding(ctx, lab, annotator.id, request.device);
  const started = ctx.clock();
  const c = await queueRules(ctx.store.db, lab, campaign, started);
  assertOpen(c, started);
  await reclaimExpired(ctx, c, started);
  const pg = isPostgres(ctx);

  const lease = await ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    // Again inside the transaction: a suspension that landed meanwhile has revoked what it saw, so issue nothing new.
    await holdStanding(trx, pg, lab, annotator.id, request.device);
    // A statement of its own, after the roster lock: joined into the locking query it would read the
    // leases as of before the wait and miss one a concurrent request just committed (READ COMMITTED).
    const held = await openLeaseOf(trx, c, annotator.id, now);
    if (held !== undefined) {
      if (held.device !== request.device) refuse('CONFLICT', `lease ${held.id} is open on another device; submit, skip or let it expire first`);
      return held;
    }
    let candidate: Candidate | undefined;
    if (request.stage === 'annotate' && (await goldDue(trx, c, annotator.id))) candidate = await claimItem(trx, pg, c, annotator.id, 'annotate', true, now);
    candidate ??= await claimItem(trx, pg, c, annotator.id, request.stage, false, now);
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

/** The lease row, locked until commit on PostgreSQL: renew, skip, submit and revocation of one lease are serial. */
export async function lockLease(ctx: Pick<HubContext, 'store'>, trx: Trx, lab: string, campaign: string, leaseId: string): Promise<LeasesTable | undefined> {
  let query = trx.selectFrom('leases').selectAll().where('id', '=', leaseId).where('lab', '=', lab).where('campaign', '=', campaign);
  if (isPostgres(ctx)) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Extends an open lease by the campaign's lease time (never past the campaign's close or the item's expiry). */
export async function renewLease(ctx: HubContext, annotator: Annotator, lab: string, campaign: string, leaseId: string): Promise<LeaseGrant> {
  await requireActiveOnRoster(ctx, lab, annotator.id);
  const c = await queueRules(ctx.store.db, lab, campaign, ctx.clock());
  const lease = await ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const held = ownOpenLease(await lockLease(ctx, trx, lab, campaign, leaseId), annotator.id, leaseId, now);
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
  await queueRules(ctx.store.db, lab, campaign, ctx.clock());
  await ctx.store.db.transaction().execute(async (trx) => {
    const held = ownOpenLease(await lockLease(ctx, trx, lab, campaign, leaseId), annotator.id, leaseId, ctx.clock());
    await trx.updateTable('leases').set({ state: 'skipped', skip_reason: reason }).where('id', '=', held.id).execute();
    await release(trx, held);
  });
  return { lease: leaseId, state: 'skipped' };
}

/**
 * The sealed item of an open lease: only its holder may fetch it, only while
 * the lease runs and the lab still approves the device (one query for lease,
 * item and device decision).
 */
export async function leasedItemBlob(ctx: HubContext, annotator: Annotator, lab: string, campaign: string, leaseId: string): Promise<ServedBlob> {
  await requireActiveOnRoster(ctx, lab, annotator.id);
  const row = await ctx.store.db
    .selectFrom('leases')
    .innerJoin('items', (j) => j.onRef('items.lab', '=', 'leases.lab').onRef('items.campaign', '=', 'leases.campaign').onRef('items.item', '=', 'leases.item'))
    .leftJoin('device_decisions', (j) => j.onRef('device_decisions.lab', '=', 'leases.lab').onRef('device_decisions.device', '=', 'leases.device'))
    .selectAll('leases')
    .select(['items.blob_key', 'items.size', 'device_decisions.state as device_state'])
    .where('leases.id', '=', leaseId)
    .where('leases.lab', '=', lab)
    .where('leases.campaign', '=', campaign)
    .executeTakeFirst();
  const held = ownOpenLease(row, annotator.id, leaseId, ctx.clock());
  if (held.device_state !== 'approved') refuse('FORBIDDEN', `device ${held.device} is no longer approved by lab ${lab}`);
  return { key: held.blob_key, size: held.size, digest: held.digest };
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
  return ctx.store.db.transaction().execute(async (trx) => {
    let open = trx.selectFrom('leases').selectAll().where('state', '=', 'open');
    if (holder.lab !== undefined) open = open.where('lab', '=', holder.lab);
    if (holder.annotator !== undefined) open = open.where('annotator', '=', holder.annotator);
    if (holder.device !== undefined) open = open.where('device', '=', holder.device);
    // All the leases first, then their items in id order: the lock order every other path keeps.
    open = open.orderBy('lab').orderBy('campaign').orderBy('item');
    if (isPostgres(ctx)) open = open.forUpdate();
    const leases = await open.execute();
    for (const lease of leases) {
      await trx.updateTable('leases').set({ state: 'revoked' }).where('id', '=', lease.id).execute();
      await release(trx, lease);
    }
    return leases.length;
  });
}
