/**
 * Misuse rules judge people, so they act only on records that name an
 * annotator (src/monitor/rules/rule.ts; SPEC §7.3). Records that name nobody,
 * such as the gatekeeper's `UNPROVEN count=N` aggregate, or an older log's deny
 * records for forged requests that named a tripwire item, a closed campaign and
 * a flood of denials, must raise no misuse alert: otherwise the subject falls
 * back to the vendor, and a tripwire (suspend: true) would suspend the whole
 * vendor. The control replays the same records with an annotator: each alerts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMonitor } from './support/monitor-harness.js';
import { startWitnessedLog, type RecordInput } from './support/witnessed-log.js';

const forged = (extra: Partial<RecordInput>): RecordInput[] => [
  { kind: 'deny', decision: 'deny', campaign: 'rlhf-7', item: 'trip-0001x', reason: 'TRIPWIRE', ...extra },
  { kind: 'deny', decision: 'deny', campaign: 'closing', item: 'c-1x', reason: 'CAMPAIGN_CLOSED', ...extra },
  ...Array.from({ length: 8 }, (_, i): RecordInput => ({ kind: 'deny', decision: 'deny', campaign: 'rlhf-7', item: `d-${i}x`, reason: 'DEVICE_UNKNOWN', ...extra })),
  { kind: 'deny', decision: 'deny', reason: 'UNPROVEN count=1000', ...extra },
];

test('records that name no annotator raise no misuse alert; the same records naming one do', { timeout: 120_000 }, async () => {
  const log = await startWitnessedLog();
  const monitor = await startMonitor(log, { defaultVendor: 'acme', rules: { tripwire: { items: ['trip-0001x'] } } });
  try {
    await log.append(...forged({}));
    await monitor.verified(log.writer.size);
    await monitor.monitor.settled();
    assert.deepEqual(monitor.alerts.map((a) => `${a.rule}: ${a.message}`), [], 'nobody is judged on records that name nobody');

    // Control: the rules are live; attributed, the same records alert (tripwire, access-after-close, denial-burst).
    await log.append(...forged({ annotator: 'acme:mallory' }));
    for (const rule of ['tripwire', 'access-after-close', 'denial-burst']) {
      await monitor.waitFor(rule, (a) => a.rule === rule && a.subject.annotator === 'acme:mallory', 10_000);
    }
  } finally {
    await monitor.close();
    await log.close();
  }
});
