/**
 * Campaigns through the admin API (DESIGN §3, SPEC §2.2, §2.5): the lab's
 * limits go into the gatekeeper's registry (logged first), the lab signs the
 * public manifest with this gatekeeper's own address, log key, witnesses and
 * workstation bundle, and puts it on the vendor's hub. Doing it again replaces
 * both (e.g. new limits, a new gatekeeper address).
 */
import { z } from 'zod';
import { toBase64Url } from '../../core/bytes.js';
import { TaskType, signCampaignManifest, type CampaignManifest } from '../../core/campaign-manifest.js';
import { fail } from '../../core/errors.js';
import { Identifier, parseWith } from '../../core/schema.js';
import { seconds, type GatekeeperContext } from '../context.js';
import { CampaignSettings, closeCampaign, setCampaign } from '../registry.js';
import { shredBatch, type ShredResult } from '../shred.js';
import { hubFor } from './hub-link.js';

/** What this gatekeeper publishes about itself in every manifest it signs. */
export interface PublicFacts {
  /** The URL annotators reach the gatekeeper at (key release, log, workstation app). */
  readonly gatekeeperUrl: string;
  readonly logVkey: string;
  readonly witnesses: readonly string[];
  readonly quorum: number;
  /** SHA-256 hex of the workstation bundle the gatekeeper serves. */
  readonly workstation: string;
}

export const CampaignPlan = z
  .object({
    vendor: Identifier,
    title: z.string().min(1).max(200),
    task: TaskType,
    leaseSeconds: z.number().int().min(30).max(86_400),
    settings: CampaignSettings,
  })
  .strict();
export type CampaignPlan = z.infer<typeof CampaignPlan>;

export async function putCampaign(ctx: GatekeeperContext, input: CampaignPlan, facts: PublicFacts): Promise<CampaignManifest> {
  const plan = parseWith(CampaignPlan, input, 'campaign plan');
  const s = plan.settings;
  const hub = await hubFor(ctx, plan.vendor);
  await setCampaign(ctx, s);
  const resultKey = await ctx.secrets.resultKey(s.campaign, seconds(ctx.now()));
  const manifest = await signCampaignManifest(ctx.labSigner, {
    v: 1,
    lab: ctx.lab,
    campaign: s.campaign,
    title: plan.title,
    task: plan.task,
    policy: s.policy,
    resultKey: toBase64Url(resultKey.publicKey),
    overlap: s.overlap,
    leaseSeconds: plan.leaseSeconds,
    opens: s.opens,
    closes: s.closes,
    gatekeeper: facts.gatekeeperUrl,
    log: { vkey: facts.logVkey, witnesses: [...facts.witnesses], quorum: facts.quorum },
    workstation: facts.workstation,
  });
  await ctx.db.updateTable('campaigns').set({ vendor: plan.vendor, manifest: JSON.stringify(manifest) }).where('campaign', '=', s.campaign).execute();
  await hub.putCampaign(manifest);
  return manifest;
}

export interface CampaignSummary {
  readonly campaign: string;
  readonly vendor: string | null;
  readonly task: string | null;
  readonly policy: string;
  readonly opens: number;
  readonly closes: number;
  readonly closedAt: number | null;
  readonly items: number;
  readonly uploaded: number;
  readonly batches: ReadonlyArray<{ batch: string; state: string }>;
}

export async function listCampaigns(ctx: GatekeeperContext): Promise<CampaignSummary[]> {
  const rows = await ctx.db.selectFrom('campaigns').selectAll().orderBy('campaign').execute();
  const out: CampaignSummary[] = [];
  for (const r of rows) {
    const counts = await ctx.db
      .selectFrom('items')
      .select((eb) => [eb.fn.countAll<number>().as('items'), eb.fn.count<number>('uploaded_at').as('uploaded')])
      .where('campaign', '=', r.campaign)
      .executeTakeFirstOrThrow();
    const batches = await ctx.db.selectFrom('batches').select(['batch', 'state']).where('campaign', '=', r.campaign).orderBy('batch').execute();
    const task = r.manifest === null ? null : (JSON.parse(r.manifest) as CampaignManifest).body.task;
    out.push({ campaign: r.campaign, vendor: r.vendor, task, policy: r.policy, opens: r.opens, closes: r.closes, closedAt: r.closed_at, items: Number(counts.items), uploaded: Number(counts.uploaded), batches });
  }
  return out;
}

/** The signed manifest as last put on the hub: the lab's tools read the task and window from it. */
export async function campaignManifest(ctx: GatekeeperContext, campaign: string): Promise<CampaignManifest> {
  const row = await ctx.db.selectFrom('campaigns').select('manifest').where('campaign', '=', campaign).executeTakeFirst();
  if (row === undefined || row.manifest === null) fail('NOT_FOUND', `campaign ${campaign} has no manifest at this gatekeeper (keyhole campaign create)`);
  return JSON.parse(row.manifest) as CampaignManifest;
}

/** Closes a campaign (every later release denied) and, with `shred`, destroys every batch key it has. */
export async function endCampaign(ctx: GatekeeperContext, campaign: string, shred: boolean): Promise<ShredResult[]> {
  await closeCampaign(ctx, campaign);
  if (!shred) return [];
  const batches = await ctx.db.selectFrom('batches').select('batch').where('campaign', '=', campaign).orderBy('batch').execute();
  const receipts: ShredResult[] = [];
  for (const b of batches) receipts.push(await shredBatch(ctx, b.batch));
  return receipts;
}
