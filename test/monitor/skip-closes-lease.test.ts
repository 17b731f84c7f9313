/**
 * A `skip` record (the device's release-ended notice, SPEC §7.4) ends its
 * release the way a submit receipt does: when the lease runs out there is no
 * missing receipt and nothing counts toward reads-without-submits. The control
 * is the same releases without the skips, in the same log at the same time:
 * they raise both alerts, so the monitor did look at the expiries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBase64Url } from '../../src/core/bytes.js';
import { startMonitor } from './support/monitor-harness.js';
import { startWitnessedLog, type RecordInput } from './support/witnessed-log.js';

const device = toBase64Url(new Uint8Array(32).fill(0x31));

test('skipped releases raise no missing-receipt or reads-without-submits alert when their leases end', { timeout: 60_000 }, async () => {
  const log = await startWitnessedLog();
  const monitor = await startMonitor(log, { receiptGraceSeconds: 0, campaigns: { 'short-lease': { leaseSeconds: 1 } } });
  try {
    const release = (annotator: string, item: string): RecordInput => ({ kind: 'release', decision: 'allow', campaign: 'short-lease', item, annotator, deviceKeyHash: device });
    const skip = (annotator: string, item: string): RecordInput => ({ kind: 'skip', decision: 'none', campaign: 'short-lease', item, annotator, deviceKeyHash: device, reason: 'SKIPPED cannot-judge' });
    const items = ['s-ax', 's-bx', 's-cx'];
    await log.append(...items.flatMap((i) => [release('acme:skipper', i), skip('acme:skipper', i), release('acme:walker', i)]));

    await monitor.waitFor('reads-without-submits', (a) => a.rule === 'reads-without-submits' && a.subject.annotator === 'acme:walker', 10_000);
    await monitor.waitFor('missing-receipt', (a) => a.rule === 'missing-receipt' && a.subject.annotator === 'acme:walker', 10_000);
    await monitor.monitor.settled();
    assert.deepEqual(monitor.alerts.filter((a) => a.subject.annotator === 'acme:skipper').map((a) => `${a.rule}: ${a.message}`), []);
  } finally {
    await monitor.close();
    await log.close();
  }
});
