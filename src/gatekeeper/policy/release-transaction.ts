/**
 * The stateful half of a release decision, in one database transaction:
 * claim the nonce, read the device, annotator, vendor, item, batch and
 * campaign as they are now, run the rules in order, and when all pass,
 * reserve the release (insert its row) before committing. Counting and
 * reserving in one transaction is what makes the caps race-free: on SQLite
 * transactions run one at a time; on PostgreSQL the vendor, campaign and
 * item rows are locked FOR UPDATE, always in that order (no deadlock), so
 * two requests that could both count against the same cap are serialized.
 *
 * A denial commits too: the nonce stays used.
 */
import type { Selectable } from 'kysely';
import type { CampaignsTable, ItemsTable } from '../db/tables.js';
import type { GatekeeperContext } from '../context.js';
import type { Denial } from '../reasons.js';
import { checkBatchLive } from './batch-live.js';
import { checkCampaignOpen } from './campaign-open.js';
import { checkDeviceStanding } from './device-standing.js';
import { checkExposureBudget } from './exposure-budget.js';
import type { ItemFacts, ReleaseFacts, VerifiedRequest } from './facts.js';
import { checkItemKnown } from './item-known.js';
import { checkNonce } from './nonce-unused.js';
import { checkOutstandingLeases } from './outstanding-leases.js';
import { openAfterRenewal, openAtRelease } from './open-releases.js';
import { checkOverlapCap } from './overlap-cap.js';
import { checkPace } from './pace.js';
import { checkRepeat } from './repeat-item.js';
import { checkTripwire } from './tripwire.js';

export type TransactionOutcome =
  | { readonly denial: Denial; readonly campaign: Selectable<CampaignsTable> | undefined }
  | {
      readonly reservation: string;
      /** True when this is a re-release under the same lease: nothing was reserved, nothing to roll back. */
      readonly again: boolean;
      readonly item: Selectable<ItemsTable>;
      readonly campaign: Selectable<CampaignsTable>;
    };

export function decideInTransaction(ctx: GatekeeperContext, v: VerifiedRequest): Promise<TransactionOutcome> {
  const a = v.assignment;
  const lock = ctx.dialect === 'postgres';
  return ctx.db.transaction().execute(async (trx) => {
    let vendorQuery = trx.selectFrom('vendors').selectAll().where('vendor', '=', a.hub);
    let campaignQuery = trx.selectFrom('campaigns').selectAll().where('campaign', '=', a.campaign);
    let itemQuery = trx.selectFrom('items').selectAll().where('digest', '=', a.digest);
    if (lock) {
      vendorQuery = vendorQuery.forUpdate();
      campaignQuery = campaignQuery.forUpdate();
      itemQuery = itemQuery.forUpdate();
    }
    const vendorNow = await vendorQuery.executeTakeFirstOrThrow();
    const campaign = await campaignQuery.executeTakeFirst();
    const item = await itemQuery.executeTakeFirst();

    const replay = await checkNonce(trx, v.request.body.nonce, v.request.body.time);
    if (replay) return { denial: replay, campaign };

    const deviceNow = await trx.selectFrom('devices').selectAll().where('id', '=', v.device.id).executeTakeFirstOrThrow();
    const annotator = await trx.selectFrom('annotators').selectAll().where('vendor', '=', a.hub).where('annotator', '=', a.annotator).executeTakeFirst();
    const batch = item ? await trx.selectFrom('batches').selectAll().where('batch', '=', item.batch).executeTakeFirst() : undefined;
    const facts: ReleaseFacts = { ...v, vendorNow, deviceNow, annotator, item, batch, campaign };

    const first = checkDeviceStanding(facts) ?? checkItemKnown(facts) ?? checkCampaignOpen(facts);
    if (first) return { denial: first, campaign };
    const f = facts as ItemFacts;
    const itemDenial = checkTripwire(f) ?? checkBatchLive(f);
    if (itemDenial) return { denial: itemDenial, campaign: f.campaign };

    const repeat = await checkRepeat(trx, f);
    if (repeat.kind === 'denied') return { denial: repeat.denial, campaign: f.campaign };
    if (repeat.kind === 'again') {
      await trx.updateTable('releases').set(openAfterRenewal(repeat.prior, a.expires)).where('id', '=', repeat.prior.id).execute();
      return { reservation: repeat.prior.id, again: true, item: f.item, campaign: f.campaign };
    }

    for (const rule of [checkOverlapCap, checkPace, checkOutstandingLeases, checkExposureBudget]) {
      const denial = await rule(trx, f);
      if (denial) return { denial, campaign: f.campaign };
    }
    await trx
      .insertInto('releases')
      .values({
        id: v.request.sig,
        digest: f.item.digest,
        campaign: f.campaign.campaign,
        vendor: a.hub,
        annotator: a.annotator,
        device: v.device.id,
        lease: a.lease,
        released_at: v.now,
        lease_expires: a.expires,
        submitted_at: null,
        log_index: null,
        skipped_at: null,
        ...openAtRelease(v.now, a.expires, f.campaign.min_exposure_seconds),
      })
      .execute();
    return { reservation: v.request.sig, again: false, item: f.item, campaign: f.campaign };
  });
}
