/**
 * Release-ended notices (SPEC §7.4; issue 16): a workstation that skips an
 * item it holds the key for tells the gatekeeper with a notice signed by its
 * device. The gatekeeper finds the release it ends, logs a `skip` record, and
 * only then marks the release skipped: it no longer holds the annotator's
 * outstanding place nor the item's overlap place, so the item the hub puts
 * back in its queue can go to the next annotator. It stays exposed until the
 * campaign's minimum window ends (policy/open-releases.ts): a skip does not
 * undo what the device read, and a breached vendor with a stolen device gains
 * nothing from skipping that it could not get from submitting.
 *
 * Only the device's key signs a notice, so the vendor cannot end releases of
 * devices it does not hold. A notice for a release already submitted or
 * skipped changes nothing; an unknown device or a bad signature is refused
 * and logged nowhere (it proves nobody, SPEC §7.3).
 */
import { fromBase64Url } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { ReleaseEnded, verifyReleaseEnded } from '../core/release.js';
import { parseWith } from '../core/schema.js';
import { annotatorRef, deviceKeyHash, policyHashField, seconds, type GatekeeperContext } from './context.js';
import { openAtEnd } from './policy/open-releases.js';

export type ReleaseEndedResult = { readonly status: 'recorded'; readonly proof: string; readonly index: number } | { readonly status: 'already-ended' };

export async function handleReleaseEnded(ctx: GatekeeperContext, input: unknown): Promise<ReleaseEndedResult> {
  const parsed = parseWith(ReleaseEnded, input, 'release-ended notice');
  const device = await ctx.db.selectFrom('devices').selectAll().where('id', '=', parsed.body.device).executeTakeFirst();
  if (!device) fail('NOT_FOUND', `device ${parsed.body.device} is not enrolled at this gatekeeper`);
  const notice = await verifyReleaseEnded(ctx.p, parsed, { signing: fromBase64Url(device.signing_key), kex: fromBase64Url(device.kex_key) });
  const n = notice.body;
  if (n.lab !== ctx.lab) fail('MISMATCH', `notice is for lab ${n.lab}, this gatekeeper serves ${ctx.lab}`);
  const release = await ctx.db
    .selectFrom('releases')
    .innerJoin('items', 'items.digest', 'releases.digest')
    .innerJoin('campaigns', 'campaigns.campaign', 'releases.campaign')
    .select(['releases.id', 'releases.released_at', 'releases.submitted_at', 'releases.skipped_at', 'items.item', 'items.campaign', 'campaigns.policy', 'campaigns.min_exposure_seconds'])
    .where('releases.digest', '=', n.digest)
    .where('releases.vendor', '=', device.vendor)
    .where('releases.annotator', '=', device.annotator)
    .where('releases.lease', '=', n.lease)
    .where('releases.device', '=', device.id)
    .executeTakeFirst();
  if (!release) fail('NOT_FOUND', `no release of item ${n.item} under lease ${n.lease} to this device; nothing to end`);
  if (release.item !== n.item || release.campaign !== n.campaign) fail('MISMATCH', `notice names ${n.campaign}/${n.item}, the released item is ${release.campaign}/${release.item}`);
  if (release.submitted_at !== null || release.skipped_at !== null) return { status: 'already-ended' };
  const logged = await ctx.audit.append(
    {
      kind: 'skip',
      decision: 'none',
      campaign: n.campaign,
      item: n.item,
      annotator: annotatorRef(device.vendor, device.annotator),
      deviceKeyHash: deviceKeyHash(device.id),
      requestSignature: notice.sig,
      policyHash: policyHashField(release.policy),
      reason: `SKIPPED ${n.reason}`,
    },
    ctx.now(),
  );
  const now = seconds(ctx.now());
  await ctx.db
    .updateTable('releases')
    .set({ skipped_at: now, ...openAtEnd(release, now, release.min_exposure_seconds) })
    .where('id', '=', release.id)
    .where('submitted_at', 'is', null)
    .where('skipped_at', 'is', null)
    .execute();
  return { status: 'recorded', proof: await ctx.audit.proof(logged), index: logged.index };
}
