/**
 * Alerts: a tripwire was requested, a shredded batch was asked for, a
 * monitor suspended someone. Each alert is logged as an `alert` access record
 * (so monitors see it) and handed to the operator's sink (stderr as JSON
 * lines by default). Alerts carry ids and codes, never key material.
 */
export interface Alert {
  readonly code: string;
  readonly message: string;
  readonly time: string;
  readonly campaign?: string;
  readonly item?: string;
  readonly annotator?: string;
  readonly logIndex?: number;
}

export type AlertSink = (alert: Alert) => void;

export const stderrAlertSink: AlertSink = (alert) => {
  process.stderr.write(`${JSON.stringify({ alert })}\n`);
};
