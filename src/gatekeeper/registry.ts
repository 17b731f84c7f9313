/**
 * What the lab tells its gatekeeper before any release: vendors (hub id,
 * hub key, exposure budget), campaigns (window, overlap and the limits the
 * vendor must not see: pace, outstanding leases, exposure budget; SPEC §2.2),
 * and every sealed item (digest, batch, key slot, tripwire flag).
 *
 * A release finds its item by the assignment's digest in this registry, so
 * the gatekeeper never takes the wrapped DEK, the batch or the tripwire flag
 * from the hub.
 */
import { z } from 'zod';
import { constantTimeEqual, fromUtf8, toBase64Url } from '../core/bytes.js';
import { canonicalJson } from '../core/canonical-json.js';
import { fail } from '../core/errors.js';
import { Identifier, Sha256Hex, UnixTime, base64UrlBytes, parseJsonText, parseWith } from '../core/schema.js';
import { ItemHeader, unwrapDek, verifyItemHead, type ItemHead } from '../core/sealed-item.js';
import { policyHashField, seconds, type GatekeeperContext } from './context.js';
import { DEFAULT_MIN_EXPOSURE_SECONDS } from './policy/open-releases.js';

const Count = z.number().int().min(1).max(1_000_000_000);

export const CampaignSettings = z
  .object({
    campaign: Identifier,
    policy: Sha256Hex,
    opens: UnixTime,
    closes: UnixTime,
    overlap: z.number().int().min(1).max(16),
    pacePerMinute: Count,
    pacePerHour: Count,
    maxOutstanding: Count,
    exposureBudget: Count,
    /** A release counts as open at least this long whatever lease the vendor signs (policy/open-releases.ts); default 900. */
    minExposureSeconds: z.number().int().min(0).max(30 * 86_400).optional(),
  })
  .strict()
  .refine((c) => c.closes > c.opens, { message: 'closes must be after opens', path: ['closes'] });
export type CampaignSettings = z.infer<typeof CampaignSettings>;

export const VendorSettings = z.object({ vendor: Identifier, hubKey: base64UrlBytes(32), exposureBudget: Count }).strict();
export type VendorSettings = z.infer<typeof VendorSettings>;

/** Adds a vendor or updates its hub key and budget; logged as a policy record. */
export async function setVendor(ctx: GatekeeperContext, input: VendorSettings): Promise<void> {
  const v = parseWith(VendorSettings, input, 'vendor');
  await ctx.audit.append({ kind: 'policy', decision: 'none', reason: `VENDOR vendor=${v.vendor} budget=${v.exposureBudget}` }, ctx.now());
  await ctx.db
    .insertInto('vendors')
    .values({ vendor: v.vendor, hub_key: v.hubKey, exposure_budget: v.exposureBudget, suspended_at: null })
    .onConflict((oc) => oc.column('vendor').doUpdateSet({ hub_key: v.hubKey, exposure_budget: v.exposureBudget }))
    .execute();
}

/** Adds a campaign or updates its limits; logged as a policy record before it takes effect. */
export async function setCampaign(ctx: GatekeeperContext, input: CampaignSettings): Promise<void> {
  const c = parseWith(CampaignSettings, input, 'campaign');
  const minExposure = c.minExposureSeconds ?? DEFAULT_MIN_EXPOSURE_SECONDS;
  const reason = `CAMPAIGN overlap=${c.overlap} pace=${c.pacePerMinute}/min,${c.pacePerHour}/h outstanding=${c.maxOutstanding} budget=${c.exposureBudget} min-exposure=${minExposure}s window=${c.opens}-${c.closes}`;
  await ctx.audit.append({ kind: 'policy', decision: 'none', campaign: c.campaign, policyHash: policyHashField(c.policy), reason }, ctx.now());
  const row = {
    policy: c.policy,
    opens: c.opens,
    closes: c.closes,
    overlap: c.overlap,
    pace_per_minute: c.pacePerMinute,
    pace_per_hour: c.pacePerHour,
    max_outstanding: c.maxOutstanding,
    exposure_budget: c.exposureBudget,
    min_exposure_seconds: minExposure,
  };
  await ctx.db
    .insertInto('campaigns')
    .values({ campaign: c.campaign, ...row, closed_at: null })
    .onConflict((oc) => oc.column('campaign').doUpdateSet(row))
    .execute();
}

/** Closes a campaign: every later release for it is denied (CAMPAIGN_CLOSED). */
export async function closeCampaign(ctx: GatekeeperContext, campaign: string): Promise<void> {
  const updated = await ctx.db.updateTable('campaigns').set({ closed_at: seconds(ctx.now()) }).where('campaign', '=', campaign).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) fail('NOT_FOUND', `campaign ${campaign} is not registered`);
  await ctx.audit.append({ kind: 'policy', decision: 'none', campaign, reason: 'CAMPAIGN_CLOSED' }, ctx.now());
}

export interface RegisterItemOptions {
  /** An item no queue should ever hand out: any request for it is denied and alerted. */
  tripwire?: boolean;
}

/**
 * The lab's ingest calls this for every sealed item, with the head parsed by
 * `inspectItem`. It checks what the gatekeeper will rely on: the lab's
 * signature, that the item belongs to this lab, a registered campaign and a
 * live batch of that campaign, and that the slot really unwraps under the
 * batch's KEK. Registering the same item again is a no-op (ingest is
 * resumable); registering different content under a known digest is refused.
 */
export async function registerItem(ctx: GatekeeperContext, head: ItemHead, options: RegisterItemOptions = {}): Promise<void> {
  // Trust the bytes, not the parsed copy beside them: the digest and fields are recomputed from the signed header.
  const h = parseWith(ItemHeader, parseJsonText(fromUtf8(head.headerBytes, 'item header'), 'item header'), 'item header');
  if (!constantTimeEqual(await ctx.p.sha256(head.headerBytes), head.digest)) fail('MISMATCH', `item ${h.item}: digest is not SHA-256 of the header`);
  await verifyItemHead(ctx.p, head, ctx.labSigner.publicKey, seconds(ctx.now()), { lab: ctx.lab });
  const batch = await ctx.db.selectFrom('batches').select(['campaign', 'state']).where('batch', '=', h.batch).executeTakeFirst();
  if (!batch) fail('NOT_FOUND', `item ${h.item}: batch ${h.batch} was not created at this gatekeeper (createBatch first)`);
  if (batch.state !== 'live') fail('CONFLICT', `item ${h.item}: batch ${h.batch} is shredded`);
  if (batch.campaign !== h.campaign) fail('MISMATCH', `item ${h.item}: batch ${h.batch} belongs to campaign ${batch.campaign}, not ${h.campaign}`);
  const campaign = await ctx.db.selectFrom('campaigns').select('policy').where('campaign', '=', h.campaign).executeTakeFirst();
  if (!campaign) fail('NOT_FOUND', `item ${h.item}: campaign ${h.campaign} is not registered`);
  const kek = await ctx.keks.kek(head.slot.kek);
  const dek = await unwrapDek(ctx.p, kek, head);
  dek.fill(0);
  const digest = toBase64Url(head.digest);
  const slot = canonicalJson(head.slot);
  const existing = await ctx.db.selectFrom('items').selectAll().where('digest', '=', digest).executeTakeFirst();
  const tripwire = options.tripwire ? 1 : 0;
  if (existing) {
    if (existing.batch !== h.batch || existing.item !== h.item || existing.campaign !== h.campaign || existing.tripwire !== tripwire) {
      fail('CONFLICT', `item ${h.item}: already registered with other details under the same digest`);
    }
    return;
  }
  await ctx.db
    .insertInto('items')
    .values({ digest, lab: h.lab, campaign: h.campaign, batch: h.batch, item: h.item, slot, tripwire, registered_at: seconds(ctx.now()) })
    .execute();
}
