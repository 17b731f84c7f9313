/**
 * What the monitor knows about the people and things in the log, folded from
 * access records in log order: per annotator, device, vendor and campaign,
 * plus each annotator's record chain and the leases still waiting for their
 * submit receipt. Rules read it; only `apply` changes it. It is rebuilt on
 * start by replaying the stored records, so SQLite stays the one source of
 * truth (store/monitor-store.ts).
 */
import { GENESIS_PREV, type AccessRecord } from '../../core/access-record.js';
import { TimeWindow } from './time-window.js';

export interface ObservedRecord {
  readonly index: number;
  readonly record: AccessRecord;
  /** SHA-256 of the entry bytes (base64url): what the chain's next `prev` must be. */
  readonly chainHash: string;
  readonly vendor: string;
  /** The device id (SPEC §2.1) in hex, when the record names one. */
  readonly device?: string;
  readonly timeMs: number;
}

const HOUR = 3_600_000;
/** Windows keep a day: the longest horizon any rule asks about (breadth, expiries). */
const WINDOW_HORIZON = 24 * HOUR;

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
  readonly index: number;
}

export class AnnotatorActivity {
  firstMs: number;
  lastMs: number;
  /** lastMs before the latest record: how long the account had been quiet. */
  previousMs: number;
  releases = 0;
  denies = 0;
  submits = 0;
  skips = 0;
  readonly releaseTimes = new TimeWindow(WINDOW_HORIZON);
  readonly denyTimes = new TimeWindow(WINDOW_HORIZON);
  readonly expiredUnsubmitted = new TimeWindow(WINDOW_HORIZON);
  /** campaign -> time of the annotator's latest release in it */
  readonly campaigns = new Map<string, number>();
  readonly devices = new Set<string>();
  /** "campaign\0item" -> releases of that item to this annotator */
  readonly itemReleases = new Map<string, number>();
  /** The latest release went to a device this annotator had not used before (and it had used another). */
  switchedDevice = false;
  /** The numeric tail of the latest released item id and how long the +1 run is. */
  scan: { prefix: string; n: number; run: number; from: number[] } | undefined;

  constructor(
    readonly vendor: string,
    t: number,
  ) {
    this.firstMs = t;
    this.lastMs = t;
    this.previousMs = t;
  }
}

export interface DeviceActivity {
  readonly annotator: string | undefined;
  readonly firstMs: number;
  lastMs: number;
  releases: number;
}

export interface ExposureActivity {
  releases: number;
  /** "campaign\0item" of every item released at least once: the plaintext a breach could reach. */
  readonly exposed: Set<string>;
}

export interface CampaignActivity extends ExposureActivity {
  shreddedMs: number | undefined;
}

interface OpenLease {
  readonly release: ObservedRecord;
  readonly deadlineMs: number;
}

export const itemKey = (campaign: string | undefined, item: string | undefined): string => `${campaign ?? ''}\0${item ?? ''}`;
const leaseKey = (r: AccessRecord): string => `${r.annotator ?? ''}\0${itemKey(r.campaign, r.item)}`;

/** A record whose seq/prev does not follow the previous record of its chain. */
export interface ChainBreak {
  readonly index: number;
  readonly expectedSeq: number;
  readonly seq: number;
  readonly prevMatches: boolean;
  /** Log index of the chain's previous record, if any. */
  readonly previousIndex: number | undefined;
}

export class ActivityState {
  /** Set by `apply` for the record it just folded in, when that record broke its chain. */
  lastChainBreak: ChainBreak | undefined;
  readonly annotators = new Map<string, AnnotatorActivity>();
  readonly devices = new Map<string, DeviceActivity>();
  readonly vendors = new Map<string, ExposureActivity>();
  readonly campaigns = new Map<string, CampaignActivity>();
  /** Chain key (annotator, or "" for records about no annotator) -> last record seen. */
  readonly chains = new Map<string, ChainHead>();
  /** Leases by their length: within one length, insertion order is deadline order. */
  private readonly openLeases = new Map<number, Map<string, OpenLease>>();

  annotator(name: string | undefined): AnnotatorActivity | undefined {
    return name === undefined ? undefined : this.annotators.get(name);
  }

  vendor(name: string): ExposureActivity {
    let v = this.vendors.get(name);
    if (!v) this.vendors.set(name, (v = { releases: 0, exposed: new Set() }));
    return v;
  }

  campaign(name: string): CampaignActivity {
    let c = this.campaigns.get(name);
    if (!c) this.campaigns.set(name, (c = { releases: 0, exposed: new Set(), shreddedMs: undefined }));
    return c;
  }

  /** Folds one record in. `leaseMs` is the record's campaign lease length (for releases). */
  apply(event: ObservedRecord, leaseMs: number): void {
    const r = event.record;
    const t = event.timeMs;
    this.checkChain(event);
    if (r.kind === 'shred' && r.campaign !== undefined) this.campaign(r.campaign).shreddedMs ??= t;

    if (r.annotator === undefined) return;
    let a = this.annotators.get(r.annotator);
    if (!a) this.annotators.set(r.annotator, (a = new AnnotatorActivity(event.vendor, t)));
    a.previousMs = a.lastMs;
    a.lastMs = Math.max(a.lastMs, t);

    if (event.device !== undefined && (r.kind === 'release' || r.kind === 'enroll')) {
      const d = this.devices.get(event.device);
      if (d) d.lastMs = Math.max(d.lastMs, t);
      else this.devices.set(event.device, { annotator: r.annotator, firstMs: t, lastMs: t, releases: 0 });
    }

    if (r.kind === 'deny') {
      a.denies++;
      a.denyTimes.add(t);
    } else if (r.kind === 'submit') {
      a.submits++;
      this.closeLease(r);
    } else if (r.kind === 'skip') {
      // The device proved it is done with the item (SPEC §7.4): not a missing receipt.
      a.skips++;
      this.closeLease(r);
    } else if (r.kind === 'release' && r.decision === 'allow') {
      a.releases++;
      a.releaseTimes.add(t);
      a.switchedDevice = event.device !== undefined && a.devices.size > 0 && !a.devices.has(event.device);
      if (event.device !== undefined) {
        a.devices.add(event.device);
        this.devices.get(event.device)!.releases++;
      }
      const key = itemKey(r.campaign, r.item);
      a.itemReleases.set(key, (a.itemReleases.get(key) ?? 0) + 1);
      if (r.campaign !== undefined) {
        a.campaigns.set(r.campaign, t);
        const c = this.campaign(r.campaign);
        c.releases++;
        c.exposed.add(key);
      }
      const v = this.vendor(event.vendor);
      v.releases++;
      v.exposed.add(key);
      a.scan = nextScan(a.scan, r.item, event.index);
      this.openLease(event, leaseMs);
    }
  }

  private checkChain(event: ObservedRecord): void {
    const r = event.record;
    const key = r.annotator ?? '';
    const head = this.chains.get(key);
    const expectedSeq = head ? head.seq + 1 : 0;
    const prevMatches = r.prev === (head ? head.hash : GENESIS_PREV);
    this.lastChainBreak = r.seq === expectedSeq && prevMatches ? undefined : { index: event.index, expectedSeq, seq: r.seq, prevMatches, previousIndex: head?.index };
    this.chains.set(key, { seq: r.seq, hash: event.chainHash, index: event.index });
  }

  /** A lease ran out without a submit receipt: count it against the annotator. */
  noteExpired(expiry: OpenLease): void {
    this.annotator(expiry.release.record.annotator)?.expiredUnsubmitted.add(expiry.deadlineMs);
  }

  private openLease(event: ObservedRecord, leaseMs: number): void {
    let bucket = this.openLeases.get(leaseMs);
    if (!bucket) this.openLeases.set(leaseMs, (bucket = new Map()));
    const key = leaseKey(event.record);
    bucket.delete(key);
    bucket.set(key, { release: event, deadlineMs: event.timeMs + leaseMs });
  }

  private closeLease(r: AccessRecord): void {
    const key = leaseKey(r);
    for (const bucket of this.openLeases.values()) bucket.delete(key);
  }

  /** Removes and returns the leases whose deadline is before `nowMs`. */
  takeExpired(nowMs: number): OpenLease[] {
    const out: OpenLease[] = [];
    for (const bucket of this.openLeases.values()) {
      for (const [key, lease] of bucket) {
        if (lease.deadlineMs >= nowMs) break;
        bucket.delete(key);
        out.push(lease);
      }
    }
    return out;
  }
}

const NUMBERED = /^(.*?)(\d+)$/;

/** Tracks runs of item ids that go up by exactly one (item-0041, item-0042, ...). */
function nextScan(prev: AnnotatorActivity['scan'], item: string | undefined, index: number): AnnotatorActivity['scan'] {
  const m = item === undefined ? null : NUMBERED.exec(item);
  if (!m) return undefined;
  const prefix = m[1]!;
  const n = Number(m[2]!);
  if (!Number.isSafeInteger(n)) return undefined;
  if (prev && prev.prefix === prefix && n === prev.n + 1) return { prefix, n, run: prev.run + 1, from: [...prev.from.slice(-15), index] };
  return { prefix, n, run: 1, from: [index] };
}
