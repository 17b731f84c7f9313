/**
 * The one place the hub runs scrypt for logins: a small queue with its own
 * concurrency limit and a bounded wait (issue 14 finding 4). scrypt runs on
 * Node's shared thread pool (4 threads by default), which also serves file
 * I/O, DNS and the rest of node:crypto; 200 unbounded concurrent logins once
 * delayed everything else in the process by seconds. Here at most
 * `concurrency` hashes run at once, at most `maxWaiting` wait, and anything
 * beyond is refused at once with BUSY (503, Retry-After), before any work.
 *
 * Three priorities, highest first: `known` (this username logged in from this
 * source before), `clean` (a source with no recent failed login) and
 * `suspect` (a source that failed recently). A waiter goes after those of its
 * own priority and before all lower ones; when the queue is full, a newcomer
 * takes the place of the newest waiter of a lower priority (which is refused
 * with BUSY). So a flood of wrong passwords cannot keep the owner, who either
 * comes from where they logged in before or has not failed, waiting behind it.
 */
import { HubError } from './hub-error.js';

export type HashPriority = 'known' | 'clean' | 'suspect';

const RANK: Record<HashPriority, number> = { known: 0, clean: 1, suspect: 2 };

export interface PasswordQueueLimits {
  /** Hashes running at once. Default 2: half of libuv's default pool stays free for everything else. */
  concurrency: number;
  /** Attempts waiting for a slot; more are refused with BUSY. */
  maxWaiting: number;
}

export const DEFAULT_PASSWORD_QUEUE: PasswordQueueLimits = { concurrency: 2, maxWaiting: 32 };

interface Waiter {
  priority: HashPriority;
  start(): void;
  refuse(err: unknown): void;
}

export interface PasswordQueueStats {
  /** Hashes started since the hub started. */
  started: number;
  /** Attempts refused because the queue was full (or displaced from it). */
  refused: number;
  running: number;
  waiting: number;
}

export class PasswordQueue {
  private running = 0;
  private started = 0;
  private refused = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly limits: PasswordQueueLimits = DEFAULT_PASSWORD_QUEUE) {}

  /** Runs `hash` when a slot is free; refuses with BUSY when the queue is full. */
  async run<T>(priority: HashPriority, hash: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrency) await this.wait(priority);
    else this.running++;
    this.started++;
    try {
      return await hash();
    } finally {
      this.next();
    }
  }

  get stats(): PasswordQueueStats {
    return { started: this.started, refused: this.refused, running: this.running, waiting: this.waiting.length };
  }

  private wait(priority: HashPriority): Promise<void> {
    if (this.waiting.length >= this.limits.maxWaiting) {
      const displaced = this.newestBelow(priority);
      if (displaced < 0) {
        this.refused++;
        throw busy();
      }
      this.waiting.splice(displaced, 1)[0]!.refuse(busy());
      this.refused++;
    }
    return new Promise<void>((start, reject) => {
      const waiter: Waiter = { priority, start, refuse: reject };
      const at = this.waiting.findIndex((w) => RANK[w.priority] > RANK[priority]);
      if (at < 0) this.waiting.push(waiter);
      else this.waiting.splice(at, 0, waiter);
    });
  }

  /** The newest waiter of a lower priority than `priority` (the queue is ordered, so the last one if any), or -1. */
  private newestBelow(priority: HashPriority): number {
    const last = this.waiting.length - 1;
    return last >= 0 && RANK[this.waiting[last]!.priority] > RANK[priority] ? last : -1;
  }

  /** Hands the finished hash's slot to the first waiter, or frees it. */
  private next(): void {
    const waiter = this.waiting.shift();
    if (waiter === undefined) this.running--;
    else waiter.start();
  }
}

function busy(): HubError {
  return new HubError('BUSY', 'too many logins are being checked right now; retry in a few seconds', 2);
}
