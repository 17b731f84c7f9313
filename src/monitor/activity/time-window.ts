/**
 * Event times (ms) within a sliding horizon, for "how many in the last N
 * seconds" questions. Times arrive almost in order (log order is the
 * gatekeeper's order), so the array stays sorted in practice; a late time is
 * inserted in place. Old times are dropped as new ones arrive.
 */
export class TimeWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly horizonMs: number) {}

  add(t: number): void {
    let i = this.times.length;
    while (i > this.head && this.times[i - 1]! > t) i--;
    if (i === this.times.length) this.times.push(t);
    else this.times.splice(i, 0, t);
    this.prune(this.times[this.times.length - 1]! - this.horizonMs);
  }

  /** Number of times at or after `since`. */
  countSince(since: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < since) lo = mid + 1;
      else hi = mid;
    }
    return this.times.length - lo;
  }

  private prune(before: number): void {
    while (this.head < this.times.length && this.times[this.head]! < before) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
