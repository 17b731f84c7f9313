/**
 * Each misuse pattern, played against a real witnessed log by a scripted
 * attacker holding a stolen device key, raises its alert within 5 seconds.
 * One log and one monitor serve every case; each case has its own annotator.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { toBase64Url } from '../../src/core/bytes.js';
import { startMonitor, type Harness } from './support/monitor-harness.js';
import { startWitnessedLog, type RecordInput, type WitnessedLog } from './support/witnessed-log.js';

let log: WitnessedLog;
let monitor: Harness;
const stolen = toBase64Url(new Uint8Array(32).fill(0x66));
const hour = new Date().getUTCHours();

before(async () => {
  log = await startWitnessedLog();
  monitor = await startMonitor(log, {
    receiptGraceSeconds: 0,
    rules: {
      tripwire: { items: ['trip-0001x'] },
      'exposure-budget': { vendorBudgets: { smallco: 10 } },
    },
    campaigns: {
      'short-lease': { leaseSeconds: 1 },
      'night-shift': { rules: { 'off-hours': { hours: { start: (hour + 2) % 24, end: ((hour + 3) % 24) + 1 } } } },
      'closing': { rules: { 'access-after-close': { closesAt: new Date(Date.now() - 3_600_000).toISOString() } } },
    },
  });
});

after(async () => {
  await monitor.close();
  await log.close();
});

const release = (annotator: string, item: string, campaign = 'rlhf-7', extra: Partial<RecordInput> = {}): RecordInput => ({ kind: 'release', decision: 'allow', campaign, item, annotator, deviceKeyHash: stolen, ...extra });

async function expectAlert(rule: string, annotator: string, records: RecordInput[]): Promise<void> {
  await log.append(...records);
  const alert = await monitor.waitFor(rule, (a) => a.rule === rule && (a.subject.annotator === annotator || a.subject.vendor === annotator));
  assert.ok(alert.entries.length > 0, 'the alert names its log entries');
  assert.equal(typeof alert.latencyMs, 'number', 'release-to-alert latency is recorded');
}

test('velocity: a burst of releases faster than anyone reads', async () => {
  const who = 'acme:velo';
  await expectAlert('velocity', who, Array.from({ length: 9 }, (_, i) => release(who, `v-${String.fromCharCode(97 + i)}x`)));
});

test('breadth: one person across many campaigns', async () => {
  const who = 'acme:broad';
  await expectAlert('breadth', who, ['b1', 'b2', 'b3', 'b4'].map((c) => release(who, `item-${c}x`, `camp-${c}`)));
});

test('sequential scan: ids walked in +1 order', async () => {
  const who = 'acme:scanner';
  await expectAlert('sequential-scan', who, [100, 101, 102, 103, 104].map((n) => release(who, `conv-${n}`)));
});

test('reads without submits: leases run out with nothing handed in (and each missing receipt is an integrity alert)', async () => {
  const who = 'acme:reader';
  await expectAlert('reads-without-submits', who, ['r-ax', 'r-bx', 'r-cx'].map((i) => release(who, i, 'short-lease')));
  await monitor.waitFor('missing-receipt', (a) => a.rule === 'missing-receipt' && a.subject.annotator === who);
});

test('repeated release of the same item', async () => {
  const who = 'acme:again';
  await expectAlert('repeated-release', who, [release(who, 'same-itemx'), release(who, 'same-itemx')]);
});

test('denial burst: probing', async () => {
  const who = 'acme:prober';
  await expectAlert('denial-burst', who, Array.from({ length: 5 }, (_, i) => ({ ...release(who, `p-${String.fromCharCode(97 + i)}x`), kind: 'deny' as const, decision: 'deny' as const, reason: 'ITEM_UNKNOWN' })));
});

test('off-hours access', async () => {
  const who = 'acme:owl';
  await expectAlert('off-hours', who, [release(who, 'night-itemx', 'night-shift')]);
});

test('new device for an annotator who worked from another one', async () => {
  const who = 'acme:twodev';
  await expectAlert('new-device', who, [release(who, 'nd-ax', 'rlhf-7', { deviceKeyHash: toBase64Url(new Uint8Array(32).fill(0x21)) }), release(who, 'nd-bx')]);
});

test('dormant account waking up', async () => {
  const who = 'acme:sleeper';
  const longAgo = new Date(Date.now() - 90 * 86_400_000).toISOString();
  await expectAlert('dormant-account', who, [release(who, 'd-ax', 'rlhf-7', { time: longAgo }), { kind: 'submit', campaign: 'rlhf-7', item: 'd-ax', annotator: who, time: longAgo }, release(who, 'd-bx')]);
});

test('access after the campaign closed, and after its keys were shredded', async () => {
  const who = 'acme:late';
  await expectAlert('access-after-close', who, [release(who, 'late-ax', 'closing')]);
  const shredder = 'acme:after-shred';
  await expectAlert('access-after-close', shredder, [{ kind: 'shred', campaign: 'shredded-1', reason: 'SHRED batch=b1' }, { ...release(shredder, 'gone-ax', 'shredded-1'), kind: 'deny', decision: 'deny', reason: 'BATCH_SHREDDED' }]);
});

test('tripwire touch', async () => {
  const who = 'acme:tripper';
  await expectAlert('tripwire', who, [{ ...release(who, 'trip-0001x'), kind: 'deny', decision: 'deny', reason: 'TRIPWIRE' }]);
});

test("exposure nearing the vendor's budget", async () => {
  const who = 'smallco';
  await expectAlert('exposure-budget', who, Array.from({ length: 8 }, (_, i) => release(`smallco:a${i}`, `exp-${String.fromCharCode(97 + i)}x`)));
});

test("a gap in an annotator's chain", async () => {
  const who = 'acme:gappy';
  await log.append(release(who, 'g-ax'));
  // A record the gatekeeper attempted but never got into the log: the next one skips its seq.
  const { encodeAccessRecord } = await import('../../src/core/access-record.js');
  const entry = encodeAccessRecord({ v: 1, kind: 'release', decision: 'allow', time: new Date().toISOString(), campaign: 'rlhf-7', item: 'g-cx', annotator: who, deviceKeyHash: stolen, seq: 2, prev: 'A'.repeat(43) });
  await log.writer.append(entry);
  await monitor.waitFor('chain-gap', (a) => a.rule === 'chain-gap' && a.subject.annotator === who);
});
