/**
 * The workstation's view of the lab's gatekeeper: the lab's signing key (to
 * check campaign manifests and item headers) and key release. `releaseKey`
 * returns a DEK only after the log proof that came with it verified and
 * named this very request (release-client.ts: no log, no key).
 * `recordSubmission` sends the submitted label as the submit receipt, which
 * the gatekeeper logs and which frees the release's place in the caps;
 * `recordSkip` sends the device-signed release-ended notice of a skip (SPEC
 * §7.4), which frees the item's overlap place so the next annotator can get it.
 */
import type { Assignment } from '../core/assignment.js';
import type { CampaignManifest } from '../core/campaign-manifest.js';
import type { SealedLabel } from '../core/label.js';
import type { ReleaseEnded } from '../core/release.js';
import type { DeviceKeys } from './device-keys.js';

export interface GatekeeperClient {
  labSigningKey(lab: string): Promise<Uint8Array>;
  releaseKey(assignment: Assignment, device: DeviceKeys, manifest: CampaignManifest): Promise<Uint8Array>;
  recordSubmission(label: SealedLabel): Promise<void>;
  recordSkip(notice: ReleaseEnded): Promise<void>;
}
