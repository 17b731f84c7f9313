/**
 * Rule: a request's nonce is used once (SPEC §7.1). Nonces are kept past the
 * freshness window, after which the request would be STALE anyway. The insert
 * itself is the check, so two concurrent copies of one request cannot both
 * pass (primary key; PostgreSQL makes the second wait, then do nothing).
 * Code: REPLAY (the first replay of a request logged, the others unproven).
 */
import { REQUEST_WINDOW_SECONDS } from '../../core/release.js';
import { deny, refuseUnproven, type Denial } from '../reasons.js';
import type { Trx } from './facts.js';

export const NONCE_KEEP_SECONDS = 2 * REQUEST_WINDOW_SECONDS + 60;

export async function claimNonce(trx: Trx, nonce: string, requestTime: number): Promise<boolean> {
  const result = await trx
    .insertInto('nonces')
    .values({ nonce, expires_at: requestTime + NONCE_KEEP_SECONDS })
    .onConflict((oc) => oc.column('nonce').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

const REPLAY_MESSAGE = 'this request was seen before (nonce reused); a workstation signs a new request for every attempt';

/**
 * The first copy of a request seen again is logged, attributed: the device
 * did sign it, within the window. Every further copy is unproven (SPEC §7.3):
 * it proves only that someone holds the request, and logging each would let
 * whoever captured one write denial bursts under the annotator's name.
 */
export async function checkNonce(trx: Trx, nonce: string, requestTime: number): Promise<Denial | undefined> {
  if (await claimNonce(trx, `r:${nonce}`, requestTime)) return undefined;
  if (await claimNonce(trx, `rr:${nonce}`, requestTime)) return deny('REPLAY', REPLAY_MESSAGE);
  return refuseUnproven('REPLAY', REPLAY_MESSAGE);
}

/** Forgets nonces whose requests would now be refused as STALE anyway. */
export async function purgeExpiredNonces(db: Pick<Trx, 'deleteFrom'>, now: number): Promise<number> {
  const result = await db.deleteFrom('nonces').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
