/**
 * The annotator's task loop, shared by the browser app and the Node SDK:
 *
 *   lease (hub) → sealed item (hub) ∥ key release (gatekeeper, proof checked)
 *   → open (lab signature, assignment binding, expiry, key commitment, AEAD)
 *   → show → label → seal to the result key, sign with the device → submit
 *   → forget.
 *
 * The hub is untrusted: its assignment must name this device, lab and
 * campaign, and the sealed item must be the one the assignment names (by
 * digest), or nothing is shown. The DEK and the plaintext bytes are zeroed as
 * soon as they are used; what remains is the parsed item, which the caller
 * drops (see docs/WORKSTATION.md for what JavaScript can and cannot promise).
 */
import type { CampaignManifest } from '../core/campaign-manifest.js';
import { verifyCampaignManifest } from '../core/campaign-manifest.js';
import { fromBase64Url } from '../core/bytes.js';
import { KeyholeError } from '../core/errors.js';
import { sealLabel } from '../core/label.js';
import type { Primitives } from '../core/primitives.js';
import { signReleaseEnded } from '../core/release.js';
import { openItem } from '../core/sealed-item.js';
import type { DeviceKeys } from './device-keys.js';
import { WorkstationError } from './errors.js';
import type { GatekeeperClient } from './gatekeeper-client.js';
import type { HubClient, LeaseGrant, Receipt, SkipReason } from './hub-client.js';
import { parseItemContent, taskView, type TaskView } from './item-content.js';
import { encodeLabel, type LabelPlaintext } from '../core/label-plaintext.js';

export interface Workbench {
  p: Primitives;
  hub: HubClient;
  gatekeeper: GatekeeperClient;
  device: DeviceKeys;
  /** Unix seconds. */
  now(): number;
}

export interface Campaign {
  manifest: CampaignManifest;
  labKey: Uint8Array;
}

export interface OpenedItem {
  campaign: Campaign;
  grant: LeaseGrant;
  view: TaskView;
  /** Unix seconds when the lease ends. */
  expires: number;
}

/** The hub's campaigns whose manifests verify under their lab's key from the gatekeeper; the others are reported, not offered. */
export async function loadCampaigns(w: Workbench): Promise<{ campaigns: Campaign[]; refused: string[] }> {
  const campaigns: Campaign[] = [];
  const refused: string[] = [];
  for (const raw of await w.hub.campaigns()) {
    try {
      const labKey = await w.gatekeeper.labSigningKey(raw.body.lab);
      const manifest = await verifyCampaignManifest(w.p, labKey, raw.body.lab, raw);
      if (w.now() < manifest.body.closes) campaigns.push({ manifest, labKey });
    } catch (err) {
      if (err instanceof WorkstationError && err.kind === 'gatekeeper-unreachable') throw err;
      refused.push(`${raw.body.lab}/${raw.body.campaign}: ${(err as Error).message}`);
    }
  }
  return { campaigns, refused };
}

/** Takes (or resumes) this annotator's lease in the campaign and checks it is for this device and campaign. */
export async function takeLease(w: Workbench, campaign: Campaign): Promise<LeaseGrant> {
  const { lab, campaign: id } = campaign.manifest.body;
  const grant = await w.hub.lease(lab, id, w.device.id);
  const a = grant.assignment.body;
  if (a.lab !== lab || a.campaign !== id) throw new WorkstationError('refused', `The hub leased an item of ${a.lab}/${a.campaign}, not of this campaign; it was not opened.`);
  if (a.device !== w.device.id) throw new WorkstationError('refused', 'The hub leased the item to another device; it was not opened.');
  return grant;
}

function describeOpenFailure(err: unknown): never {
  if (err instanceof WorkstationError) throw err;
  if (err instanceof KeyholeError) {
    if (err.code === 'EXPIRED') throw new WorkstationError('lease-expired', `This item can no longer be opened: ${err.message}.`);
    throw new WorkstationError('item-invalid', `The item failed verification and was not shown (${err.code}: ${err.message}). Skip it as a broken item.`);
  }
  throw err;
}

/** Fetches the sealed item and its key, verifies both, and returns the view of the item for its task. */
export async function openLease(w: Workbench, campaign: Campaign, grant: LeaseGrant): Promise<OpenedItem> {
  const a = grant.assignment.body;
  if (w.now() >= a.expires) throw new WorkstationError('lease-expired', `Your lease on item ${a.item} ended at ${new Date(a.expires * 1000).toLocaleTimeString()}. It went back to the queue; take the next item.`);
  const [sealed, dek] = await Promise.all([
    w.hub.sealedItem(a.lab, a.campaign, a.lease),
    w.gatekeeper.releaseKey(grant.assignment, w.device, campaign.manifest),
  ]);
  let plaintext: Uint8Array | undefined;
  try {
    plaintext = await openItem(w.p, sealed, {
      labPublicKey: campaign.labKey,
      dek,
      now: w.now(),
      expect: { lab: a.lab, campaign: a.campaign, item: a.item, digest: fromBase64Url(a.digest) },
    });
    const view = taskView(campaign.manifest.body.task, parseItemContent(plaintext));
    return { campaign, grant, view, expires: a.expires };
  } catch (err) {
    return describeOpenFailure(err);
  } finally {
    dek.fill(0);
    plaintext?.fill(0);
  }
}

/** Seals the label to the campaign's result key, signs it with the device key, and submits it under the lease. */
export async function submitLabel(w: Workbench, item: Pick<OpenedItem, 'campaign' | 'grant'>, label: LabelPlaintext): Promise<Receipt> {
  const a = item.grant.assignment.body;
  const plaintext = encodeLabel(label);
  const sealed = await sealLabel(
    w.p,
    { v: 1, lab: a.lab, campaign: a.campaign, item: a.item, digest: a.digest, lease: a.lease, annotator: a.annotator, device: w.device.id, resultKey: item.campaign.manifest.body.resultKey },
    plaintext,
    w.device.signer,
  );
  plaintext.fill(0);
  const receipt = await w.hub.submit(a.lab, a.campaign, a.lease, sealed);
  // The receipt lowers the open exposure at the lab. The label is already safe at the hub, so a failure here is not the annotator's problem: the release then stays counted until its lease ends.
  await w.gatekeeper.recordSubmission(sealed).catch(() => undefined);
  return receipt;
}

/**
 * Skips the item: first the device-signed release-ended notice to the lab's
 * gatekeeper (SPEC §7.4), so the item's overlap place is free there before the
 * hub puts it back in the queue; then the skip at the hub. The notice is best
 * effort, like the submit receipt: if it fails (say, the key was never
 * released), the gatekeeper frees the place when the lease and the campaign's
 * minimum exposure window are over.
 */
export async function skipLease(w: Workbench, grant: LeaseGrant, reason: SkipReason): Promise<void> {
  const a = grant.assignment.body;
  const notice = await signReleaseEnded(w.p, w.device, grant.assignment, reason, w.now());
  await w.gatekeeper.recordSkip(notice).catch(() => undefined);
  await w.hub.skip(a.lab, a.campaign, a.lease, reason);
}

/** Extends the lease; the new assignment must be for the same lease, item and device. */
export async function renewLease(w: Workbench, grant: LeaseGrant): Promise<LeaseGrant> {
  const a = grant.assignment.body;
  const renewed = await w.hub.renew(a.lab, a.campaign, a.lease);
  const b = renewed.assignment.body;
  if (b.lease !== a.lease || b.digest !== a.digest || b.device !== a.device) throw new WorkstationError('refused', 'The hub renewed a different lease; the renewal was ignored.');
  return renewed;
}
