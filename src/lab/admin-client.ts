/**
 * The lab's client for its gatekeeper's admin API (docs/GATEKEEPER.md §Admin
 * API): every request signed with the operator's key (src/core/admin-request.ts),
 * every answer parsed with zod before use. The lab's tools (ingest, results,
 * export, devices, suspension, …) reach the gatekeeper only through this.
 */
import { z } from 'zod';
import { OPERATOR_SIGNATURE_HEADER, signAdminRequest, type AdminMethod } from '../core/admin-request.js';
import { utf8 } from '../core/bytes.js';
import { CampaignManifest } from '../core/campaign-manifest.js';
import { KeyholeError, fail, type ErrorCode } from '../core/errors.js';
import type { Ed25519Signer, Primitives } from '../core/primitives.js';
import { KeySlot } from '../core/sealed-item.js';

const ErrorBody = z.object({ error: z.object({ code: z.string().max(64), message: z.string().max(4000) }) });
const Ok = z.object({ ok: z.literal(true) }).strict();
const LogIndex = z.object({ logIndex: z.number().int() }).strict();

export const IssuedKeys = z.discriminatedUnion('status', [
  z.object({ item: z.string(), status: z.literal('issued'), header: z.string(), signature: z.string(), slot: KeySlot, dek: z.string() }).strict(),
  z.object({ item: z.string(), status: z.literal('uploaded'), digest: z.string() }).strict(),
]);
export type IssuedKeys = z.infer<typeof IssuedKeys>;

export const OpenedSubmission = z.discriminatedUnion('status', [
  z
    .object({
      seq: z.number().int(),
      status: z.literal('opened'),
      item: z.string(),
      digest: z.string(),
      lease: z.string(),
      annotator: z.string(),
      device: z.string(),
      stage: z.enum(['annotate', 'review']),
      submitted: z.number().int(),
      label: z.string(),
    })
    .strict(),
  z.object({ seq: z.number().int(), status: z.literal('refused'), item: z.string(), annotator: z.string(), reason: z.string() }).strict(),
]);
export type OpenedSubmission = z.infer<typeof OpenedSubmission>;
const OpenedPage = z.object({ submissions: z.array(OpenedSubmission), next: z.number().int().nullable() }).strict();

const LabFacts = z
  .object({ lab: z.string(), signingKey: z.string(), labSectionKey: z.string(), gatekeeperUrl: z.string(), logVkey: z.string(), witnesses: z.array(z.string()), quorum: z.number().int(), workstation: z.string() })
  .strict();
export type LabFacts = z.infer<typeof LabFacts>;

const DeviceView = z.object({ vendor: z.string(), device: z.string(), annotator: z.string(), registered: z.number().int().nullable(), state: z.string() }).strict();
export type DeviceView = z.infer<typeof DeviceView>;
const RosterEntry = z.object({ vendor: z.string(), annotator: z.string(), addedAt: z.number().int(), addedBy: z.string() }).strict();
const IssuedInvitation = z.object({ id: z.string(), vendor: z.string(), annotator: z.string(), code: z.string(), expiresAt: z.number().int(), logIndex: z.number().int(), link: z.string().url() }).strict();
export type IssuedInvitation = z.infer<typeof IssuedInvitation>;
const InvitationView = z
  .object({ id: z.string(), vendor: z.string(), annotator: z.string(), issuedAt: z.number().int(), issuedBy: z.string(), expiresAt: z.number().int(), state: z.enum(['issued', 'redeemed', 'expired', 'revoked']), device: z.string().nullable() })
  .strict();
export type InvitationView = z.infer<typeof InvitationView>;
const Receipt = z.object({ item: z.string(), lease: z.string(), annotator: z.string(), receiptAt: z.number().int() }).strict();
export type SubmitReceipt = z.infer<typeof Receipt>;

const CODES: readonly ErrorCode[] = ['BAD_ENCODING', 'BAD_FORMAT', 'BAD_LENGTH', 'BAD_SIGNATURE', 'DECRYPT_FAILED', 'EXPIRED', 'MISMATCH', 'UNSUPPORTED', 'REPLAY', 'STALE', 'DENIED', 'UNAVAILABLE', 'NOT_FOUND', 'CONFLICT'];

export interface CampaignPlanInput {
  readonly vendor: string;
  readonly title: string;
  readonly task: string;
  readonly leaseSeconds: number;
  readonly settings: Record<string, unknown>;
}

export class GatekeeperAdminClient {
  constructor(
    private readonly base: string,
    private readonly lab: string,
    private readonly operator: string,
    private readonly signer: Ed25519Signer,
    private readonly p: Primitives,
  ) {}

  private async call<S extends z.ZodType>(method: AdminMethod, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    const bytes = body === undefined ? new Uint8Array(0) : utf8(JSON.stringify(body));
    const header = await signAdminRequest(this.p, this.signer, { lab: this.lab, operator: this.operator, method, path, body: bytes }, Math.floor(Date.now() / 1000));
    let res: Response;
    try {
      res = await fetch(new URL(path.slice(1), this.base.endsWith('/') ? this.base : `${this.base}/`), {
        method,
        headers: { [OPERATOR_SIGNATURE_HEADER]: header, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: Buffer.from(bytes) }),
      });
    } catch {
      return fail('UNAVAILABLE', `cannot reach the gatekeeper's admin API at ${this.base}; is \`keyhole gatekeeper serve\` running, and is this its admin address?`);
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const e = ErrorBody.safeParse(json);
      const code = e.success && (CODES as readonly string[]).includes(e.data.error.code) ? (e.data.error.code as ErrorCode) : res.status === 503 ? 'UNAVAILABLE' : 'DENIED';
      throw new KeyholeError(code, `gatekeeper refused ${method} ${path.split('?')[0]}: ${e.success ? e.data.error.message : `HTTP ${res.status}`}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) fail('BAD_FORMAT', `gatekeeper's answer to ${method} ${path.split('?')[0]} has an unexpected shape`);
    return parsed.data;
  }

  private c(campaign: string, ...rest: string[]): string {
    return ['', 'admin', 'v1', 'campaigns', campaign, ...rest].map(encodeURIComponent).join('/');
  }

  status(): Promise<Record<string, unknown>> {
    return this.call('GET', '/admin/v1/status', z.record(z.string(), z.unknown()));
  }
  facts(): Promise<LabFacts> {
    return this.call('GET', '/admin/v1/lab', LabFacts);
  }
  async putOperator(id: string, publicKey: string, role: string): Promise<void> {
    await this.call('PUT', `/admin/v1/operators/${encodeURIComponent(id)}`, Ok, { publicKey, role });
  }
  async revokeOperator(id: string): Promise<void> {
    await this.call('DELETE', `/admin/v1/operators/${encodeURIComponent(id)}`, Ok);
  }
  listOperators(): Promise<unknown[]> {
    return this.call('GET', '/admin/v1/operators', z.object({ operators: z.array(z.unknown()) }).strict()).then((r) => r.operators);
  }
  async putVendor(vendor: string, v: { hubUrl: string; hubKey: string; exposureBudget: number }): Promise<void> {
    await this.call('PUT', `/admin/v1/vendors/${encodeURIComponent(vendor)}`, Ok, v);
  }
  devices(vendor: string): Promise<DeviceView[]> {
    return this.call('GET', `/admin/v1/vendors/${encodeURIComponent(vendor)}/devices`, z.object({ devices: z.array(DeviceView) }).strict()).then((r) => r.devices);
  }
  decideDevice(vendor: string, device: string, decision: 'approve' | 'refuse'): Promise<{ logIndex: number }> {
    return this.call('POST', `/admin/v1/vendors/${encodeURIComponent(vendor)}/devices/${encodeURIComponent(device)}/${decision}`, LogIndex);
  }
  // Lab-bound enrollment (issue 17): the roster, invitations to it, and manual approval on or off.
  roster(vendor: string): Promise<{ vendor: string; annotator: string; addedAt: number; addedBy: string }[]> {
    return this.call('GET', `${this.v(vendor)}/roster`, z.object({ roster: z.array(RosterEntry) }).strict()).then((r) => r.roster);
  }
  async rosterAdd(vendor: string, annotator: string): Promise<void> {
    await this.call('PUT', `${this.v(vendor)}/roster/${encodeURIComponent(annotator)}`, Ok);
  }
  async rosterRemove(vendor: string, annotator: string): Promise<void> {
    await this.call('DELETE', `${this.v(vendor)}/roster/${encodeURIComponent(annotator)}`, Ok);
  }
  invite(vendor: string, annotator: string, expiresInSeconds?: number): Promise<IssuedInvitation> {
    return this.call('POST', `${this.v(vendor)}/invitations`, IssuedInvitation, { annotator, ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }) });
  }
  invitations(vendor: string): Promise<InvitationView[]> {
    return this.call('GET', `${this.v(vendor)}/invitations`, z.object({ invitations: z.array(InvitationView) }).strict()).then((r) => r.invitations);
  }
  revokeInvitation(id: string): Promise<{ logIndex: number }> {
    return this.call('POST', `/admin/v1/invitations/${encodeURIComponent(id)}/revoke`, LogIndex);
  }
  manualApproval(vendor: string): Promise<boolean> {
    return this.call('GET', `${this.v(vendor)}/approval`, z.object({ manual: z.boolean() }).strict()).then((r) => r.manual);
  }
  setManualApproval(vendor: string, manual: boolean): Promise<{ logIndex: number }> {
    return this.call('PUT', `${this.v(vendor)}/approval`, LogIndex, { manual });
  }
  private v(vendor: string): string {
    return `/admin/v1/vendors/${encodeURIComponent(vendor)}`;
  }
  putCampaign(campaign: string, plan: CampaignPlanInput): Promise<CampaignManifest> {
    return this.call('PUT', this.c(campaign), z.object({ manifest: CampaignManifest }).strict(), plan).then((r) => r.manifest);
  }
  campaigns(): Promise<unknown[]> {
    return this.call('GET', '/admin/v1/campaigns', z.object({ campaigns: z.array(z.unknown()) }).strict()).then((r) => r.campaigns);
  }
  manifest(campaign: string): Promise<CampaignManifest> {
    return this.call('GET', this.c(campaign, 'manifest'), z.object({ manifest: CampaignManifest }).strict()).then((r) => r.manifest);
  }
  closeCampaign(campaign: string, shred: boolean): Promise<{ closed: true; shredded: unknown[] }> {
    return this.call('POST', this.c(campaign, 'close'), z.object({ closed: z.literal(true), shredded: z.array(z.unknown()) }).strict(), { shred });
  }
  ingestSecret(campaign: string): Promise<string> {
    return this.call('GET', this.c(campaign, 'ingest-secret'), z.object({ secret: z.string() }).strict()).then((r) => r.secret);
  }
  itemKeys(campaign: string, request: { batch: string; dataset: string; policy: string; expires: number; items: { item: string; size: number }[] }): Promise<IssuedKeys[]> {
    return this.call('POST', this.c(campaign, 'item-keys'), z.object({ items: z.array(IssuedKeys) }).strict(), request).then((r) => r.items);
  }
  upload(campaign: string, items: { sealed: string; labSection: string; gold?: boolean }[]): Promise<{ stored: number }> {
    return this.call('POST', this.c(campaign, 'items'), z.object({ stored: z.number().int() }).strict(), { items });
  }
  submissions(campaign: string, after: number): Promise<z.infer<typeof OpenedPage>> {
    return this.call('GET', `${this.c(campaign, 'submissions')}?after=${after}`, OpenedPage);
  }
  labSections(campaign: string, sections: { digest: string; section: string }[]): Promise<string[]> {
    return this.call('POST', this.c(campaign, 'lab-sections'), z.object({ sections: z.array(z.string()) }).strict(), { sections }).then((r) => r.sections);
  }
  receipts(campaign: string): Promise<SubmitReceipt[]> {
    return this.call('GET', this.c(campaign, 'receipts'), z.object({ receipts: z.array(Receipt) }).strict()).then((r) => r.receipts);
  }
  suspend(target: Record<string, string>, suspended: boolean): Promise<{ logIndex: number; hub: { told: boolean; problem?: string | undefined } }> {
    return this.call('POST', `/admin/v1/${suspended ? 'suspend' : 'reinstate'}`, LogIndex.extend({ hub: z.object({ told: z.boolean(), problem: z.string().optional() }).strict() }), target);
  }
  shred(batch: string): Promise<{ receipt: unknown; logIndex: number; shreddedNow: boolean }> {
    return this.call('POST', `/admin/v1/batches/${encodeURIComponent(batch)}/shred`, z.object({ receipt: z.unknown(), logIndex: z.number().int(), shreddedNow: z.boolean() }).strict());
  }
  rotate(batch: string): Promise<{ rewrapped: number }> {
    return this.call('POST', `/admin/v1/batches/${encodeURIComponent(batch)}/rotate`, z.object({ rewrapped: z.number().int() }).strict());
  }
  rewrapRoot(): Promise<{ secrets: number; keks: number }> {
    return this.call('POST', '/admin/v1/root/rewrap', z.object({ secrets: z.number().int(), keks: z.number().int() }).strict());
  }
  async putMonitor(name: string, publicKey: string): Promise<void> {
    await this.call('PUT', `/admin/v1/monitors/${encodeURIComponent(name)}`, Ok, { publicKey });
  }
}
