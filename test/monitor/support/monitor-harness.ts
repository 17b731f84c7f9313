/**
 * A monitor following a WitnessedLog over HTTP, with its SQLite store in the
 * log's temp dir and alerts collected in memory, plus the one wait the tests
 * need: the functional deadline ("within 5 seconds").
 */
import { join } from 'node:path';
import { nodePrimitives as p } from '../../../src/platform/node-primitives.js';
import type { Alert, AlertSink } from '../../../src/monitor/alerts/alert.js';
import type { SuspensionClient } from '../../../src/monitor/alerts/suspension-client.js';
import { BoundedHttpReader } from '../../../src/monitor/follower/bounded-http-reader.js';
import { checkpointPolicy } from '../../../src/monitor/follower/checkpoint-policy.js';
import { Monitor } from '../../../src/monitor/monitor.js';
import { parseMonitorConfig } from '../../../src/monitor/monitor-config.js';
import { MonitorStore } from '../../../src/monitor/store/monitor-store.js';

export const DEADLINE_MS = 5_000;
/** Catching up is no functional deadline, only a guard against a hang: generous, for a loaded machine. */
const VERIFY_DEADLINE_MS = 60_000;

export interface Harness {
  readonly monitor: Monitor;
  readonly alerts: Alert[];
  readonly errors: string[];
  /** Waits (polling every 25 ms) until `pick` finds an alert, or fails after the deadline. */
  waitFor(what: string, pick: (a: Alert) => boolean, deadlineMs?: number): Promise<Alert>;
  /** Waits (polling every 25 ms) until the monitor has verified `size` entries; fails loudly after 60 s. */
  verified(size: number): Promise<void>;
  close(): Promise<void>;
}

/** The log to follow: where it is served and the keys of the trust policy (a WitnessedLog, or a gatekeeper's log). */
export interface FollowedLog {
  readonly dir: string;
  readonly url: string;
  readonly logKey: { readonly verifierKey: string };
  readonly witnesses: readonly { readonly verifierKey: string }[];
}

export async function startMonitor(log: FollowedLog, config: unknown = {}, options: { suspender?: SuspensionClient; intervalMs?: number; dbName?: string; sinks?: AlertSink[]; quorum?: number; url?: string } = {}): Promise<Harness> {
  const policy = await checkpointPolicy(p, log.logKey.verifierKey, log.witnesses.map((w) => w.verifierKey), options.quorum ?? 2);
  const store = new MonitorStore(join(log.dir, options.dbName ?? 'monitor.sqlite'));
  const alerts: Alert[] = [];
  const errors: string[] = [];
  const collect: AlertSink = async (a) => {
    alerts.push(a);
  };
  const monitor = Monitor.open({
    p,
    reader: new BoundedHttpReader(options.url ?? log.url),
    policy,
    config: parseMonitorConfig(config),
    store,
    sinks: [collect, ...(options.sinks ?? [])],
    ...(options.suspender ? { suspender: options.suspender } : {}),
    onError: (m) => errors.push(m),
  });
  monitor.start(options.intervalMs ?? 50);
  return {
    monitor,
    alerts,
    errors,
    async waitFor(what, pick, deadlineMs = DEADLINE_MS) {
      const until = Date.now() + deadlineMs;
      for (;;) {
        const hit = alerts.find(pick);
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`no ${what} alert within ${deadlineMs} ms; alerts: ${alerts.map((a) => a.rule).join(', ') || 'none'}; errors: ${errors.join('; ') || 'none'}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async verified(size) {
      const until = Date.now() + VERIFY_DEADLINE_MS;
      while (monitor.verifiedSize < size) {
        if (Date.now() > until) throw new Error(`the monitor verified ${monitor.verifiedSize} of ${size} entries within ${VERIFY_DEADLINE_MS} ms; errors: ${errors.join('; ') || 'none'}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await monitor.stop();
      store.close();
    },
  };
}
