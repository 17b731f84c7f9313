/**
 * Opening a campaign (DESIGN §3, SPEC §2.2 and §2.5): the gatekeeper learns
 * the limits the vendor must not see (pace, outstanding leases, exposure
 * budget), the lab signs the public manifest (result key, log and witnesses,
 * workstation bundle hash) and puts it on the hub. Doing it again replaces
 * both, e.g. when the gatekeeper's address changed.
 */
import { toBase64Url } from '../core/bytes.js';
import { signCampaignManifest, type CampaignManifest, type TaskType } from '../core/campaign-manifest.js';
import type { GatekeeperContext } from '../gatekeeper/context.js';
import { seconds } from '../gatekeeper/context.js';
import { setCampaign } from '../gatekeeper/registry.js';
import type { HubLabClient } from './hub-lab-client.js';

export interface CampaignPlan {
  readonly campaign: string;
  readonly title: string;
  readonly task: TaskType;
  /** SHA-256 hex of the minimization policy (policyHash in ingest.ts). */
  readonly policy: string;
  readonly overlap: number;
  readonly leaseSeconds: number;
  readonly opens: number;
  readonly closes: number;
  /** The gatekeeper's URL as annotators reach it; it also serves the workstation app. */
  readonly gatekeeperUrl: string;
  /** The audit log's verifier key and the witnesses whose cosignatures workstations require. */
  readonly logVkey: string;
  readonly witnesses: readonly string[];
  readonly quorum: number;
  /** SHA-256 hex of the workstation bundle the gatekeeper serves. */
  readonly workstation: string;
  readonly pacePerMinute: number;
  readonly pacePerHour: number;
  readonly maxOutstanding: number;
  readonly exposureBudget: number;
}

export async function openCampaign(gk: GatekeeperContext, hub: HubLabClient, plan: CampaignPlan): Promise<CampaignManifest> {
  await setCampaign(gk, {
    campaign: plan.campaign,
    policy: plan.policy,
    overlap: plan.overlap,
    pacePerMinute: plan.pacePerMinute,
    pacePerHour: plan.pacePerHour,
    maxOutstanding: plan.maxOutstanding,
    exposureBudget: plan.exposureBudget,
    opens: plan.opens,
    closes: plan.closes,
  });
  const resultKey = await gk.secrets.resultKey(plan.campaign, seconds(gk.now()));
  const manifest = await signCampaignManifest(gk.labSigner, {
    v: 1,
    lab: gk.lab,
    campaign: plan.campaign,
    title: plan.title,
    task: plan.task,
    policy: plan.policy,
    resultKey: toBase64Url(resultKey.publicKey),
    overlap: plan.overlap,
    leaseSeconds: plan.leaseSeconds,
    opens: plan.opens,
    closes: plan.closes,
    gatekeeper: plan.gatekeeperUrl,
    log: { vkey: plan.logVkey, witnesses: [...plan.witnesses], quorum: plan.quorum },
    workstation: plan.workstation,
  });
  await hub.putCampaign(manifest);
  return manifest;
}
