import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBase64Url } from '../../src/core/bytes.js';
import { startMonitor } from './support/monitor-harness.js';
import { startWitnessedLog, type RecordInput } from './support/witnessed-log.js';

const device = (n: number): string => toBase64Url(new Uint8Array(32).fill(n));

test('an honest session raises no alert, and the monitor verifies every entry', { timeout: 120_000 }, async () => {
  const log = await startWitnessedLog();
  const monitor = await startMonitor(log, {
    campaigns: { 'rlhf-7': { leaseSeconds: 600, rules: { 'off-hours': { hours: { start: 8, end: 18 } }, 'exposure-budget': { campaignBudget: 1000 } } } },
    rules: { 'exposure-budget': { vendorBudgets: { acme: 1000 } } },
  });
  try {
    // Four annotators on one campaign over a working morning: one item every 40-70 s, each submitted.
    const start = Date.parse('2026-03-02T09:00:00.000Z');
    const records: (RecordInput & { at: number })[] = [];
    for (let a = 0; a < 4; a++) {
      const annotator = `acme:ann-${a}`;
      records.push({ kind: 'enroll', annotator, deviceKeyHash: device(a + 1), at: start + a * 1000 });
      let t = start + 60_000 + a * 7_000;
      for (let i = 0; i < 12; i++) {
        const item = `conv-${['k', 'q', 'z', 'w'][a]}${i}x`;
        records.push({ kind: 'release', decision: 'allow', campaign: 'rlhf-7', item, annotator, deviceKeyHash: device(a + 1), at: t });
        records.push({ kind: 'submit', decision: 'none', campaign: 'rlhf-7', item, annotator, deviceKeyHash: device(a + 1), at: t + 35_000 });
        t += 40_000 + ((i * 7919) % 30_000);
      }
    }
    records.sort((x, y) => x.at - y.at);
    await log.append(...records.map(({ at, ...r }) => ({ ...r, time: new Date(at).toISOString() })));

    await monitor.verified(log.writer.size);
    // Then the background loop stops and three more rounds run here (follow, gossip, stalls, lease
    // expiry), each finished before the check: whatever the session could still raise is raised.
    await monitor.monitor.stop();
    for (let round = 0; round < 3; round++) await monitor.monitor.poll();
    await monitor.monitor.settled();
    assert.equal(monitor.monitor.verifiedSize, log.writer.size, 'the monitor verified every entry');
    assert.deepEqual(monitor.alerts.map((a) => `${a.rule}: ${a.message}`), []);
    assert.deepEqual(monitor.errors, []);
    const row = monitor.monitor.store.topAnnotators(10).find((r) => r.annotator === 'acme:ann-2');
    assert.equal(row?.releases, 12);
    assert.equal(row?.submits, 12);
  } finally {
    await monitor.close();
    await log.close();
  }
});
