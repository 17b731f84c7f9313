/**
 * The lab's gatekeeper over HTTP (docs/GATEKEEPER.md): the lab's signing key,
 * key release and submit receipts. Release answers go through
 * release-client.ts, which opens a grant only after its proof bundle verifies
 * against the campaign manifest's log key and witness quorum and the proven
 * entry is the release record of this very request: *no log, no key*. Every
 * outcome becomes a WorkstationError the annotator can act on.
 */
import { z } from 'zod';
import type { Assignment } from '../core/assignment.js';
import { fromBase64Url } from '../core/bytes.js';
import type { CampaignManifest } from '../core/campaign-manifest.js';
import { cosignatureVerifier } from '../core/cosignature.js';
import { signEnrollmentRequest } from '../core/enrollment-request.js';
import { KeyholeError } from '../core/errors.js';
import type { SealedLabel } from '../core/label.js';
import { ed25519NoteVerifier } from '../core/note.js';
import type { Primitives } from '../core/primitives.js';
import type { TrustPolicy } from '../core/proof-bundle.js';
import { signReleaseRequest, type ReleaseEnded } from '../core/release.js';
import { parseJsonText } from '../core/schema.js';
import type { DeviceKeys } from './device-keys.js';
import { WorkstationError, type FailureKind } from './errors.js';
import type { GatekeeperClient } from './gatekeeper-client.js';
import { ReleaseDenied, openReleaseResponse } from './release-client.js';

const LabKey = z.object({ lab: z.string(), signingKey: z.string() }).strict();
const Enrolled = z.object({ device: z.string(), vendor: z.string(), annotator: z.string(), logIndex: z.number().int(), hub: z.object({ told: z.boolean(), problem: z.string().optional() }).strict() }).strict();
export type Enrolled = z.infer<typeof Enrolled>;
const Refusal = z.object({ error: z.object({ code: z.string(), reason: z.string() }) });

/** What a logged denial means to the annotator (reason codes: docs/GATEKEEPER.md). */
function denialKind(code: string): FailureKind {
  if (code === 'ASSIGNMENT_EXPIRED') return 'lease-expired';
  if (code === 'ANNOTATOR_SUSPENDED' || code === 'DEVICE_SUSPENDED' || code === 'VENDOR_SUSPENDED') return 'suspended';
  if (code === 'DEVICE_NOT_APPROVED' || code === 'DEVICE_UNKNOWN') return 'device-pending';
  return 'key-refused';
}

/** The campaign's log trust: its log key (whose name is the log's origin), witness keys and quorum. */
export async function trustPolicy(p: Primitives, manifest: CampaignManifest): Promise<TrustPolicy> {
  const { vkey, witnesses, quorum } = manifest.body.log;
  const log = await ed25519NoteVerifier(p, vkey);
  return { log, origin: log.name, witnesses: await Promise.all(witnesses.map((w) => cosignatureVerifier(p, w))), quorum };
}

export class HttpGatekeeperClient implements GatekeeperClient {
  private readonly labKeys = new Map<string, Promise<Uint8Array>>();
  private readonly policies = new WeakMap<CampaignManifest, Promise<TrustPolicy>>();

  constructor(
    private readonly base: string,
    private readonly p: Primitives,
    private readonly now: () => number,
    private readonly fetcher: typeof fetch = globalThis.fetch.bind(globalThis),
  ) {}

  private async call(method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await this.fetcher(new URL(route, this.base), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      throw new WorkstationError('gatekeeper-unreachable', "The lab's gatekeeper cannot be reached. Check your connection and try again; nothing you typed is lost.");
    }
    const json: unknown = await response.text().then((t) => parseJsonText(t, 'gatekeeper answer')).catch(() => undefined);
    if (response.status >= 500 || json === undefined) {
      throw new WorkstationError('gatekeeper-unreachable', `The lab's gatekeeper answered with an error (HTTP ${response.status}). Try again in a moment.`);
    }
    return { status: response.status, json };
  }

  labSigningKey(lab: string): Promise<Uint8Array> {
    let key = this.labKeys.get(lab);
    if (key === undefined) {
      key = this.call('GET', '/v1/lab').then(({ json }) => {
        const parsed = LabKey.safeParse(json);
        if (!parsed.success || parsed.data.lab !== lab) throw new WorkstationError('refused', `This gatekeeper does not serve lab ${lab}.`);
        return fromBase64Url(parsed.data.signingKey, 'lab signing key');
      });
      key.catch(() => this.labKeys.delete(lab));
      this.labKeys.set(lab, key);
    }
    return key;
  }

  private policyFor(manifest: CampaignManifest): Promise<TrustPolicy> {
    let policy = this.policies.get(manifest);
    if (policy === undefined) this.policies.set(manifest, (policy = trustPolicy(this.p, manifest)));
    return policy;
  }

  async releaseKey(assignment: Assignment, device: DeviceKeys, manifest: CampaignManifest): Promise<Uint8Array> {
    const policy = await this.policyFor(manifest);
    const request = await signReleaseRequest(this.p, device, assignment, this.now());
    const { status, json } = await this.call('POST', '/v1/release', request);
    try {
      return await openReleaseResponse(this.p, status, json, request, device.kex, policy);
    } catch (err) {
      if (err instanceof ReleaseDenied) {
        const where = err.record ? "The refusal is on the lab's log." : 'The gatekeeper could not tell that this device sent the request, so it logged nothing under your name.';
        throw new WorkstationError(denialKind(err.denyCode), `The lab refused the key (${err.denyCode}): ${err.message.replace(/^release denied \([^)]*\): /, '')}. ${where}`);
      }
      if (err instanceof KeyholeError && err.code === 'UNAVAILABLE') throw new WorkstationError('gatekeeper-unreachable', `The lab's gatekeeper could not log the request, so no key was released (${err.message}). Try again.`);
      if (err instanceof KeyholeError) {
        throw new WorkstationError('proof-invalid', `No log, no key: the gatekeeper's answer is not provably on its transparency log (${err.code}: ${err.message}). The item stays sealed; report this to the lab.`);
      }
      throw err;
    }
  }

  /**
   * Redeems the lab's invitation for this device (SPEC §2.3): the device signs the code's hash and its
   * keys, and the gatekeeper binds it to the person the lab invited and approves it.
   */
  async enroll(code: string, device: DeviceKeys, annotator: string): Promise<Enrolled> {
    const { status, json } = await this.call('POST', '/v1/enroll', await signEnrollmentRequest(this.p, device.signer, device.keys.kex, code, annotator));
    if (status === 200) {
      const ok = Enrolled.safeParse(json);
      if (!ok.success || ok.data.device !== device.id) throw new WorkstationError('refused', 'The gatekeeper answered the enrollment for another device; stopping.');
      return ok.data;
    }
    const refusal = Refusal.safeParse(json);
    throw new WorkstationError('refused', `The lab did not accept the invitation: ${refusal.success ? refusal.data.error.reason : `HTTP ${status}`}`);
  }

  async recordSubmission(label: SealedLabel): Promise<void> {
    const { status, json } = await this.call('POST', '/v1/submit', label);
    if (status !== 200) throw new WorkstationError('refused', `The gatekeeper did not record the submission (HTTP ${status}: ${JSON.stringify(json).slice(0, 200)}).`);
  }

  async recordSkip(notice: ReleaseEnded): Promise<void> {
    const { status, json } = await this.call('POST', '/v1/release-ended', notice);
    if (status !== 200) throw new WorkstationError('refused', `The gatekeeper did not record the skip (HTTP ${status}: ${JSON.stringify(json).slice(0, 200)}).`);
  }
}
