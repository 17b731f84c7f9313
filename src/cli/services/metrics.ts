/**
 * Prometheus metrics for the services (prom-client, docs/OPERATIONS.md
 * §Metrics), served on the admin listener (gatekeeper) or at /metrics of the
 * service. Labels carry codes and outcomes only, never an id of a person or
 * an item, so a scrape reveals load, not who did what.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function serviceRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export class GatekeeperMetrics {
  readonly releases: Counter<'outcome' | 'reason'>;
  readonly adminRefused: Counter<'reason'>;
  readonly adminChanges: Counter;
  readonly logBatchSeconds: Histogram<'ok'>;
  readonly logBatchEntries: Histogram;
  readonly alerts: Counter<'code'>;

  constructor(readonly registry: Registry) {
    this.releases = new Counter({ name: 'keyhole_releases_total', help: 'Key release decisions, by outcome (granted, denied, refused) and reason code', labelNames: ['outcome', 'reason'], registers: [registry] });
    this.adminRefused = new Counter({ name: 'keyhole_admin_refused_total', help: 'Admin API requests refused, by reason', labelNames: ['reason'], registers: [registry] });
    this.adminChanges = new Counter({ name: 'keyhole_admin_changes_total', help: 'Changes made through the admin API', registers: [registry] });
    this.logBatchSeconds = new Histogram({ name: 'keyhole_log_append_seconds', help: 'Time to make one log batch durable, witnessed and published', labelNames: ['ok'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] });
    this.logBatchEntries = new Histogram({ name: 'keyhole_log_batch_entries', help: 'Entries per log batch', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [registry] });
    this.alerts = new Counter({ name: 'keyhole_gatekeeper_alerts_total', help: 'Alerts the gatekeeper raised, by code', labelNames: ['code'], registers: [registry] });
  }

  logBatch(entries: number, ms: number, ok: boolean): void {
    this.logBatchSeconds.observe({ ok: String(ok) }, ms / 1000);
    if (ok) this.logBatchEntries.observe(entries);
  }
}

export class HubMetrics {
  readonly requests: Counter<'route' | 'status'>;
  readonly queueDepth: Gauge<'lab'>;
  readonly loginFailures: Counter<'status'>;
  readonly internalErrors: Counter;

  /** `depth` is asked at every scrape: items waiting for an annotator, per lab. */
  constructor(
    readonly registry: Registry,
    depth?: () => Promise<ReadonlyArray<{ lab: string; items: number }>>,
  ) {
    this.requests = new Counter({ name: 'keyhole_hub_requests_total', help: 'Hub requests by route pattern and status', labelNames: ['route', 'status'], registers: [registry] });
    const gauge = (this.queueDepth = new Gauge({
      name: 'keyhole_hub_lease_queue_depth',
      help: 'Items waiting for an annotator, per lab',
      labelNames: ['lab'],
      registers: [registry],
      ...(depth === undefined
        ? {}
        : {
            async collect() {
              gauge.reset();
              for (const row of await depth()) gauge.set({ lab: row.lab }, row.items);
            },
          }),
    }));
    this.loginFailures = new Counter({ name: 'keyhole_hub_login_failures_total', help: 'Refused logins, by status (401 wrong credentials, 429 throttled)', labelNames: ['status'], registers: [registry] });
    this.internalErrors = new Counter({ name: 'keyhole_hub_internal_errors_total', help: 'Requests that failed inside the hub (details in the JSON log)', registers: [registry] });
  }
}

/** Counters a service with one public API keeps: requests by route and status. */
export class ServiceMetrics {
  readonly requests: Counter<'route' | 'status'>;

  constructor(
    readonly registry: Registry,
    service: string,
  ) {
    this.requests = new Counter({ name: `keyhole_${service}_requests_total`, help: `${service} requests by route and status`, labelNames: ['route', 'status'], registers: [registry] });
  }
}
