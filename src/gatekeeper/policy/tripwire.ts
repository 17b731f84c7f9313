/**
 * Rule: tripwire items are ids no queue should ever hand out (DESIGN §3
 * step 3); a request for one means the vendor's queue is not the one the lab
 * set up. Always denied, and alerted. Code: TRIPWIRE.
 */
import { deny, type Denial } from '../reasons.js';
import type { ItemFacts } from './facts.js';

export function checkTripwire(f: ItemFacts): Denial | undefined {
  if (f.item.tripwire !== 1) return undefined;
  return deny('TRIPWIRE', `item ${f.item.item} must never be requested; the lab has been alerted`, true);
}
