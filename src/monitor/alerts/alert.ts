/**
 * An alert as it leaves the monitor (stdout line, webhook body, audit page):
 * the finding, its log entries, when the offending access happened and how
 * long the monitor took to raise it, and what the suspension call did.
 */
import type { AlertRow } from '../store/monitor-store.js';
import type { Subject } from '../rules/rule.js';
import type { SuspensionOutcome } from './suspension-client.js';

export const ALERT_TYPE = 'keyhole.monitor.alert';

export interface Alert {
  readonly type: typeof ALERT_TYPE;
  readonly v: 1;
  readonly id: number;
  readonly rule: string;
  readonly category: string;
  readonly severity: string;
  readonly subject: Subject;
  readonly entries: readonly number[];
  readonly message: string;
  /** Time of the offending release or request, from its access record. */
  readonly offendingTime: string | null;
  readonly detectedAt: string;
  /** detectedAt - offendingTime: the release-to-alert latency. */
  readonly latencyMs: number | null;
  readonly evidence: Readonly<Record<string, unknown>> | null;
  readonly suspension: SuspensionOutcome | null;
}

export function alertFromRow(row: AlertRow): Alert {
  const subject: Record<string, string> = {};
  for (const k of ['annotator', 'device', 'vendor', 'campaign', 'item'] as const) if (row[k] !== null) subject[k] = row[k]!;
  return {
    type: ALERT_TYPE,
    v: 1,
    id: row.id,
    rule: row.rule,
    category: row.category,
    severity: row.severity,
    subject,
    entries: JSON.parse(row.entries) as number[],
    message: row.message,
    offendingTime: row.offending_ms === null ? null : new Date(row.offending_ms).toISOString(),
    detectedAt: new Date(row.detected_ms).toISOString(),
    latencyMs: row.latency_ms,
    evidence: row.evidence === null ? null : (JSON.parse(row.evidence) as Record<string, unknown>),
    suspension: row.suspension === null ? null : (JSON.parse(row.suspension) as SuspensionOutcome),
  };
}

export type AlertSink = (alert: Alert) => Promise<void>;
