/**
 * The workstation's task loop for programs: the demo's simulated annotators
 * and the load tests. Same code path as the browser app (task-loop.ts over
 * the same HTTP clients and core formats); only the keys and the "person"
 * differ: keys come from any `Primitives`, and a `decide` function answers.
 *
 *   const a = await SdkAnnotator.signIn({ hub, gatekeeper, username, password });
 *   const [campaign] = await a.campaigns();
 *   await a.work(campaign, (view) => ({ v: 1, task: 'pairwise', ... }), { max: 10 });
 */
import type { Primitives } from '../../core/primitives.js';
import { webCryptoPrimitives } from '../../core/webcrypto-primitives.js';
import { deviceKeys, registration, type DeviceKeys } from '../device-keys.js';
import { WorkstationError } from '../errors.js';
import { HttpGatekeeperClient } from '../http-gatekeeper-client.js';
import { HttpHubClient, type SkipReason } from '../hub-client.js';
import type { TaskView } from '../item-content.js';
import type { LabelPlaintext } from '../../core/label-plaintext.js';
import { loadCampaigns, openLease, skipLease, submitLabel, takeLease, type Campaign, type Workbench } from '../task-loop.js';

export interface SignInOptions {
  hub: string;
  gatekeeper: string;
  username: string;
  password: string;
  /** Defaults to WebCrypto; pass nodePrimitives on servers for speed. */
  primitives?: Primitives;
  /** Reuse a device (keys made earlier); otherwise a new one is made and registered. */
  device?: DeviceKeys;
  /** The lab's enrollment invitation code: once the device is registered at the hub, it is redeemed at the gatekeeper (SPEC §2.3). */
  invitation?: string;
  now?: () => number;
}

/** What a simulated annotator answers for one item: a label, or a skip with its reason. */
export type Decision = LabelPlaintext | { skip: SkipReason };
export type Decide = (view: TaskView, item: { item: string; lease: string }) => Decision | Promise<Decision>;

export interface WorkResult {
  submitted: number;
  skipped: number;
  /** Why the loop stopped: the count was reached, the queue is empty, or a failure the loop cannot go past. */
  stopped: 'max' | 'queue-empty' | WorkstationError;
}

export async function newDevice(p: Primitives): Promise<DeviceKeys> {
  const { signer } = await p.ed25519Generate();
  const { key } = await p.x25519Generate();
  return deviceKeys(p, signer, key);
}

export class SdkAnnotator {
  private constructor(readonly bench: Workbench) {}

  static async signIn(o: SignInOptions): Promise<SdkAnnotator> {
    const p = o.primitives ?? webCryptoPrimitives;
    const now = o.now ?? (() => Math.floor(Date.now() / 1000));
    const hub = new HttpHubClient(o.hub);
    const session = await hub.login(o.username, o.password);
    const device = o.device ?? (await newDevice(p));
    const registered = await hub.registerDevice(registration(device));
    if (registered !== device.id) throw new WorkstationError('refused', 'the hub registered the device under another id');
    const gatekeeper = new HttpGatekeeperClient(o.gatekeeper, p, now);
    if (o.invitation !== undefined) await gatekeeper.enroll(o.invitation, device, session.annotator);
    return new SdkAnnotator({ p, hub, gatekeeper, device, now });
  }

  get device(): DeviceKeys {
    return this.bench.device;
  }

  async campaigns(): Promise<Campaign[]> {
    return (await loadCampaigns(this.bench)).campaigns;
  }

  /**
   * Works through the queue: lease, open (proof checked), decide, seal and submit (or skip), until
   * `max` items or the queue is empty. `onSkipped` runs once a skip is done at the gatekeeper and the
   * hub, i.e. once the item is back in the queue for others.
   */
  async work(campaign: Campaign, decide: Decide, options: { max?: number; onSkipped?: (item: string) => void } = {}): Promise<WorkResult> {
    const max = options.max ?? Number.POSITIVE_INFINITY;
    let submitted = 0;
    let skipped = 0;
    while (submitted + skipped < max) {
      try {
        const grant = await takeLease(this.bench, campaign);
        const item = await openLease(this.bench, campaign, grant);
        const decision = await decide(item.view, { item: grant.assignment.body.item, lease: grant.assignment.body.lease });
        if ('skip' in decision) {
          await skipLease(this.bench, grant, decision.skip);
          skipped++;
          options.onSkipped?.(grant.assignment.body.item);
        } else {
          await submitLabel(this.bench, item, decision);
          submitted++;
        }
      } catch (err) {
        if (!(err instanceof WorkstationError)) throw err;
        return { submitted, skipped, stopped: err.kind === 'queue-empty' ? 'queue-empty' : err };
      }
    }
    return { submitted, skipped, stopped: 'max' };
  }

  async signOut(): Promise<void> {
    await this.bench.hub.logout();
  }
}
