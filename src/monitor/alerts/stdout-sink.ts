/** Alerts as JSON lines on stdout: one line per alert, nothing else on that stream. */
import type { AlertSink } from './alert.js';

export const stdoutAlertSink: AlertSink = async (alert) => {
  process.stdout.write(`${JSON.stringify(alert)}\n`);
};
