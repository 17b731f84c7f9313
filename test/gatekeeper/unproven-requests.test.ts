/**
 * Issue 14, finding 1: nothing in the log is attributed to a person, device,
 * item or campaign that the request did not prove (SPEC §7.3). An outsider
 * floods POST /v1/release with forged requests naming a real annotator, her
 * device and a tripwire item; a monitor with suspension rights follows the log.
 * Nothing may name her, and nobody may be alerted on or suspended. A control at
 * the end shows the same monitor does suspend for a proven tripwire request.
 * Runs on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { signAssignment } from '../../src/core/assignment.js';
import { toBase64Url } from '../../src/core/bytes.js';
import { deviceId } from '../../src/core/device.js';
import { signReleaseRequest, type ReleaseRequest } from '../../src/core/release.js';
import { registerMonitor } from '../../src/gatekeeper/monitor-request.js';
import { unprovenRequests } from '../../src/gatekeeper/unproven-requests.js';
import { SuspensionClient } from '../../src/monitor/alerts/suspension-client.js';
import { checkpointPolicy } from '../../src/monitor/follower/checkpoint-policy.js';
import { requestRelease } from '../../src/workstation/release-client.js';
import { startMonitor, type Harness as MonitorHarness } from '../monitor/support/monitor-harness.js';
import { CAMPAIGN, HUB, LAB, p, type Device, type Harness } from './support/harness.js';
import { eachBackend } from './support/suite.js';

const FORGED = 1000;
const TRIPWIRE_ITEM = 3;
const VICTIM = `${HUB}:ann-1`;

/** A monitor following the gatekeeper's log, allowed to suspend through it, with the tripwire item on its list. */
async function watch(h: Harness): Promise<MonitorHarness> {
  const signer = await p.ed25519FromSeed(new Uint8Array(32).fill(42));
  await registerMonitor(h.gk, 'mon-1', toBase64Url(signer.publicKey));
  const policy = await checkpointPolicy(p, h.gk.logKey.verifierKey, [h.witnessVkey], 1);
  const suspender = new SuspensionClient({ p, gatekeeper: h.url, monitor: 'mon-1', signer, policy });
  return startMonitor(
    { dir: h.dir, url: new URL('log/', h.url).href, logKey: h.gk.logKey, witnesses: [{ verifierKey: h.witnessVkey }] },
    { defaultVendor: HUB, rules: { tripwire: { items: [`item-${TRIPWIRE_ITEM}`] }, 'denial-burst': { suspend: true } } },
    { suspender, quorum: 1 },
  );
}

/** Waits until the monitor has verified the whole log and delivered what it raised (fails after 20 s). */
async function caughtUp(h: Harness, m: MonitorHarness): Promise<void> {
  const until = Date.now() + 20_000;
  while (m.monitor.verifiedSize < h.gk.audit.size) {
    if (Date.now() > until) assert.fail(`monitor verified ${m.monitor.verifiedSize} of ${h.gk.audit.size} entries; errors: ${m.errors.join('; ') || 'none'}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await m.monitor.settled();
}

/** Forged requests of three kinds, each naming the victim and (every other one) the tripwire item. */
async function forgeries(h: Harness, victim: Device, n: number): Promise<ReleaseRequest[]> {
  const attackerSigner = await p.ed25519FromSeed(new Uint8Array(32).fill(201));
  const attackerKex = await p.x25519FromSecret(new Uint8Array(32).fill(202));
  const attackerKeys = { signing: attackerSigner.publicKey, kex: attackerKex.publicKey };
  const attacker = { signer: attackerSigner, keys: attackerKeys };
  const attackerId = await deviceId(p, attackerKeys);
  const fakeHub = await p.ed25519FromSeed(new Uint8Array(32).fill(203));
  const out: ReleaseRequest[] = [];
  for (let i = 0; i < n; i++) {
    const head = h.items[i % 2 === 0 ? TRIPWIRE_ITEM : 1]!;
    const kind = i % 3;
    const body = {
      v: 1 as const,
      hub: HUB,
      lab: LAB,
      campaign: CAMPAIGN,
      item: head.header.item,
      digest: toBase64Url(head.digest),
      lease: `forged-${i}`,
      annotator: victim.annotator,
      // 0: the attacker's own, unenrolled device; 1 and 2: the victim's device id.
      device: kind === 0 ? attackerId : victim.id,
      issued: h.now(),
      expires: h.now() + 600,
    };
    // 0 and 1: an assignment under a key that is not the hub's; 2: under the hub's real key (a breached vendor without a device).
    const assignment = await signAssignment(kind === 2 ? h.hub : fakeHub, body);
    if (kind === 0) {
      out.push(await signReleaseRequest(p, attacker, assignment, h.now()));
    } else {
      // Signed by the attacker's key while naming the victim's device: BAD_SIGNATURE.
      const forged = await signReleaseRequest(p, attacker, assignment, h.now());
      out.push({ ...forged, body: { ...forged.body, device: victim.id } });
    }
  }
  return out;
}

async function send(h: Harness, requests: readonly ReleaseRequest[]): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < requests.length; i += 50) {
    const batch = await Promise.all(requests.slice(i, i + 50).map((r) => h.post('v1/release', r)));
    statuses.push(...batch.map((b) => b.status));
  }
  return statuses;
}

eachBackend(
  `${FORGED} forged release requests naming a real annotator: no record names her, no alert, no suspension`,
  { items: 4, tripwires: [TRIPWIRE_ITEM] },
  async (h) => {
    const victim = await h.device('ann-1');
    await requestRelease(p, h.url, await h.request(victim, await h.assign(victim, 0)), victim.kex, h.policy);
    const monitor = await watch(h);
    try {
      const before = (await h.records()).length;
      const statuses = await send(h, await forgeries(h, victim, FORGED));
      assert.deepEqual([...new Set(statuses)], [401], 'every forged request is refused as unproven');
      const counter = unprovenRequests(h.gk);
      await counter.flush();
      assert.equal(counter.snapshot().total, FORGED);
      assert.deepEqual(counter.snapshot().byReason, { DEVICE_UNKNOWN: Math.ceil(FORGED / 3), BAD_SIGNATURE: FORGED - Math.ceil(FORGED / 3) });

      const added = (await h.records()).slice(before);
      assert.ok(added.length >= 1 && added.length <= 2, `one aggregate per interval, not one record per request (${added.length} records)`);
      let counted = 0;
      for (const r of added) {
        assert.deepEqual(Object.keys(r).sort(), ['decision', 'kind', 'prev', 'reason', 'seq', 'time', 'v'], 'the aggregate names nobody and nothing');
        assert.equal(r.kind, 'deny');
        counted += Number(/^UNPROVEN count=(\d+)$/.exec(r.reason!)![1]);
      }
      assert.equal(counted, FORGED, 'the aggregates account for every forged request');
      assert.deepEqual((await h.records()).filter((r) => r.annotator === VICTIM).map((r) => r.kind), ['enroll', 'release'], 'only her enrolment and her own release name her');

      await caughtUp(h, monitor);
      assert.deepEqual(monitor.alerts.map((a) => `${a.rule}: ${a.message}`), [], 'no alert on anyone');
      const row = await h.gk.db.selectFrom('annotators').selectAll().where('annotator', '=', 'ann-1').executeTakeFirst();
      assert.equal(row?.suspended_at ?? null, null, 'the victim is not suspended');
      assert.equal((await h.records()).filter((r) => r.kind === 'suspend').length, 0);

      // Control: the same monitor suspends the owner of a device that really asks for the tripwire item.
      await assert.rejects(requestRelease(p, h.url, await h.request(victim, await h.assign(victim, TRIPWIRE_ITEM)), victim.kex, h.policy));
      await monitor.waitFor('tripwire', (a) => a.rule === 'tripwire' && a.subject.annotator === VICTIM, 20_000);
      await caughtUp(h, monitor);
      const suspended = await h.gk.db.selectFrom('annotators').selectAll().where('annotator', '=', 'ann-1').executeTakeFirst();
      assert.notEqual(suspended?.suspended_at ?? null, null, 'control: a proven tripwire request does suspend');
    } finally {
      await monitor.close();
    }
  },
  180_000,
);

eachBackend('a forged request touching a tripwire item raises no alert and suspends nobody', { items: 4, tripwires: [TRIPWIRE_ITEM] }, async (h) => {
  const victim = await h.device('ann-1');
  const monitor = await watch(h);
  try {
    const [forged] = await forgeries(h, victim, 1);
    assert.equal(forged!.body.assignment.body.item, `item-${TRIPWIRE_ITEM}`);
    assert.deepEqual(await send(h, [forged!]), [401]);
    await unprovenRequests(h.gk).flush();
    assert.equal((await h.records()).filter((r) => r.item === `item-${TRIPWIRE_ITEM}` || (r.annotator !== undefined && r.kind !== 'enroll')).length, 0);
    assert.equal(h.alerts.length, 0, 'the gatekeeper raised no alert');
    await caughtUp(h, monitor);
    assert.deepEqual(monitor.alerts.map((a) => `${a.rule}: ${a.message}`), []);
    assert.equal((await h.gk.db.selectFrom('annotators').selectAll().where('suspended_at', 'is not', null).execute()).length, 0);
    assert.equal((await h.gk.db.selectFrom('vendors').selectAll().where('suspended_at', 'is not', null).execute()).length, 0);
  } finally {
    await monitor.close();
  }
});

eachBackend('unproven requests: one aggregate at once, then at most one per interval carrying the count since', { items: 4 }, async (h) => {
  const victim = await h.device('ann-1');
  const aggregates = async () => (await h.records()).filter((r) => r.reason?.startsWith('UNPROVEN')).map((r) => r.reason);
  const forged = await forgeries(h, victim, 4);
  assert.deepEqual(await send(h, forged.slice(0, 3)), [401, 401, 401]);
  const until = Date.now() + 20_000;
  while ((await aggregates()).length === 0) {
    if (Date.now() > until) assert.fail('the first unproven request was not logged as an aggregate');
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.deepEqual(await aggregates(), ['UNPROVEN count=1'], 'the first one at once; the next two wait for the interval');
  h.advance(61);
  assert.deepEqual(await send(h, forged.slice(3)), [401]);
  await unprovenRequests(h.gk).flush();
  assert.deepEqual(await aggregates(), ['UNPROVEN count=1', 'UNPROVEN count=3']);
  assert.equal(unprovenRequests(h.gk).snapshot().unlogged, 0);
});

eachBackend('malformed release requests are refused, counted as MALFORMED, and name nobody', { items: 4 }, async (h) => {
  const before = (await h.records()).length;
  const victim = await h.device('ann-1');
  const [forged] = await forgeries(h, victim, 1);
  const broken = ['not json', '{"body": 1, "sig": "x"}', JSON.stringify({ ...forged, extra: true }), JSON.stringify({ ...forged, body: { ...forged!.body, v: 1, v2: 1 } })];
  for (const text of broken) assert.equal((await h.post('v1/release', text)).status, 400);
  await unprovenRequests(h.gk).flush();
  assert.equal(unprovenRequests(h.gk).snapshot().byReason.MALFORMED, broken.length);
  const added = (await h.records()).slice(before).filter((r) => r.kind !== 'enroll');
  for (const r of added) assert.deepEqual(Object.keys(r).sort(), ['decision', 'kind', 'prev', 'reason', 'seq', 'time', 'v']);
  assert.equal(added.reduce((n, r) => n + Number(/^UNPROVEN count=(\d+)$/.exec(r.reason!)![1]), 0), broken.length);
});
