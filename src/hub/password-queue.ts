/**
 * The one place the hub runs scrypt for logins: a small queue with its own
 * concurrency limit and a bounded wait (issue 14 finding 4). scrypt runs on
 * Node's shared thread pool (4 threads by default), which also serves file
 * I/O, DNS and the rest of node:crypto; 200 unbounded concurrent logins once
 * delayed everything else in the process by seconds. Here at most
 * `concurrency` hashes run at once, at most `maxWaiting` wait, and anything
 * beyond is refused at once with BUSY (503, Retry-After), before any work.
 *
 * Two priorities: attempts from a source with no recent failed login go ahead
 * of attempts from sources that have failed. When the queue is full, a clean
 * attempt takes the place of the newest waiting suspect one (which is refused
 * with BUSY), so a flood of wrong passwords cannot keep a first attempt with
 * the right one waiting behind it.
 */
import { HubError } from './hub-error.js';

export type HashPriority = 'clean' | 'suspect';

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
      const displaced = priority === 'clean' ? this.newestSuspect() : -1;
      if (displaced < 0) {
        this.refused++;
        throw busy();
      }
      this.waiting.splice(displaced, 1)[0]!.refuse(busy());
      this.refused++;
    }
    return new Promise<void>((start, reject) => {
      const waiter: Waiter = { priority, start, refuse: reject };
      // Clean attempts go after the other clean ones but before every suspect one.
      const at = priority === 'clean' ? this.waiting.findIndex((w) => w.priority === 'suspect') : -1;
      if (at < 0) this.waiting.push(waiter);
      else this.waiting.splice(at, 0, waiter);
    });
  }

  private newestSuspect(): number {
    for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i]!.priority === 'suspect') return i;
    return -1;
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
