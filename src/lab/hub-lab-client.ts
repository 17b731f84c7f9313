/**
 * The lab's client for a vendor's hub (docs/HUB.md): every request is signed
 * with the lab's Ed25519 key (hub/lab-request-signature.ts), every answer is
 * parsed with zod before use. The hub is untrusted: what it returns is only a
 * claim that collect verifies again (label signatures, bindings, device keys
 * from the gatekeeper's own enrollment).
 */
import { z } from 'zod';
import type { CampaignManifest } from '../core/campaign-manifest.js';
import { utf8 } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import type { Ed25519Signer, Primitives } from '../core/primitives.js';
import { Identifier, parseJsonText } from '../core/schema.js';
import { LabDeviceView } from '../hub/devices.js';
import { LAB_SIGNATURE_HEADER, signLabRequest, type LabRequest } from '../hub/lab-request-signature.js';
import { SubmissionPage } from '../hub/submissions.js';

export type SubmissionPage = z.infer<typeof SubmissionPage>;
export type PulledSubmission = SubmissionPage['submissions'][number];

const UploadAnswer = z.object({ items: z.array(z.object({ item: Identifier, digest: z.string(), status: z.enum(['stored', 'exists']) }).strict()) }).strict();
const MissingAnswer = z.object({ missing: z.array(Identifier) }).strict();
export type HubDevice = LabDeviceView;
const DevicesAnswer = z.object({ devices: z.array(LabDeviceView) }).strict();
const AnnotatorStateAnswer = z.object({ annotator: Identifier, state: z.enum(['active', 'suspended']), leasesEnded: z.number().int().min(0) }).strict();
const ErrorBody = z.object({ error: z.object({ code: z.string().max(64), message: z.string().max(2000) }) });

export interface UploadEntry {
  /** base64url sealed item */
  sealed: string;
  /** base64url lab-only section, sealed to the lab's own key */
  labSection: string;
  gold: boolean;
}

export class HubLabClient {
  constructor(
    private readonly base: string,
    private readonly hubId: string,
    private readonly lab: string,
    private readonly signer: Ed25519Signer,
    private readonly p: Primitives,
  ) {}

  private async call(method: LabRequest['method'], path: string, body?: unknown): Promise<Response> {
    const bytes = body === undefined ? new Uint8Array(0) : utf8(JSON.stringify(body));
    const header = await signLabRequest(this.p, this.signer, { hub: this.hubId, lab: this.lab, method, path, body: bytes }, Math.floor(Date.now() / 1000));
    const res = await reach(this.base, new URL(path.slice(1), slash(this.base)), {
      method,
      headers: { [LAB_SIGNATURE_HEADER]: header, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: Buffer.from(bytes) }),
    });
    if (res.ok) return res;
    const parsed = ErrorBody.safeParse(await res.text().then((t) => parseJsonText(t, 'hub error')).catch(() => undefined));
    const what = parsed.success ? `${parsed.data.error.code}: ${parsed.data.error.message}` : `HTTP ${res.status}`;
    return fail(res.status === 404 ? 'NOT_FOUND' : res.status === 409 ? 'CONFLICT' : 'DENIED', `hub ${this.base} refused ${method} ${path.split('?')[0]}: ${what}`);
  }

  private campaignPath(campaign: string, ...rest: string[]): string {
    return ['', 'v1', 'labs', this.lab, 'campaigns', campaign, ...rest].map(encodeURIComponent).join('/');
  }

  async putCampaign(manifest: CampaignManifest): Promise<void> {
    await this.call('PUT', this.campaignPath(manifest.body.campaign), { manifest });
  }

  async upload(campaign: string, items: readonly UploadEntry[]): Promise<void> {
    const answer = UploadAnswer.parse(await answerJson(await this.call('POST', this.campaignPath(campaign, 'items'), { items })));
    if (answer.items.length !== items.length) fail('MISMATCH', `hub acknowledged ${answer.items.length} of ${items.length} uploaded items`);
  }

  /** Of these (item, digest) pairs, those the hub does not hold yet. */
  async missing(campaign: string, items: ReadonlyArray<{ item: string; digest: string }>): Promise<string[]> {
    return MissingAnswer.parse(await answerJson(await this.call('POST', this.campaignPath(campaign, 'items', 'missing'), { items }))).missing;
  }

  async devices(state?: HubDevice['state']): Promise<HubDevice[]> {
    const path = `/v1/labs/${encodeURIComponent(this.lab)}/devices${state === undefined ? '' : `?state=${state}`}`;
    return DevicesAnswer.parse(await answerJson(await this.call('GET', path))).devices;
  }

  /** Suspension also ends the device's open leases in this lab at the hub at once. */
  async decideDevice(device: string, state: 'approved' | 'suspended'): Promise<void> {
    await this.call('PUT', `/v1/labs/${encodeURIComponent(this.lab)}/devices/${device}`, { state });
  }

  /**
   * Suspends or reinstates an annotator of the lab's roster for this lab's work at the hub; suspension
   * ends their open leases here at once. Returns how many leases ended.
   */
  async setAnnotatorState(annotator: string, state: 'active' | 'suspended'): Promise<number> {
    const res = await this.call('PUT', `/v1/labs/${encodeURIComponent(this.lab)}/annotators/${encodeURIComponent(annotator)}`, { state });
    return AnnotatorStateAnswer.parse(await answerJson(res)).leasesEnded;
  }

  async submissions(campaign: string, after: number, limit = 500): Promise<SubmissionPage> {
    return SubmissionPage.parse(await answerJson(await this.call('GET', `${this.campaignPath(campaign, 'submissions')}?after=${after}&limit=${limit}`)));
  }
}

/** The hub is the vendor's: its JSON answers go through the parser that refuses duplicate members (docs/SPEC.md §1.2). */
async function answerJson(res: Response): Promise<unknown> {
  return parseJsonText(await res.text(), 'hub answer');
}

const slash = (base: string): string => (base.endsWith('/') ? base : `${base}/`);

async function reach(base: string, url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    return fail('UNAVAILABLE', `cannot reach the hub at ${base}; is it running (e.g. \`keyhole demo\`)?`);
  }
}
