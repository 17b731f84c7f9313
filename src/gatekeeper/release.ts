/**
 * The release pipeline (DESIGN §3 step 3; SPEC §7): *no log, no key*.
 *
 *   1. parse the request (malformed input is refused with BAD_FORMAT and not
 *      logged: it names nobody);
 *   2. stateless rules: device signature and freshness, hub assignment;
 *      a request that fails to prove its sender here (or replays a nonce in
 *      step 3) is refused and counted, never logged under the names it
 *      carries (SPEC §7.3, unproven-requests.ts);
 *   3. the release transaction: nonce, standing, item, campaign, counters,
 *      and the reservation (policy/release-transaction.ts);
 *   4. when allowed: unwrap the DEK and seal the grant to the device, in memory;
 *   5. append the decision (allow or deny) to the log and wait until it is
 *      durable and under a published, witnessed checkpoint;
 *   6. only then return the grant with the entry's proof bundle.
 *
 * If step 4 or 5 fails, the reservation is deleted and no key leaves. A crash
 * between 3 and 5 leaves a reservation without a record: it keeps counting
 * against the caps as any release does (the later of its lease's end and the
 * campaign's minimum exposure window; policy/open-releases.ts), which errs on
 * the side of exposure.
 *
 * Every record a proven request leads to names the annotator the lab enrolled
 * the signing device for (not whoever the assignment names), that device, and
 * the item and campaign of the hub-signed assignment.
 */
import { fromBase64Url } from '../core/bytes.js';
import { KeyholeError, fail } from '../core/errors.js';
import { ReleaseRequest, sealGrant, type ReleaseGrant } from '../core/release.js';
import { parseWith } from '../core/schema.js';
import { unwrapDek } from '../core/sealed-item.js';
import type { Selectable } from 'kysely';
import type { LoggedRecord, RecordInput } from './audit-trail.js';
import { annotatorRef, deviceKeyHash, policyHashField, seconds, type GatekeeperContext } from './context.js';
import type { DevicesTable } from './db/tables.js';
import { parseSlot } from './keystore/keks.js';
import { checkAssignment } from './policy/assignment-valid.js';
import type { VerifiedRequest } from './policy/facts.js';
import { decideInTransaction } from './policy/release-transaction.js';
import { checkRequestSignature } from './policy/request-signature.js';
import { deny, type Denial } from './reasons.js';
import { countMalformed, unprovenRequests } from './unproven-requests.js';

export type ReleaseResult =
  | { readonly status: 'granted'; readonly grant: ReleaseGrant; readonly proof: string; readonly index: number }
  | { readonly status: 'denied'; readonly denial: Denial; readonly proof: string; readonly index: number }
  /** Unproven (SPEC §7.3): refused and counted; no record names anything the request carried. */
  | { readonly status: 'refused'; readonly denial: Denial };

type Device = Selectable<DevicesTable>;

/** What a proven request's records say: the enrolled device's annotator, the device, the hub-signed item. */
function baseRecord(request: ReleaseRequest, device: Device): Omit<RecordInput, 'kind' | 'decision'> {
  const a = request.body.assignment.body;
  return { campaign: a.campaign, item: a.item, annotator: annotatorRef(device.vendor, device.annotator), deviceKeyHash: deviceKeyHash(device.id), requestSignature: request.sig };
}

function refused(ctx: GatekeeperContext, denial: Denial): ReleaseResult {
  unprovenRequests(ctx).note(denial.code);
  return { status: 'refused', denial };
}

async function logDecision(ctx: GatekeeperContext, input: RecordInput): Promise<LoggedRecord> {
  try {
    return await ctx.audit.append(input, ctx.now());
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return fail('UNAVAILABLE', `the audit log did not take the decision (${reason}); no key was released, retry with a new request`);
  }
}

async function denied(ctx: GatekeeperContext, request: ReleaseRequest, device: Device, denial: Denial, policy: string | undefined): Promise<ReleaseResult> {
  const base = baseRecord(request, device);
  const logged = await logDecision(ctx, { ...base, kind: 'deny', decision: 'deny', reason: denial.code, ...(policy ? { policyHash: policyHashField(policy) } : {}) });
  if (denial.alert) {
    const alertRecord = await ctx.audit.append({ ...base, kind: 'alert', decision: 'none', reason: denial.code }, ctx.now()).catch(() => undefined);
    ctx.alert({ code: denial.code, message: denial.message, time: logged.record.time, campaign: base.campaign!, item: base.item!, annotator: base.annotator!, logIndex: alertRecord?.index ?? logged.index });
  }
  return { status: 'denied', denial, proof: await ctx.audit.proof(logged), index: logged.index };
}

/** The device is set once its signature verified: a later refusal can be attributed when it is not unproven. */
async function verifyStateless(ctx: GatekeeperContext, request: ReleaseRequest, now: number): Promise<VerifiedRequest | { denial: Denial; device?: Device }> {
  const signed = await checkRequestSignature(ctx, request, now);
  if ('denial' in signed) return { denial: signed.denial };
  const assigned = await checkAssignment(ctx, request.body.assignment, now);
  if ('denial' in assigned) return { denial: assigned.denial, device: signed.device };
  return { request, assignment: request.body.assignment.body, device: signed.device, vendor: assigned.vendor, now };
}

async function sealFor(ctx: GatekeeperContext, v: VerifiedRequest, itemDigest: string, slotText: string | null): Promise<ReleaseGrant | Denial> {
  if (slotText === null) return deny('BATCH_SHREDDED', 'the item’s key slot was destroyed with its batch', true);
  const slot = parseSlot(slotText);
  let kek;
  try {
    kek = await ctx.keks.kek(slot.kek);
  } catch (err) {
    if (err instanceof KeyholeError && err.code === 'NOT_FOUND') return deny('BATCH_SHREDDED', `KEK ${slot.kek} no longer exists`, true);
    throw err;
  }
  let dek: Uint8Array;
  try {
    dek = await unwrapDek(ctx.p, kek, { digest: fromBase64Url(itemDigest), slot });
  } catch {
    return deny('KEY_UNAVAILABLE', 'the registered key slot does not open; the lab must re-register the item', true);
  }
  try {
    return await sealGrant(ctx.p, v.request, fromBase64Url(v.device.kex_key), dek);
  } finally {
    dek.fill(0);
  }
}

export async function handleRelease(ctx: GatekeeperContext, input: unknown): Promise<ReleaseResult> {
  let request: ReleaseRequest;
  try {
    request = parseWith(ReleaseRequest, input, 'release request');
  } catch (err) {
    return countMalformed(ctx)(err);
  }
  const now = seconds(ctx.now());
  const verified = await verifyStateless(ctx, request, now);
  if ('denial' in verified) {
    if (verified.denial.unproven || verified.device === undefined) return refused(ctx, verified.denial);
    return denied(ctx, request, verified.device, verified.denial, undefined);
  }

  const outcome = await decideInTransaction(ctx, verified);
  if ('denial' in outcome) {
    if (outcome.denial.unproven) return refused(ctx, outcome.denial);
    return denied(ctx, request, verified.device, outcome.denial, outcome.campaign?.policy);
  }

  const rollback = async (): Promise<void> => {
    if (!outcome.again) await ctx.db.deleteFrom('releases').where('id', '=', outcome.reservation).execute();
  };
  let sealed: ReleaseGrant | Denial;
  try {
    sealed = await sealFor(ctx, verified, outcome.item.digest, outcome.item.slot);
  } catch (err) {
    await rollback();
    throw err;
  }
  if ('code' in sealed) {
    await rollback();
    return denied(ctx, request, verified.device, sealed, outcome.campaign.policy);
  }
  let logged: LoggedRecord;
  try {
    logged = await logDecision(ctx, { ...baseRecord(request, verified.device), kind: 'release', decision: 'allow', policyHash: policyHashField(outcome.campaign.policy) });
  } catch (err) {
    await rollback();
    throw err;
  }
  if (!outcome.again) await ctx.db.updateTable('releases').set({ log_index: logged.index }).where('id', '=', outcome.reservation).execute();
  return { status: 'granted', grant: sealed, proof: await ctx.audit.proof(logged), index: logged.index };
}
