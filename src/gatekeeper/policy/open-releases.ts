/**
 * How long a release counts against the caps (issue 14 finding 2; SPEC §7.4;
 * docs/GATEKEEPER.md §Open releases). The lease's expiry is signed by the
 * vendor, so a breached vendor could sign one-second leases and have every
 * release stop counting at once. The lab therefore sets a minimum exposure
 * window per campaign, and only the device's own signed word ends a release
 * early (its submit receipt, or its release-ended notice for a skip):
 *
 *   held    (outstanding, overlap): until the device proves the release ended;
 *           without that, until the later of the lease's end and the window;
 *   exposed (vendor and campaign budgets): until the later of the window and
 *           the end of holding, so whatever the device signs, a release counts
 *           toward the budgets for the whole window.
 *
 * A skipped release holds no overlap place (the item goes back to the queue
 * and the next annotator may get its key), while it stays exposed.
 */
import type { Selectable } from 'kysely';
import type { ReleasesTable } from '../db/tables.js';

/** The campaign's minimum exposure window unless the lab sets one: the demo's and the hub's usual lease. */
export const DEFAULT_MIN_EXPOSURE_SECONDS = 900;

export interface OpenTimes {
  readonly held_until: number;
  readonly exposed_until: number;
}

/** At release: held and exposed until the later of the lease's end and the window's. */
export function openAtRelease(now: number, leaseExpires: number, minExposureSeconds: number): OpenTimes {
  const until = Math.max(leaseExpires, now + minExposureSeconds);
  return { held_until: until, exposed_until: until };
}

/** A renewed lease under the same release may lengthen it, never shorten it. */
export function openAfterRenewal(row: Pick<Selectable<ReleasesTable>, 'held_until' | 'exposed_until'>, leaseExpires: number): OpenTimes {
  return { held_until: Math.max(row.held_until, leaseExpires), exposed_until: Math.max(row.exposed_until, leaseExpires) };
}

/** When the device proves the release ended (submit or skip) at `now`: no longer held; exposed until the window ends. */
export function openAtEnd(row: Pick<Selectable<ReleasesTable>, 'released_at'>, now: number, minExposureSeconds: number): OpenTimes {
  return { held_until: now, exposed_until: Math.max(now, row.released_at + minExposureSeconds) };
}
