/**
 * Reason codes of the release policy (docs/GATEKEEPER.md §Policy). Each code
 * is written as the `reason` of the deny record in the log, and returned to
 * the client as `error.code`, so the log says exactly why a key did not leave.
 */
export const DENY_CODES = [
  'BAD_SIGNATURE',
  'STALE',
  'REPLAY',
  'DEVICE_UNKNOWN',
  'DEVICE_MISMATCH',
  'DEVICE_NOT_APPROVED',
  'DEVICE_SUSPENDED',
  'ANNOTATOR_MISMATCH',
  'ANNOTATOR_SUSPENDED',
  'VENDOR_UNKNOWN',
  'VENDOR_SUSPENDED',
  'ASSIGNMENT_INVALID',
  'ASSIGNMENT_EXPIRED',
  'ITEM_UNKNOWN',
  'ITEM_MISMATCH',
  'TRIPWIRE',
  'BATCH_SHREDDED',
  'CAMPAIGN_UNKNOWN',
  'CAMPAIGN_NOT_OPEN',
  'CAMPAIGN_CLOSED',
  'REPEAT_ITEM',
  'OVERLAP_CAP',
  'PACE_MINUTE',
  'PACE_HOUR',
  'OUTSTANDING_LEASES',
  'VENDOR_EXPOSURE',
  'CAMPAIGN_EXPOSURE',
  'KEY_UNAVAILABLE',
] as const;
export type DenyCode = (typeof DENY_CODES)[number];

export interface Denial {
  readonly code: DenyCode;
  /** For the client and the operator: what failed and what to do. Never key material. */
  readonly message: string;
  /** Tripwires and requests for shredded batches also raise an alert (DESIGN §3 step 6). */
  readonly alert?: boolean;
}

export function deny(code: DenyCode, message: string, alert = false): Denial {
  return alert ? { code, message, alert } : { code, message };
}
