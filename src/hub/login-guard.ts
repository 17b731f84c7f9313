/**
 * Login throttling that slows password guessing without handing an attacker
 * a way to lock the real owner out (issue 14 finding 4, docs/HUB.md §Logins).
 *
 * Every attempt is counted against three token buckets, each refused with 429
 * and Retry-After before any hashing:
 *
 * - per source (an IPv4 address or an IPv6 /64), all usernames: a flood from
 *   one place is cut off before it reaches the hasher;
 * - per (username, source), failures only: 5 wrong passwords for alice from
 *   one address stop that address guessing alice's password (one more per
 *   minute), and nobody else: the owner at any other address is not affected,
 *   however often the attacker keeps trying;
 * - per username, failures only, from all sources (30, then one per 30 s): a
 *   cap on distributed guessing. When it is spent, a source that has not
 *   failed for this username in the last 15 minutes still gets one attempt,
 *   so the owner with the right password on a new address gets in at once;
 *   each further guess costs the attacker a fresh source, which the other two
 *   buckets already limit. Only a source that already failed for the
 *   username waits for the cap to refill.
 *
 * A correct password gives back the tokens its attempt took, so logging in
 * never uses up anyone's allowance. Hashing then runs in the bounded
 * PasswordQueue, where a (username, source) pair that logged in before (in
 * the last 30 days) goes first, then sources without recent failures. State
 * is in process memory: behind a load balancer each process enforces its
 * share, and a restart forgets which pairs logged in before.
 */
import { isIPv6 } from 'node:net';
import { refuse } from './hub-error.js';
import { PasswordQueue, type HashPriority } from './password-queue.js';
import { RateLimiter, type RateLimit } from './rate-limiter.js';

export interface LoginLimits {
  /** Login attempts per source address, whatever the username. */
  perSource: RateLimit;
  /** Failed attempts per (username, source). */
  perUserSource: RateLimit;
  /** Failed attempts per username from all sources. */
  perUser: RateLimit;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perSource: { perSecond: 0.2, burst: 10 },
  perUserSource: { perSecond: 1 / 60, burst: 5 },
  perUser: { perSecond: 1 / 30, burst: 30 },
};

/** How long a failed attempt marks its source as suspect (lower hashing priority, no clean pass for that username). */
const SUSPECT_SECONDS = 15 * 60;
/** How long a successful login makes its (username, source) pair `known` (first in the hashing queue). */
const KNOWN_SECONDS = 30 * 86_400;
/** Entries beyond this are forgotten oldest-first; forgetting only ever errs towards allowing. */
const MAX_ENTRIES = 100_000;

/**
 * The key login throttling counts a peer under: an IPv4 address (also when
 * written IPv4-mapped), or the /64 of an IPv6 address, since one host
 * usually holds a whole /64.
 */
export function sourceKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped !== null) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export class LoginGuard {
  private readonly sources: RateLimiter;
  private readonly pairs: RateLimiter;
  private readonly users: RateLimiter;
  /** When each (username, source) pair and each source last failed. */
  private readonly pairFailures = new Map<string, number>();
  private readonly sourceFailures = new Map<string, number>();
  /** When each (username, source) pair last logged in. */
  private readonly pairSuccesses = new Map<string, number>();

  constructor(
    limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    readonly queue: PasswordQueue = new PasswordQueue(),
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    this.sources = new RateLimiter(limits.perSource, now);
    this.pairs = new RateLimiter(limits.perUserSource, now);
    this.users = new RateLimiter(limits.perUser, now);
  }

  /** Called from the headers, before the body is read. */
  admitSource(address: string): void {
    const source = sourceKey(address);
    if (!this.sources.take(source)) refuse('RATE_LIMITED', 'too many login attempts from your address; wait and retry', this.sources.retryAfter(source));
  }

  /**
   * Runs `verify` (the scrypt comparison) for one attempt, if the throttles
   * allow it, and records its outcome. Returns verify's verdict.
   */
  async attempt(address: string, username: string, verify: () => Promise<boolean>): Promise<boolean> {
    const source = sourceKey(address);
    const pair = `${username}\n${source}`;
    if (!this.pairs.take(pair)) refuse('RATE_LIMITED', 'too many failed logins for this username from your address; wait and retry', this.pairs.retryAfter(pair));
    const chargedUser = this.users.take(username);
    if (!chargedUser && this.failedRecently(this.pairFailures, pair)) {
      this.pairs.refund(pair);
      refuse('RATE_LIMITED', 'too many failed logins for this username; wait and retry', this.users.retryAfter(username));
    }
    const priority: HashPriority = this.within(this.pairSuccesses, pair, KNOWN_SECONDS) ? 'known' : this.failedRecently(this.sourceFailures, source) ? 'suspect' : 'clean';
    let verdict: boolean;
    try {
      verdict = await this.queue.run(priority, verify);
    } catch (err) {
      // No verdict (queue full, storage error): the attempt does not count against anyone.
      this.pairs.refund(pair);
      if (chargedUser) this.users.refund(username);
      throw err;
    }
    if (verdict) {
      this.pairs.refund(pair);
      if (chargedUser) this.users.refund(username);
      this.pairFailures.delete(pair);
      remember(this.pairSuccesses, pair, this.now());
    } else {
      remember(this.pairFailures, pair, this.now());
      remember(this.sourceFailures, source, this.now());
    }
    return verdict;
  }

  private failedRecently(failures: Map<string, number>, key: string): boolean {
    return this.within(failures, key, SUSPECT_SECONDS);
  }

  private within(times: Map<string, number>, key: string, seconds: number): boolean {
    const at = times.get(key);
    return at !== undefined && this.now() - at < seconds;
  }
}

function remember(map: Map<string, number>, key: string, at: number): void {
  map.delete(key);
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
  map.set(key, at);
}
