/**
 * Every endpoint of the hub. Annotator endpoints take a session (bearer
 * token); lab endpoints take a request signed by the lab's key; the rest are
 * public. No request or response field can carry a DEK, a KEK, a private key
 * or plaintext: items and labels travel sealed, keys only as public keys.
 */
import { z } from 'zod';
import { toBase64Url } from '../core/bytes.js';
import { Assignment } from '../core/assignment.js';
import { CampaignManifest } from '../core/campaign-manifest.js';
import { SealedLabel } from '../core/label.js';
import { Identifier, Sha256Hex } from '../core/schema.js';
import { Credentials, login, revokeSession } from './accounts.js';
import { DeviceDecision, DeviceRegistration, DeviceState, LabDeviceView, decideDevice, devicesForLab, registerDevice } from './devices.js';
import type { HubContext } from './hub-context.js';
import { MissingQuery, UploadBatch, UploadOutcome, missingItems, readLabSection, uploadItems } from './item-upload.js';
import type { LoginGuard } from './login-guard.js';
import { LeaseRequest, SkipRequest, leasedItemBlob, renewLease, requestLease, revokeOpenLeases, skipLease } from './lease-queue.js';
import { RosterDecision, RosterState, setRosterState } from './roster.js';
import { blobResponse } from './blob-response.js';
import { BinaryBody, route, type RouteSpec } from './route-spec.js';
import { SubmissionPage, SubmissionQuery, SubmissionReceipt, pullSubmissions, submitLabel } from './submissions.js';
import { CampaignWorkflow, campaignsForAnnotator, putCampaign } from './tenancy.js';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Bodies of ordinary JSON requests. */
const SMALL = 16 * KiB;
/** A sealed label: up to 64 KiB of ciphertext, base64url, plus its binding. */
const LABEL_BODY = 128 * KiB;
/** An upload batch: base64url sealed items; big items go in small batches. */
export const UPLOAD_BODY = 32 * MiB;

const labParams = { lab: Identifier };
const campaignParams = { lab: Identifier, campaign: Identifier };
const leaseParams = { lab: Identifier, campaign: Identifier, lease: Identifier };

const LeaseGrant = z.object({ assignment: Assignment, stage: z.enum(['annotate', 'review']) }).strict();
const CampaignUpload = z.object({ manifest: CampaignManifest, workflow: CampaignWorkflow.optional() }).strict();

/** Per-process services the routes share with the HTTP layer. */
export interface RouteServices {
  logins: LoginGuard;
}

export function hubRoutes(ctx: HubContext, services: RouteServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/v1/health',
      summary: 'Liveness: answers without touching storage.',
      auth: 'none',
      maxBody: 0,
      response: z.object({ ok: z.literal(true) }).strict(),
      handle: async () => ({ ok: true as const }),
    }),
    route({
      method: 'GET',
      path: '/v1/hub',
      summary: "The hub's id and the Ed25519 public key its assignments are signed with (for gatekeepers and workstations).",
      auth: 'none',
      maxBody: 0,
      response: z.object({ hub: Identifier, signingKey: z.string() }).strict(),
      handle: async () => ({ hub: ctx.identity.id, signingKey: toBase64Url(ctx.identity.signer.publicKey) }),
    }),
    route({
      method: 'POST',
      path: '/v1/sessions',
      summary: 'Annotator login: username and password for a session token (throttled per address, per username and address, and per username; docs/HUB.md).',
      auth: 'none',
      body: Credentials,
      maxBody: SMALL,
      status: 201,
      response: z.object({ token: z.string(), annotator: Identifier, expires: z.number().int() }).strict(),
      handle: async ({ body, caller }) => login(ctx, body, (username, verify) => services.logins.attempt(caller.address, username, verify)),
    }),
    route({
      method: 'DELETE',
      path: '/v1/sessions/current',
      summary: 'Log out: revokes the session that makes this request.',
      auth: 'session',
      maxBody: 0,
      response: z.object({ revoked: z.literal(true) }).strict(),
      handle: async ({ caller }) => {
        await revokeSession(ctx, caller.tokenHash);
        return { revoked: true as const };
      },
    }),
    route({
      method: 'POST',
      path: '/v1/devices',
      summary: "Registers the caller's device public keys (Ed25519, X25519); each lab on the annotator's roster then sees it as pending.",
      auth: 'session',
      body: DeviceRegistration,
      maxBody: SMALL,
      status: 201,
      response: z.object({ device: Sha256Hex }).strict(),
      handle: async ({ caller, body }) => registerDevice(ctx, caller.annotator.id, body),
    }),
    route({
      method: 'GET',
      path: '/v1/campaigns',
      summary: "Open campaigns of the labs the caller works for, as the labs' signed manifests.",
      auth: 'session',
      maxBody: 0,
      response: z.object({ campaigns: z.array(CampaignManifest) }).strict(),
      handle: async ({ caller }) => ({ campaigns: await campaignsForAnnotator(ctx, caller.annotator.id) }),
    }),
    route({
      method: 'POST',
      path: '/v1/labs/:lab/campaigns/:campaign/leases',
      summary: 'Asks for work: returns the open lease of the caller in this campaign, or leases the next item, as a hub-signed assignment.',
      auth: 'session',
      params: campaignParams,
      body: LeaseRequest,
      maxBody: SMALL,
      response: LeaseGrant,
      handle: async ({ caller, params, body }) => requestLease(ctx, caller.annotator, params.lab!, params.campaign!, body),
    }),
    route({
      method: 'POST',
      path: '/v1/labs/:lab/campaigns/:campaign/leases/:lease/renew',
      summary: 'Extends an open lease by the campaign lease time; returns the re-signed assignment.',
      auth: 'session',
      params: leaseParams,
      maxBody: 0,
      response: LeaseGrant,
      handle: async ({ caller, params }) => renewLease(ctx, caller.annotator, params.lab!, params.campaign!, params.lease!),
    }),
    route({
      method: 'POST',
      path: '/v1/labs/:lab/campaigns/:campaign/leases/:lease/skip',
      summary: 'Gives an item back with a reason from a closed list; the caller never gets it again.',
      auth: 'session',
      params: leaseParams,
      body: SkipRequest,
      maxBody: SMALL,
      response: z.object({ lease: Identifier, state: z.literal('skipped') }).strict(),
      handle: async ({ caller, params, body }) => skipLease(ctx, caller.annotator, params.lab!, params.campaign!, params.lease!, body),
    }),
    route({
      method: 'GET',
      path: '/v1/labs/:lab/campaigns/:campaign/leases/:lease/item',
      summary:
        'The sealed item of an open lease of the caller (ciphertext; its key comes from the gatekeeper), streamed. ETag is the item digest: If-None-Match gives 304; one Range: bytes= range gives 206.',
      auth: 'session',
      params: leaseParams,
      maxBody: 0,
      response: 'binary',
      handle: async ({ caller, params, headers }) =>
        blobResponse(ctx.blobs, await leasedItemBlob(ctx, caller.annotator, params.lab!, params.campaign!, params.lease!), headers, `the sealed item of lease ${params.lease!}`),
    }),
    route({
      method: 'POST',
      path: '/v1/labs/:lab/campaigns/:campaign/leases/:lease/submission',
      summary: 'Submits the sealed, device-signed label of an open lease and closes the lease.',
      auth: 'session',
      params: leaseParams,
      body: SealedLabel,
      maxBody: LABEL_BODY,
      status: 201,
      response: SubmissionReceipt,
      handle: async ({ caller, params, body }) => submitLabel(ctx, caller.annotator, params.lab!, params.campaign!, params.lease!, body),
    }),
    route({
      method: 'PUT',
      path: '/v1/labs/:lab/campaigns/:campaign',
      summary: "Creates or replaces a campaign from the lab's signed manifest, with the vendor-side workflow (gold mix, review).",
      auth: 'lab',
      params: campaignParams,
      body: CampaignUpload,
      maxBody: SMALL,
      response: z.object({ lab: Identifier, campaign: Identifier }).strict(),
      handle: async ({ params, body }) => {
        const { manifest, workflow } = body as { manifest: unknown; workflow?: unknown };
        const stored = await putCampaign(ctx, params.lab!, params.campaign!, manifest, workflow);
        return { lab: stored.body.lab, campaign: stored.body.campaign };
      },
    }),
    route({
      method: 'POST',
      path: '/v1/labs/:lab/campaigns/:campaign/items',
      summary: 'Uploads a batch of sealed items with their lab-only sections; idempotent per (item, digest); all or nothing.',
      auth: 'lab',
      params: campaignParams,
      body: UploadBatch,
      maxBody: UPLOAD_BODY,
      response: z.object({ items: z.array(UploadOutcome) }).strict(),
      handle: async ({ params, body }) => ({ items: await uploadItems(ctx, params.lab!, params.campaign!, body) }),
    }),
    route({
      method: 'POST',
      path: '/v1/labs/:lab/campaigns/:campaign/items/missing',
      summary: 'Of the given (item, digest) pairs, those not stored yet: what a resumed upload still has to send.',
      auth: 'lab',
      params: campaignParams,
      body: MissingQuery,
      maxBody: 256 * KiB,
      response: z.object({ missing: z.array(Identifier) }).strict(),
      handle: async ({ params, body }) => ({ missing: await missingItems(ctx, params.lab!, params.campaign!, body) }),
    }),
    route({
      method: 'GET',
      path: '/v1/labs/:lab/campaigns/:campaign/items/:item/lab-section',
      summary: "An item's lab-only section, sealed to the lab's own key.",
      auth: 'lab',
      params: { ...campaignParams, item: Identifier },
      maxBody: 0,
      response: 'binary',
      handle: async ({ params }) => new BinaryBody(await readLabSection(ctx, params.lab!, params.campaign!, params.item!)),
    }),
    route({
      method: 'GET',
      path: '/v1/labs/:lab/devices',
      summary: "Devices of the lab's rostered annotators and the lab's decision on each (pending until decided).",
      auth: 'lab',
      params: labParams,
      query: z.object({ state: DeviceState.optional() }).strict(),
      maxBody: 0,
      response: z.object({ devices: z.array(LabDeviceView) }).strict(),
      handle: async ({ params, query }) => ({ devices: await devicesForLab(ctx, params.lab!, query.state as DeviceState | undefined) }),
    }),
    route({
      method: 'PUT',
      path: '/v1/labs/:lab/devices/:device',
      summary: 'Records the lab\'s decision on a device: approved (may take leases) or suspended.',
      auth: 'lab',
      params: { lab: Identifier, device: Sha256Hex },
      body: DeviceDecision,
      maxBody: SMALL,
      response: z.object({ device: Sha256Hex, state: z.enum(['approved', 'suspended']) }).strict(),
      handle: async ({ params, body }) => {
        const decided = await decideDevice(ctx, params.lab!, params.device!, body);
        // Suspension ends the device's open leases in this lab at once: no renewal, no item, no label.
        if (decided.state === 'suspended') await revokeOpenLeases(ctx, { lab: params.lab!, device: params.device! });
        return decided;
      },
    }),
    route({
      method: 'PUT',
      path: '/v1/labs/:lab/annotators/:annotator',
      summary: "Suspends or reinstates an annotator of the lab's roster for this lab's work (the lab's gatekeeper calls it when the lab suspends someone); suspension ends their open leases in the lab at once.",
      auth: 'lab',
      params: { lab: Identifier, annotator: Identifier },
      body: RosterDecision,
      maxBody: SMALL,
      response: z.object({ annotator: Identifier, state: RosterState, leasesEnded: z.number().int() }).strict(),
      handle: async ({ params, body }) => {
        const { state } = body as RosterDecision;
        await setRosterState(ctx, params.lab!, params.annotator!, state);
        const leasesEnded = state === 'suspended' ? await revokeOpenLeases(ctx, { lab: params.lab!, annotator: params.annotator! }) : 0;
        return { annotator: params.annotator!, state, leasesEnded };
      },
    }),
    route({
      method: 'GET',
      path: '/v1/labs/:lab/campaigns/:campaign/submissions',
      summary: 'Sealed labels in submission order, after a sequence number; `next` is the cursor for the following page.',
      auth: 'lab',
      params: campaignParams,
      query: SubmissionQuery,
      maxBody: 0,
      response: SubmissionPage,
      handle: async ({ params, query }) => pullSubmissions(ctx, params.lab!, params.campaign!, query),
    }),
  ];
}
