/**
 * Labs (tenants) and their campaigns. A lab is registered by the vendor's
 * operator with the lab's Ed25519 public key, obtained out of band; from then
 * on everything the lab sends is checked against that key, and nothing of one
 * lab is visible to another. Campaigns exist only as manifests the lab signed.
 */
import { z } from 'zod';
import { fromBase64Url } from '../core/bytes.js';
import { canonicalJson } from '../core/canonical-json.js';
import { verifyCampaignManifest, type CampaignManifest } from '../core/campaign-manifest.js';
import { Identifier, base64UrlBytes, parseWith } from '../core/schema.js';
import type { CampaignsTable } from '../storage/hub-tables.js';
import type { AdminContext, HubContext } from './hub-context.js';
import { refuse } from './hub-error.js';

export const LabRegistration = z.object({ lab: Identifier, signingKey: base64UrlBytes(32) }).strict();
export type LabRegistration = z.infer<typeof LabRegistration>;

/** Vendor-side settings of a campaign's queue, set by the lab alongside its manifest. */
export const CampaignWorkflow = z
  .object({
    /** 0 mixes in no gold items; n gives each annotator a gold item after every n regular ones. */
    goldEvery: z.number().int().min(0).max(1000).default(0),
    /** When true, each item that reached its overlap is leased once more, to a reviewer. */
    review: z.boolean().default(false),
  })
  .strict();
export type CampaignWorkflow = z.infer<typeof CampaignWorkflow>;

export async function registerLab(ctx: AdminContext, input: unknown): Promise<LabRegistration> {
  const registration = parseWith(LabRegistration, input, 'lab registration');
  const existing = await ctx.store.db.selectFrom('labs').select('signing_key').where('lab', '=', registration.lab).executeTakeFirst();
  if (existing !== undefined) {
    if (existing.signing_key === registration.signingKey) return registration;
    refuse('CONFLICT', `lab ${registration.lab} is already registered with another signing key; key rotation is not supported yet`);
  }
  await ctx.store.db.insertInto('labs').values({ lab: registration.lab, signing_key: registration.signingKey, registered_at: ctx.clock() }).execute();
  return registration;
}

/** The lab's registered Ed25519 public key, or undefined for an unknown lab. */
export async function labSigningKey(ctx: HubContext, lab: string): Promise<Uint8Array | undefined> {
  const row = await ctx.store.db.selectFrom('labs').select('signing_key').where('lab', '=', lab).executeTakeFirst();
  return row === undefined ? undefined : fromBase64Url(row.signing_key);
}

async function requireLabKey(ctx: HubContext, lab: string): Promise<Uint8Array> {
  const key = await labSigningKey(ctx, lab);
  if (key === undefined) refuse('NOT_FOUND', `lab ${lab} is not registered on this hub`);
  return key;
}

/** Stores (or replaces) a campaign from its lab-signed manifest; a forged or foreign manifest changes nothing. */
export async function putCampaign(ctx: HubContext, lab: string, campaign: string, manifestInput: unknown, workflowInput: unknown): Promise<CampaignManifest> {
  const key = await requireLabKey(ctx, lab);
  const manifest = await verifyCampaignManifest(ctx.p, key, lab, manifestInput);
  if (manifest.body.campaign !== campaign) refuse('BAD_REQUEST', `campaign manifest is for campaign ${manifest.body.campaign}, not ${campaign}`);
  const workflow = parseWith(CampaignWorkflow, workflowInput ?? {}, 'campaign workflow');
  const row: CampaignsTable = {
    lab,
    campaign,
    manifest: canonicalJson(manifest),
    result_key: manifest.body.resultKey,
    overlap: manifest.body.overlap,
    lease_seconds: manifest.body.leaseSeconds,
    opens: manifest.body.opens,
    closes: manifest.body.closes,
    gold_every: workflow.goldEvery,
    review: workflow.review ? 1 : 0,
    updated_at: ctx.clock(),
  };
  const { lab: _lab, campaign: _campaign, ...changes } = row;
  await ctx.store.db
    .insertInto('campaigns')
    .values(row)
    .onConflict((oc) => oc.columns(['lab', 'campaign']).doUpdateSet(changes))
    .execute();
  return manifest;
}

export interface CampaignRecord {
  lab: string;
  campaign: string;
  manifest: CampaignManifest;
  resultKey: string;
  overlap: number;
  leaseSeconds: number;
  opens: number;
  closes: number;
  goldEvery: number;
  review: boolean;
}

export function campaignFromRow(row: CampaignsTable): CampaignRecord {
  return {
    lab: row.lab,
    campaign: row.campaign,
    manifest: JSON.parse(row.manifest) as CampaignManifest,
    resultKey: row.result_key,
    overlap: row.overlap,
    leaseSeconds: row.lease_seconds,
    opens: row.opens,
    closes: row.closes,
    goldEvery: row.gold_every,
    review: row.review === 1,
  };
}

export async function findCampaign(ctx: HubContext, lab: string, campaign: string): Promise<CampaignRecord> {
  const row = await ctx.store.db.selectFrom('campaigns').selectAll().where('lab', '=', lab).where('campaign', '=', campaign).executeTakeFirst();
  if (row === undefined) refuse('NOT_FOUND', `campaign ${campaign} of lab ${lab} does not exist on this hub`);
  return campaignFromRow(row);
}

/** Campaigns of the labs an annotator is staffed on that are open now, with their signed manifests. */
export async function campaignsForAnnotator(ctx: HubContext, annotator: string): Promise<CampaignManifest[]> {
  const now = ctx.clock();
  const rows = await ctx.store.db
    .selectFrom('campaigns')
    .innerJoin('roster', 'roster.lab', 'campaigns.lab')
    .select('campaigns.manifest')
    .where('roster.annotator', '=', annotator)
    .where('roster.suspended_at', 'is', null)
    .where('campaigns.opens', '<=', now)
    .where('campaigns.closes', '>', now)
    .orderBy('campaigns.lab')
    .orderBy('campaigns.campaign')
    .execute();
  return rows.map((r) => JSON.parse(r.manifest) as CampaignManifest);
}
