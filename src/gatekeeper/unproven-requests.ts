/**
 * Requests that proved nothing about who sent them (SPEC §7.3): an unknown
 * device, a signature that does not verify, a stale or replayed request, an
 * assignment no registered hub signed. Anyone on the network can send these,
 * naming any annotator, device, item or campaign they like, so none of those
 * names may reach the log (issue 14, finding 1): a forged name in the log is
 * a forged accusation, and the monitor suspends on what the log says.
 *
 * They are refused and counted here, per reason, for metrics. The log gets at
 * most one unattributed aggregate per interval, `deny` with reason
 * `UNPROVEN count=N` and no campaign, item, annotator or device, so a flood is
 * on the record without costing an append per request. The count in the log
 * trails the one here by at most one interval (the last batch is written when
 * its interval ends, if the gatekeeper is still running).
 */
import type { GatekeeperContext } from './context.js';
import type { DenyCode } from './reasons.js';

/** At most one aggregate record per this many milliseconds. */
export const UNPROVEN_RECORD_INTERVAL_MS = 60_000;

/** The reason of the aggregate record; SPEC §8.4. */
export function unprovenReason(count: number): string {
  return `UNPROVEN count=${count}`;
}

/** What an unproven request failed: a release rule's code, or MALFORMED for a body that is not a release request at all. */
export type UnprovenReason = DenyCode | 'MALFORMED';

export interface UnprovenSnapshot {
  /** Every unproven request refused since the gatekeeper started. */
  readonly total: number;
  readonly byReason: Readonly<Partial<Record<UnprovenReason, number>>>;
  /** Counted but not yet in an aggregate record. */
  readonly unlogged: number;
}

export class UnprovenRequests {
  private readonly byReason = new Map<UnprovenReason, number>();
  private total = 0;
  private unlogged = 0;
  private lastRecordMs: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Aggregates are written one after another, so a flush resolves after every earlier one. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: Pick<GatekeeperContext, 'audit' | 'now'>,
    private readonly intervalMs = UNPROVEN_RECORD_INTERVAL_MS,
  ) {}

  /** Counts one refused request; writes the aggregate now if none was written this interval, else when it ends. */
  note(code: UnprovenReason): void {
    this.total++;
    this.unlogged++;
    this.byReason.set(code, (this.byReason.get(code) ?? 0) + 1);
    const now = this.ctx.now();
    if (this.lastRecordMs === undefined || now - this.lastRecordMs >= this.intervalMs) {
      this.lastRecordMs = now;
      void this.flush();
      return;
    }
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.lastRecordMs + this.intervalMs - now);
      // A pending aggregate must not keep a stopping process alive.
      this.timer.unref();
    }
  }

  /**
   * Writes the counted, unlogged requests as one unattributed record (nothing when there are none).
   * The count is taken now, not when the write starts: requests counted while an earlier aggregate
   * is being written wait for the next one, so an aggregate says exactly what it covers.
   */
  flush(): Promise<void> {
    const count = this.unlogged;
    if (count > 0) {
      this.unlogged = 0;
      const now = this.ctx.now();
      this.lastRecordMs = Math.max(this.lastRecordMs ?? now, now);
      this.writing = this.writing.then(() => this.append(count, now));
    }
    return this.writing;
  }

  private async append(count: number, now: number): Promise<void> {
    try {
      await this.ctx.audit.append({ kind: 'deny', decision: 'deny', reason: unprovenReason(count) }, now);
    } catch {
      // The log is down or closed. The count stays in the metrics; not re-queued, since a
      // witnessing failure can leave the record in the log even though its append failed.
    }
  }

  snapshot(): UnprovenSnapshot {
    return { total: this.total, byReason: Object.fromEntries(this.byReason), unlogged: this.unlogged };
  }
}

/** For a `.catch` around parsing a release request: counts it as MALFORMED and rethrows the refusal. */
export function countMalformed(ctx: Pick<GatekeeperContext, 'audit' | 'now'>): (err: unknown) => never {
  return (err) => {
    unprovenRequests(ctx).note('MALFORMED');
    throw err;
  };
}

const counters = new WeakMap<object, UnprovenRequests>();

/** The counter of one gatekeeper (one per context, made on first use). */
export function unprovenRequests(ctx: Pick<GatekeeperContext, 'audit' | 'now'>): UnprovenRequests {
  let c = counters.get(ctx);
  if (c === undefined) counters.set(ctx, (c = new UnprovenRequests(ctx)));
  return c;
}
