/**
 * Per-account request limits: a token bucket per key (annotator id, lab id,
 * or login name and address), refilled continuously. Kept in process memory:
 * behind a load balancer each process enforces its share, which bounds abuse
 * without a shared store on every request.
 */
export interface RateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed at once after a quiet period. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** Buckets beyond this many are dropped oldest-first; a dropped bucket restarts full, which only ever errs towards allowing. */
const MAX_BUCKETS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {}

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    const bucket = this.refill(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Gives back a token taken for an attempt that turned out not to count (a correct password). */
  refund(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket !== undefined) bucket.tokens = Math.min(this.limit.burst, bucket.tokens + 1);
  }

  /** Seconds until `key` has a token again (0 when it has one now). */
  retryAfter(key: string): number {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return 0;
    const tokens = Math.min(this.limit.burst, bucket.tokens + (this.now() - bucket.updated) * this.limit.perSecond);
    return tokens >= 1 ? 0 : (1 - tokens) / this.limit.perSecond;
  }

  private refill(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.limit.burst, updated: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.updated) * this.limit.perSecond);
      bucket.updated = now;
    }
    return bucket;
  }
}
