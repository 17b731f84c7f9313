/**
 * Reason codes of the release policy (docs/GATEKEEPER.md §Policy). Each code
 * is returned to the client as `error.code`. For a request the gatekeeper
 * could attribute (SPEC §7.3: a fresh, first-seen request signed by an
 * enrolled device, carrying an assignment the hub's key signed), the code is
 * also the `reason` of the deny record in the log, so the log says exactly why
 * a key did not leave. An unproven request names nobody the log could trust:
 * it is refused and only counted (unproven-requests.ts).
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
  /**
   * The request did not prove who sent it (SPEC §7.3), so nothing it names may
   * be written to the log as its actor: refused, counted, never attributed.
   */
  readonly unproven?: boolean;
}

export function deny(code: DenyCode, message: string, alert = false): Denial {
  return alert ? { code, message, alert } : { code, message };
}

/** A refusal of a request that proved nothing about its sender (SPEC §7.3). */
export function refuseUnproven(code: DenyCode, message: string): Denial {
  return { code, message, unproven: true };
}
