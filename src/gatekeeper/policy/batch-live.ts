/**
 * Rule: the item's batch is not shredded (DESIGN §3 step 6). A request for a
 * shredded batch is denied and alerted: the hub should not be handing it out.
 * Code: BATCH_SHREDDED.
 */
import { deny, type Denial } from '../reasons.js';
import type { ItemFacts } from './facts.js';

export function checkBatchLive(f: ItemFacts): Denial | undefined {
  if (f.batch && f.batch.state === 'live' && f.item.slot !== null) return undefined;
  return deny('BATCH_SHREDDED', `batch ${f.item.batch} has been shredded; its keys no longer exist`, true);
}
