/**
 * The gatekeeper over HTTP (docs/GATEKEEPER.md). Key release is *no log, no
 * key*: the grant is opened only after its proof bundle verifies against the
 * campaign manifest's log key and witness quorum, and the proven entry is the
 * allow record of this very request (same item, campaign and request
 * signature). A denial carries the gatekeeper's reason code to the annotator.
 */
import { z } from 'zod';
import type { Assignment } from '../core/assignment.js';
import { decodeAccessRecord } from '../core/access-record.js';
import { fromBase64Url } from '../core/bytes.js';
import type { CampaignManifest } from '../core/campaign-manifest.js';
import { cosignatureVerifier } from '../core/cosignature.js';
import { ed25519NoteVerifier } from '../core/note.js';
import type { Primitives } from '../core/primitives.js';
import { verifyProofBundle } from '../core/proof-bundle.js';
import { openGrant, signReleaseRequest, type ReleaseRequest } from '../core/release.js';
import type { DeviceKeys } from './device-keys.js';
import { WorkstationError } from './errors.js';
import type { GatekeeperClient } from './gatekeeper-client.js';

const LabKey = z.object({ lab: z.string(), signingKey: z.string() }).passthrough();
const ReleaseAnswer = z.object({ grant: z.unknown(), proof: z.string().max(1 << 20) }).strict();
const ErrorBody = z.object({ error: z.object({ code: z.string().max(64), message: z.string().max(2000) }) }).passthrough();

async function checkedGrant(p: Primitives, answer: z.infer<typeof ReleaseAnswer>, request: ReleaseRequest, device: DeviceKeys, manifest: CampaignManifest): Promise<Uint8Array> {
  const log = manifest.body.log;
  let entry: Uint8Array;
  try {
    const logKey = await ed25519NoteVerifier(p, log.vkey);
    const witnesses = await Promise.all(log.witnesses.map((w) => cosignatureVerifier(p, w)));
    ({ entry } = await verifyProofBundle(p, answer.proof, { log: logKey, origin: logKey.name, witnesses, quorum: log.quorum }));
  } catch (err) {
    throw new WorkstationError('proof-invalid', `The lab sent a key, but its transparency-log proof does not verify (${(err as Error).message}). The key was not opened and the item stays sealed. Report this to the lab.`);
  }
  const record = (() => {
    try {
      return decodeAccessRecord(entry);
    } catch {
      return undefined;
    }
  })();
  const a = request.body.assignment.body;
  if (record === undefined || record.kind !== 'release' || record.decision !== 'allow' || record.item !== a.item || record.campaign !== a.campaign || record.requestSignature !== request.sig) {
    throw new WorkstationError('proof-invalid', 'The lab sent a key with a log proof for some other record, not the release of this request. The key was not opened. Report this to the lab.');
  }
  return openGrant(p, answer.grant, request, device.kex);
}

export class HttpGatekeeperClient implements GatekeeperClient {
  private readonly labKeys = new Map<string, Promise<Uint8Array>>();

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
    const json = await response.json().catch(() => undefined);
    if (response.status >= 500 && !ErrorBody.safeParse(json).success) {
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

  async releaseKey(assignment: Assignment, device: DeviceKeys, manifest: CampaignManifest): Promise<Uint8Array> {
    const request = await signReleaseRequest(this.p, device, assignment, this.now());
    const { status, json } = await this.call('POST', '/v1/release', request);
    if (status !== 200) {
      const error = ErrorBody.safeParse(json);
      const { code, message } = error.success ? error.data.error : { code: `HTTP_${status}`, message: 'no reason given' };
      if (code === 'ASSIGNMENT_EXPIRED') throw new WorkstationError('lease-expired', `The lab refused the key because the lease has ended (${message}).`);
      throw new WorkstationError('key-refused', `${code}: ${message}`);
    }
    const answer = ReleaseAnswer.safeParse(json);
    if (!answer.success) throw new WorkstationError('proof-invalid', 'The lab answered without a log proof, so the key was not opened: no log, no key.');
    return checkedGrant(this.p, answer.data, request, device, manifest);
  }
}
