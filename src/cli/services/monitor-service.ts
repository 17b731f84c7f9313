/**
 * `keyhole monitor --config FILE`: the lab's monitor as deployed
 * (docs/MONITOR.md). It follows the log, raises alerts (JSON lines on stdout,
 * nothing else there; the webhook if set), asks the gatekeeper to suspend
 * when a rule says so, and serves on one listener, for the lab's people:
 * the audit page, /healthz, /readyz (the log's checkpoint can be read) and
 * /metrics. SIGINT/SIGTERM stop polling, let raised alerts finish their
 * suspension and sinks, then close the store.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Hono } from 'hono';
import { Counter, Gauge } from 'prom-client';
import { fromHex, utf8 } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import { CHECKPOINT_PATH } from '../../log/writer.js';
import type { AlertSink } from '../../monitor/alerts/alert.js';
import { stdoutAlertSink } from '../../monitor/alerts/stdout-sink.js';
import { SuspensionClient, suspendEverywhere } from '../../monitor/alerts/suspension-client.js';
import { webhookAlertSink } from '../../monitor/alerts/webhook-sink.js';
import { auditApp } from '../../monitor/audit/audit-app.js';
import { BoundedHttpReader } from '../../monitor/follower/bounded-http-reader.js';
import { checkpointPolicy } from '../../monitor/follower/checkpoint-policy.js';
import { Monitor } from '../../monitor/monitor.js';
import { MonitorStore } from '../../monitor/store/monitor-store.js';
import { nodePrimitives as p } from '../../platform/node-primitives.js';
import { errorFields, type JsonLog } from './json-log.js';
import { listenOn, type Listening } from './listen.js';
import { serviceRegistry } from './metrics.js';
import type { MonitorServiceConfig } from './monitor-service-config.js';

export interface RunningMonitor {
  readonly origin: string;
  readonly url: string | undefined;
  close(): Promise<void>;
}

export interface MonitorServiceOptions {
  readonly config: MonitorServiceConfig;
  readonly baseDir: string;
  readonly log: JsonLog;
  /** false: no listener (the command line without --serve, as before config files). */
  readonly serve?: boolean;
}

async function readSecret(path: string, what: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return fail('NOT_FOUND', `cannot read ${what} from ${path}`);
  }
}

export async function startMonitorService(o: MonitorServiceOptions): Promise<RunningMonitor> {
  const { config, baseDir, log } = o;
  const at = (path: string): string => resolve(baseDir, path);
  const quorum = config.quorum ?? config.witnesses.length;
  if (quorum > config.witnesses.length) fail('BAD_FORMAT', `quorum ${quorum} is more than the ${config.witnesses.length} witnesses configured`);
  const policy = await checkpointPolicy(p, config.log.vkey, config.witnesses, quorum);

  const registry = serviceRegistry('monitor');
  const alerts = new Counter({ name: 'keyhole_monitor_alerts_total', help: 'Alerts raised, by rule and severity', labelNames: ['rule', 'severity'], registers: [registry] });
  const pollErrors = new Counter({ name: 'keyhole_monitor_poll_errors_total', help: 'Polls of the log that failed (details in the JSON log)', registers: [registry] });
  const sinks: AlertSink[] = [
    stdoutAlertSink,
    async (alert) => {
      alerts.inc({ rule: alert.rule, severity: alert.severity });
    },
  ];
  if (config.webhook !== undefined) sinks.push(webhookAlertSink(config.webhook.url, utf8(await readSecret(at(config.webhook.secretFile), 'the webhook secret'))));
  let suspender;
  if (config.suspension !== undefined) {
    const { name, gatekeepers } = config.suspension;
    const signer = await p.ed25519FromSeed(fromHex(await readSecret(at(config.suspension.keyFile), 'the monitor key'), 'monitor key seed'));
    suspender = suspendEverywhere(gatekeepers.map((gatekeeper) => new SuspensionClient({ p, gatekeeper, monitor: name, signer, policy })));
  }
  const store = new MonitorStore(at(config.store));
  let lastError = { message: '', at: 0, repeats: 0 };
  const reader = new BoundedHttpReader(config.log.url);
  const monitor = Monitor.open({
    p,
    reader,
    policy,
    config: config.policy,
    store,
    sinks,
    ...(suspender ? { suspender } : {}),
    onError: (message) => {
      pollErrors.inc();
      // While the log is unreachable every poll fails the same way: one line a minute, with the count.
      const now = Date.now();
      if (message === lastError.message && now - lastError.at < 60_000) {
        lastError.repeats++;
        return;
      }
      log.error('poll failed', { error: message, ...(lastError.repeats > 0 ? { repeatsOfPrevious: lastError.repeats } : {}) });
      lastError = { message, at: now, repeats: 0 };
    },
  });
  new Gauge({
    name: 'keyhole_monitor_verified_size',
    help: 'Log entries verified so far',
    registers: [registry],
    collect() {
      this.set(monitor.verifiedSize);
    },
  });
  monitor.start(config.pollIntervalMs);

  let server: Listening | undefined;
  if (o.serve !== false) {
    const vendorBudgets = config.policy.rules['exposure-budget']?.vendorBudgets;
    const budgets = vendorBudgets !== null && typeof vendorBudgets === 'object' ? (vendorBudgets as Record<string, number>) : {};
    const audit = auditApp({ p, monitor, budgets });
    const app = new Hono();
    app.get('/healthz', () => Response.json({ ok: true }));
    app.get('/readyz', async () => {
      try {
        if ((await reader.read(CHECKPOINT_PATH)) === undefined) fail('NOT_FOUND', 'the log has no checkpoint');
        return Response.json({ ready: true });
      } catch (err) {
        log.error('not ready: cannot read the log checkpoint', errorFields(err));
        return Response.json({ ready: false }, { status: 503 });
      }
    });
    app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }));
    app.all('*', (c) => audit.fetch(c.req.raw, c.env));
    try {
      server = await listenOn(app.fetch, config.listen.port, config.listen.host);
    } catch (err) {
      await monitor.stop();
      store.close();
      throw err;
    }
  }
  log.info('monitor following', { origin: policy.origin, log: config.log.url, quorum, witnesses: config.witnesses.length, verified: monitor.verifiedSize, audit: server?.url ?? null, suspension: config.suspension !== undefined });
  return {
    origin: policy.origin,
    url: server?.url,
    async close() {
      await server?.close();
      await monitor.stop();
      store.close();
    },
  };
}
