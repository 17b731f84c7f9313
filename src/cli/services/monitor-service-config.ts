/**
 * The monitor's config file (`keyhole monitor init` writes a commented
 * starter; docs/MONITOR.md, docs/OPERATIONS.md §Deployment). Paths are
 * relative to the file. Secrets stay in files of their own (0600): the
 * webhook's HMAC secret and the monitor's suspension key.
 */
import { z } from 'zod';
import { Identifier } from '../../core/schema.js';
import { MonitorConfig as MonitorRules } from '../../monitor/monitor-config.js';

const Port = z.number().int().min(0).max(65_535);
const HttpUrl = z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

export const MonitorServiceConfig = z
  .object({
    /** The lab's audit log: the base URL of its tlog-tiles read API and its verifier key (whose name is the origin). */
    log: z.object({ url: HttpUrl, vkey: z.string().min(1) }).strict(),
    /** Cosignature verifier keys of the witnesses in the trust policy. */
    witnesses: z.array(z.string().min(1)).max(16).default([]),
    /** Cosignatures each checkpoint needs (default: all witnesses). */
    quorum: z.number().int().min(0).max(16).optional(),
    /** The monitor's SQLite state. */
    store: z.string().min(1).default('monitor.sqlite'),
    pollIntervalMs: z.number().int().min(10).max(3_600_000).default(500),
    /** The audit page, with /healthz, /readyz and /metrics: for the lab's people. */
    listen: z.object({ host: z.string().min(1).default('127.0.0.1'), port: Port.default(7392) }).strict().prefault({}),
    /** Also POST each alert here, HMAC-signed with the secret in secretFile (at least 16 bytes). */
    webhook: z.object({ url: HttpUrl, secretFile: z.string().min(1) }).strict().optional(),
    /** Rules set to suspend ask these gatekeepers, signed with this monitor's key (registered with `keyhole monitor-key NAME`). */
    suspension: z.object({ gatekeepers: z.array(HttpUrl).min(1).max(16), name: Identifier, keyFile: z.string().min(1).default('monitor.key') }).strict().optional(),
    /** Rule thresholds, campaigns and vendors (docs/MONITOR.md). */
    policy: MonitorRules.prefault({}),
  })
  .strict();
export type MonitorServiceConfig = z.infer<typeof MonitorServiceConfig>;

export function starterMonitorConfig(logUrl: string, vkey: string, name: string): string {
  return `# keyhole monitor: follows the lab's audit log, verifies every checkpoint and
# entry, and raises integrity and misuse alerts (docs/MONITOR.md). Alerts go to
# stdout as JSON lines, and to the webhook if set.
# Paths are relative to this file. Every key can also be set by an environment
# variable KEYHOLE_MONITOR_<KEY> (listen.port -> KEYHOLE_MONITOR_LISTEN_PORT) or a
# flag --set key=value.
log:
  url: ${logUrl}
  vkey: ${vkey}
witnesses: []                        # cosignature vkeys of the witnesses you trust
# quorum: 1                          # cosignatures each checkpoint needs (default: all)
store: monitor.sqlite
pollIntervalMs: 500
listen:                              # the audit page, /healthz, /readyz, /metrics
  host: 127.0.0.1
  port: 7392
# webhook:
#   url: https://alerts.lab.example/keyhole
#   secretFile: webhook.secret       # the HMAC secret, at least 16 bytes (mode 0600)
# Rules set to suspend ask the gatekeeper, signed with this monitor's key; the lab
# registers it with: keyhole monitor-key ${name} --public-key <printed by init>
# suspension:
#   gatekeepers: [https://keys.lab.example/]
#   name: ${name}
#   keyFile: monitor.key
policy:                              # rule thresholds, campaigns, vendors (docs/MONITOR.md)
  rules: {}
  campaigns: {}
`;
}
