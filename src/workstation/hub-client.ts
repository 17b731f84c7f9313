/**
 * The workstation's view of the vendor's hub (docs/HUB.md, /openapi.json):
 * log in, register the device, list campaigns, lease, fetch the sealed item,
 * renew, skip, submit. Every answer is parsed with zod before use; the hub is
 * untrusted, so what it says is only ever a claim that the gatekeeper or the
 * core formats check again. Failures become WorkstationErrors.
 */
import { z } from 'zod';
import { Assignment } from '../core/assignment.js';
import { CampaignManifest } from '../core/campaign-manifest.js';
import type { SealedLabel } from '../core/label.js';
import { Identifier, Sha256Hex, parseJsonText } from '../core/schema.js';
import { WorkstationError, type FailureKind } from './errors.js';

/** Closed list, as the hub keeps it: free text could carry what the annotator read. */
export const SKIP_REASONS = ['cannot-judge', 'harmful-content', 'broken-item', 'wrong-language', 'conflict-of-interest', 'other'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const Session = z.object({ token: z.string().min(1).max(512), annotator: Identifier, expires: z.number().int() }).strict();
export type Session = z.infer<typeof Session>;
export const LeaseGrant = z.object({ assignment: Assignment, stage: z.enum(['annotate', 'review']) }).strict();
export type LeaseGrant = z.infer<typeof LeaseGrant>;
const Receipt = z.object({ seq: z.number().int(), lease: Identifier, submitted: z.number().int() }).strict();
export type Receipt = z.infer<typeof Receipt>;
const ErrorBody = z.object({ error: z.object({ code: z.string().max(64), message: z.string().max(2000) }) });

export interface HubClient {
  login(username: string, password: string): Promise<Session>;
  logout(): Promise<void>;
  registerDevice(keys: { signing: string; kex: string }): Promise<string>;
  campaigns(): Promise<CampaignManifest[]>;
  /** The caller's open lease in the campaign, or a new one. */
  lease(lab: string, campaign: string, device: string): Promise<LeaseGrant>;
  sealedItem(lab: string, campaign: string, lease: string): Promise<Uint8Array>;
  renew(lab: string, campaign: string, lease: string): Promise<LeaseGrant>;
  skip(lab: string, campaign: string, lease: string, reason: SkipReason): Promise<void>;
  submit(lab: string, campaign: string, lease: string, label: SealedLabel): Promise<Receipt>;
}

/** Maps the hub's refusal codes (docs/HUB.md) to what the annotator is told. */
function kindOf(code: string, message: string): FailureKind {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 'signed-out';
    case 'SUSPENDED':
      return 'suspended';
    case 'FORBIDDEN':
      if (/\bsuspended\b/.test(message)) return 'suspended';
      if (/\bpending\b/.test(message)) return 'device-pending';
      return 'refused';
    case 'LEASE_NOT_OPEN':
      return 'lease-expired';
    case 'NO_ITEM_AVAILABLE':
      return 'queue-empty';
    case 'CAMPAIGN_CLOSED':
      return 'campaign-closed';
    case 'RATE_LIMITED':
      return 'rate-limited';
    case 'INTERNAL':
      return 'hub-unreachable';
    default:
      return 'refused';
  }
}

const path = (...parts: string[]): string => parts.map(encodeURIComponent).join('/');

export class HttpHubClient implements HubClient {
  private token: string | undefined;

  /** @param base the hub's URL, e.g. "https://hub.vendor.example" */
  constructor(
    private readonly base: string,
    session?: Session,
    private readonly fetcher: typeof fetch = globalThis.fetch.bind(globalThis),
  ) {
    this.token = session?.token;
  }

  private async call(method: string, route: string, body?: unknown, accept: 'json' | 'bytes' = 'json'): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetcher(new URL(route, this.base), { method, headers, body: body === undefined ? null : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
    } catch {
      throw new WorkstationError('hub-unreachable', 'The hub cannot be reached. Check your connection; nothing you typed is lost, and you can try again.');
    }
    if (!response.ok) {
      const parsed = ErrorBody.safeParse(await response.text().then((t) => parseJsonText(t, 'hub error')).catch(() => undefined));
      if (response.status >= 500 || !parsed.success) {
        throw new WorkstationError('hub-unreachable', `The hub answered with an error (HTTP ${response.status}). Nothing you typed is lost; try again in a moment.`);
      }
      const { code, message } = parsed.data.error;
      throw new WorkstationError(kindOf(code, message), message);
    }
    if (accept === 'bytes') {
      // The hub streams sealed items as raw bytes (docs/HUB.md §Workflow, item fetch); anything else, say a proxy's HTML page, is not an item.
      if (!(response.headers.get('content-type') ?? '').startsWith('application/octet-stream')) throw new WorkstationError('refused', 'The hub sent something other than a sealed item.');
      return new Uint8Array(await response.arrayBuffer());
    }
    // Duplicate members refused (docs/SPEC.md §1.2): the hub is the vendor's and may send anything.
    return response.text().then((t) => parseJsonText(t, 'hub answer')).catch(() => {
      throw new WorkstationError('hub-unreachable', 'The hub sent an answer that is not JSON.');
    });
  }

  private parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new WorkstationError('refused', `The hub sent a malformed ${what}.`);
    return parsed.data;
  }

  async login(username: string, password: string): Promise<Session> {
    const session = this.parse(Session, await this.call('POST', '/v1/sessions', { username, password }), 'session');
    this.token = session.token;
    return session;
  }

  async logout(): Promise<void> {
    if (this.token === undefined) return;
    await this.call('DELETE', '/v1/sessions/current').catch(() => undefined);
    this.token = undefined;
  }

  async registerDevice(keys: { signing: string; kex: string }): Promise<string> {
    return this.parse(z.object({ device: Sha256Hex }), await this.call('POST', '/v1/devices', keys), 'device registration').device;
  }

  async campaigns(): Promise<CampaignManifest[]> {
    return this.parse(z.object({ campaigns: z.array(CampaignManifest) }), await this.call('GET', '/v1/campaigns'), 'campaign list').campaigns;
  }

  async lease(lab: string, campaign: string, device: string): Promise<LeaseGrant> {
    return this.parse(LeaseGrant, await this.call('POST', `/v1/labs/${path(lab)}/campaigns/${path(campaign)}/leases`, { device }), 'lease');
  }

  async sealedItem(lab: string, campaign: string, lease: string): Promise<Uint8Array> {
    return (await this.call('GET', `/v1/labs/${path(lab)}/campaigns/${path(campaign)}/leases/${path(lease)}/item`, undefined, 'bytes')) as Uint8Array;
  }

  async renew(lab: string, campaign: string, lease: string): Promise<LeaseGrant> {
    return this.parse(LeaseGrant, await this.call('POST', `/v1/labs/${path(lab)}/campaigns/${path(campaign)}/leases/${path(lease)}/renew`), 'lease');
  }

  async skip(lab: string, campaign: string, lease: string, reason: SkipReason): Promise<void> {
    await this.call('POST', `/v1/labs/${path(lab)}/campaigns/${path(campaign)}/leases/${path(lease)}/skip`, { reason });
  }

  async submit(lab: string, campaign: string, lease: string, label: SealedLabel): Promise<Receipt> {
    return this.parse(Receipt, await this.call('POST', `/v1/labs/${path(lab)}/campaigns/${path(campaign)}/leases/${path(lease)}/submission`, label), 'receipt');
  }
}
