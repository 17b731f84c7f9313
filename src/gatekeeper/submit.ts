/**
 * Submit receipts (issue 5): the workstation reports a submitted label to the
 * gatekeeper by sending the sealed label itself (SPEC §6): it is already
 * signed by the device and bound to item, lease and annotator, so no new
 * format is needed and the gatekeeper can check it fully. The gatekeeper
 * finds the release it answers, logs a `submit` record, and only then marks
 * the release submitted, which ends its hold on the annotator's outstanding
 * items (lowering a cap is a permission: logged before it takes effect); it
 * stays exposed until the campaign's minimum window ends
 * (policy/open-releases.ts). Submitting the same label again changes nothing.
 */
import { fromBase64Url } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { SealedLabel, verifyLabel } from '../core/label.js';
import { parseWith } from '../core/schema.js';
import { annotatorRef, deviceKeyHash, policyHashField, seconds, type GatekeeperContext } from './context.js';
import { openAtEnd } from './policy/open-releases.js';

export type SubmitResult = { readonly status: 'recorded'; readonly proof: string; readonly index: number } | { readonly status: 'already-recorded' };

export async function handleSubmit(ctx: GatekeeperContext, input: unknown): Promise<SubmitResult> {
  const label = parseWith(SealedLabel, input, 'sealed label');
  const device = await ctx.db.selectFrom('devices').selectAll().where('id', '=', label.device).executeTakeFirst();
  if (!device) fail('NOT_FOUND', `device ${label.device} is not enrolled at this gatekeeper`);
  await verifyLabel(ctx.p, label, { signing: fromBase64Url(device.signing_key), kex: fromBase64Url(device.kex_key) });
  if (label.lab !== ctx.lab) fail('MISMATCH', `label is for lab ${label.lab}, this gatekeeper serves ${ctx.lab}`);
  const release = await ctx.db
    .selectFrom('releases')
    .innerJoin('items', 'items.digest', 'releases.digest')
    .innerJoin('campaigns', 'campaigns.campaign', 'releases.campaign')
    .select(['releases.id', 'releases.submitted_at', 'releases.released_at', 'items.item', 'items.campaign', 'campaigns.policy', 'campaigns.min_exposure_seconds'])
    .where('releases.digest', '=', label.digest)
    .where('releases.vendor', '=', device.vendor)
    .where('releases.annotator', '=', label.annotator)
    .where('releases.lease', '=', label.lease)
    .where('releases.device', '=', label.device)
    .executeTakeFirst();
  if (!release) fail('NOT_FOUND', `no release of item ${label.item} under lease ${label.lease} to this device; nothing to submit against`);
  if (release.item !== label.item || release.campaign !== label.campaign) fail('MISMATCH', `label names ${label.campaign}/${label.item}, the released item is ${release.campaign}/${release.item}`);
  if (release.submitted_at !== null) return { status: 'already-recorded' };
  const logged = await ctx.audit.append(
    { kind: 'submit', decision: 'none', campaign: label.campaign, item: label.item, annotator: annotatorRef(device.vendor, label.annotator), deviceKeyHash: deviceKeyHash(label.device), requestSignature: label.sig, policyHash: policyHashField(release.policy) },
    ctx.now(),
  );
  const now = seconds(ctx.now());
  await ctx.db
    .updateTable('releases')
    .set({ submitted_at: now, ...openAtEnd(release, now, release.min_exposure_seconds) })
    .where('id', '=', release.id)
    .where('submitted_at', 'is', null)
    .execute();
  return { status: 'recorded', proof: await ctx.audit.proof(logged), index: logged.index };
}
