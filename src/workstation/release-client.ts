/**
 * The workstation's side of key release (SPEC §7), for the Node SDK and the
 * browser app: *no log, no key*. Before it opens a grant, the client
 *
 *   1. verifies the proof bundle against the campaign's log key, witness keys
 *      and quorum (verifyProofBundle: signature, cosignatures, inclusion);
 *   2. checks the proven entry is the release record of THIS request: kind
 *      "release", decision "allow", the request's signature, item, campaign
 *      and device;
 *
 * and only then opens the grant. A denial is checked the same way (its deny
 * record must be on the log, with the code the gatekeeper gave), so a
 * gatekeeper cannot deny an attributed request off the record either. The
 * one refusal without a record is of a request that proved nothing (HTTP 401,
 * SPEC §7.3); it releases nothing, so there is nothing to prove. Anything else
 * is refused.
 */
import { z } from 'zod';
import { decodeAccessRecord, type AccessRecord } from '../core/access-record.js';
import { fromHex, toBase64Url } from '../core/bytes.js';
import { KeyholeError, fail } from '../core/errors.js';
import type { Primitives, X25519PrivateKey } from '../core/primitives.js';
import { verifyProofBundle, type TrustPolicy } from '../core/proof-bundle.js';
import { ReleaseGrant, openGrant, type ReleaseRequest } from '../core/release.js';
import { parseJsonText, parseWith } from '../core/schema.js';

const MAX_PROOF_CHARS = 64 * 1024;
const Proof = z.string().min(1).max(MAX_PROOF_CHARS);
const GrantResponse = z.object({ grant: ReleaseGrant, proof: Proof }).strict();
const DenialResponse = z.object({ error: z.object({ code: z.string().max(64), reason: z.string().max(1024) }).strict(), proof: Proof }).strict();
const ErrorResponse = z.object({ error: z.object({ code: z.string().max(64), reason: z.string().max(1024) }).strict() }).strict();

/**
 * A refusal; `denyCode` is the gatekeeper's reason code (docs/GATEKEEPER.md).
 * `record` is the deny record, proven on the log, when the gatekeeper could
 * attribute the request; undefined when it refused the request as unproven
 * (HTTP 401, SPEC §7.3), which it does off the record by design: the device
 * is not enrolled yet, or the request's signatures or time did not check out.
 */
export class ReleaseDenied extends KeyholeError {
  constructor(
    readonly denyCode: string,
    reason: string,
    readonly record: AccessRecord | undefined,
  ) {
    super('DENIED', `release denied (${denyCode}): ${reason}`);
  }
}

async function provenRecord(p: Primitives, proof: string, policy: TrustPolicy): Promise<AccessRecord> {
  const verified = await verifyProofBundle(p, proof, policy);
  return decodeAccessRecord(verified.entry);
}

function checkRecordIsFor(record: AccessRecord, request: ReleaseRequest): void {
  const a = request.body.assignment.body;
  if (record.requestSignature !== request.sig) fail('MISMATCH', 'release proof: the logged record is for another request');
  if (record.item !== a.item || record.campaign !== a.campaign) fail('MISMATCH', 'release proof: the logged record names another item');
  if (record.deviceKeyHash !== toBase64Url(fromHex(request.body.device, 'device id'))) fail('MISMATCH', 'release proof: the logged record names another device');
}

/**
 * Checks a gatekeeper answer to `request` (HTTP status and parsed JSON body)
 * and returns the DEK, or throws: ReleaseDenied for a logged denial,
 * KeyholeError for anything that is not provably on the log.
 */
export async function openReleaseResponse(p: Primitives, status: number, body: unknown, request: ReleaseRequest, deviceKex: X25519PrivateKey, policy: TrustPolicy): Promise<Uint8Array> {
  if (status === 200) {
    const r = parseWith(GrantResponse, body, 'release response');
    const record = await provenRecord(p, r.proof, policy);
    if (record.kind !== 'release' || record.decision !== 'allow') fail('MISMATCH', `release proof: the logged record is a ${record.kind}/${record.decision}, not a release`);
    checkRecordIsFor(record, request);
    return openGrant(p, r.grant, request, deviceKex);
  }
  if (status === 403) {
    const r = parseWith(DenialResponse, body, 'release denial');
    const record = await provenRecord(p, r.proof, policy);
    if (record.kind !== 'deny' || record.decision !== 'deny' || record.reason !== r.error.code) fail('MISMATCH', 'release denial: the logged record does not match the denial');
    checkRecordIsFor(record, request);
    throw new ReleaseDenied(r.error.code, r.error.reason, record);
  }
  const e = ErrorResponse.safeParse(body);
  if (status === 401 && e.success) throw new ReleaseDenied(e.data.error.code, e.data.error.reason, undefined);
  if (e.success) throw new KeyholeError(e.data.error.code === 'UNAVAILABLE' ? 'UNAVAILABLE' : 'BAD_FORMAT', `gatekeeper refused the request (HTTP ${status}, ${e.data.error.code}): ${e.data.error.reason}`);
  return fail('BAD_FORMAT', `gatekeeper answered HTTP ${status} without a keyhole error body`);
}

/** POSTs the request to `${gatekeeper}/v1/release` and returns the DEK once the proof checks out. */
export async function requestRelease(p: Primitives, gatekeeper: string, request: ReleaseRequest, deviceKex: X25519PrivateKey, policy: TrustPolicy): Promise<Uint8Array> {
  const res = await fetch(new URL('v1/release', gatekeeper.endsWith('/') ? gatekeeper : `${gatekeeper}/`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const text = await res.text();
  return openReleaseResponse(p, res.status, parseJsonText(text, 'gatekeeper response'), request, deviceKex, policy);
}
