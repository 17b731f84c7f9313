/**
 * Rule: the device is approved and not suspended, is the annotator's the
 * assignment names, and neither the annotator nor the vendor is suspended.
 * Read inside the release transaction, so a suspension that committed first
 * always wins.
 * Codes: DEVICE_NOT_APPROVED, DEVICE_SUSPENDED, ANNOTATOR_MISMATCH, ANNOTATOR_SUSPENDED, VENDOR_SUSPENDED.
 */
import { deny, type Denial } from '../reasons.js';
import type { ReleaseFacts } from './facts.js';

export function checkDeviceStanding(f: ReleaseFacts): Denial | undefined {
  const d = f.deviceNow;
  if (d.state !== 'approved') return deny('DEVICE_NOT_APPROVED', `device ${d.id} is ${d.state} at the gatekeeper; the lab must approve it`);
  if (d.suspended_at !== null) return deny('DEVICE_SUSPENDED', `device ${d.id} is suspended`);
  if (d.vendor !== f.assignment.hub || d.annotator !== f.assignment.annotator) {
    return deny('ANNOTATOR_MISMATCH', `device ${d.id} is enrolled for ${d.vendor}:${d.annotator}, the assignment is for ${f.assignment.hub}:${f.assignment.annotator}`);
  }
  if (f.annotator?.suspended_at != null) return deny('ANNOTATOR_SUSPENDED', `annotator ${f.assignment.annotator} of ${f.assignment.hub} is suspended`);
  if (f.vendorNow.suspended_at !== null) return deny('VENDOR_SUSPENDED', `vendor ${f.vendorNow.vendor} is suspended`);
  return undefined;
}
