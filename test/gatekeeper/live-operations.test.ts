/**
 * Lab operations while key release goes on (issue 13): 64 clients request
 * keys over HTTP while an operator suspends an annotator and shreds a batch
 * through the admin API. Every key a client received has its record on the
 * log; no key for the suspended annotator is granted by a decision made
 * after the suspension returned, and none for the shredded batch after the
 * shred returned. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import type { Assignment } from '../../src/core/assignment.js';
import { parseProofBundle, verifyProofBundle } from '../../src/core/proof-bundle.js';
import { serveAdmin, type Route } from './support/admin.js';
import { HUB, p, type Device, type Harness } from './support/harness.js';
import { eachBackend } from './support/suite.js';

const CLIENTS = 64;
const VICTIM_DEVICES = 8;
const ITEMS = 48;

interface Outcome {
  readonly annotator: string;
  readonly item: number;
  readonly started: number;
  readonly status: number;
  readonly code?: string;
  readonly logIndex?: number;
  readonly proof?: string;
}

/** One client: requests keys for its items in turn until told to stop. */
async function client(h: Harness, device: Device, items: readonly number[], lease: string, stop: () => boolean, out: Outcome[]): Promise<void> {
  for (let round = 0; !stop(); round++) {
    const item = items[round % items.length]!;
    const assignment: Assignment = await h.assign(device, item, { lease: `${lease}-${round}` });
    const started = performance.now();
    const res = await h.post('/v1/release', await h.request(device, assignment));
    out.push({ annotator: device.annotator, item, started, status: res.status, ...(res.body.error ? { code: res.body.error.code } : {}), ...(typeof res.body.proof === 'string' ? { logIndex: parseProofBundle(res.body.proof).index, proof: res.body.proof } : {}) });
  }
}

const suspendVictim: Route = { method: 'POST', path: '/admin/v1/suspend', body: { kind: 'annotator', vendor: HUB, annotator: 'victim' }, need: 'operator' };

eachBackend(
  'suspending an annotator while 64 clients request keys: no grant decided after it returned, every grant on the log',
  { items: ITEMS, campaign: { overlap: 16 } },
  async (h) => {
    const admin = await serveAdmin(h);
    try {
      const devices: Device[] = [];
      for (let i = 0; i < VICTIM_DEVICES; i++) devices.push(await h.device('victim'));
      for (let i = VICTIM_DEVICES; i < CLIENTS; i++) devices.push(await h.device(`ann-${i}`));
      const out: Outcome[] = [];
      let stopped = false;
      // The victim's devices take disjoint items (never the same item twice to one person); others cycle through all.
      const per = ITEMS / VICTIM_DEVICES;
      const running = devices.map((d, i) =>
        client(h, d, d.annotator === 'victim' ? Array.from({ length: per }, (_, k) => i * per + k) : Array.from({ length: ITEMS }, (_, k) => (k + i) % ITEMS), `l${i}`, () => stopped, out),
      );
      while (out.filter((o) => o.annotator === 'victim' && o.status === 200).length < 4) await new Promise((r) => setTimeout(r, 20));
      const suspended = await admin.send(suspendVictim, { id: 'operator' });
      const returned = performance.now();
      assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
      const deadline = Date.now() + 60_000;
      while (out.filter((o) => o.annotator === 'victim' && o.started > returned).length < 8) {
        if (Date.now() > deadline) assert.fail('the victim\'s clients made no requests after the suspension');
        await new Promise((r) => setTimeout(r, 20));
      }
      stopped = true;
      await Promise.all(running);

      const victimAfter = out.filter((o) => o.annotator === 'victim' && o.started > returned);
      assert.deepEqual(victimAfter.filter((o) => o.status === 200), [], 'no key for the suspended annotator after the suspension returned');
      assert.ok(victimAfter.every((o) => o.status === 403), 'each of her later requests is refused');
      const granted = out.filter((o) => o.status === 200);
      assert.ok(granted.some((o) => o.annotator !== 'victim' && o.started > returned), 'everyone else goes on being served');
      const records = await h.records();
      for (const g of granted) {
        await verifyProofBundle(p, g.proof!, h.policy);
        const r = records[g.logIndex!];
        assert.ok(r !== undefined && r.kind === 'release' && r.decision === 'allow', `grant at log index ${g.logIndex} is on the log`);
      }
      assert.equal(records.filter((r) => r.kind === 'release' && r.decision === 'allow').length, granted.length, 'every grant on the log was received by a client, and the reverse');
      const suspendAt = suspended.body.logIndex as number;
      for (const g of granted.filter((o) => o.annotator === 'victim')) assert.ok(g.logIndex! < suspendAt, 'the victim\'s grants are all before the suspension on the log');
    } finally {
      await admin.close();
    }
  },
  120_000,
);

eachBackend(
  'shredding a batch while clients request keys: grants before, BATCH_SHREDDED after, the receipt on the log',
  { items: 16, campaign: { overlap: 16 } },
  async (h) => {
    const admin = await serveAdmin(h);
    try {
      const devices: Device[] = [];
      for (let i = 0; i < 16; i++) devices.push(await h.device(`ann-${i}`));
      const out: Outcome[] = [];
      let stopped = false;
      const running = devices.map((d, i) => client(h, d, Array.from({ length: 16 }, (_, k) => (k + i) % 16), `s${i}`, () => stopped, out));
      while (out.filter((o) => o.status === 200).length < 8) await new Promise((r) => setTimeout(r, 20));
      const shred = await admin.send({ method: 'POST', path: '/admin/v1/batches/batch-1/shred', need: 'admin' }, { id: 'admin' });
      const returned = performance.now();
      assert.equal(shred.status, 200, JSON.stringify(shred.body));
      while (out.filter((o) => o.started > returned).length < 16) await new Promise((r) => setTimeout(r, 20));
      stopped = true;
      await Promise.all(running);
      const after = out.filter((o) => o.started > returned);
      assert.deepEqual(after.filter((o) => o.status === 200), [], 'no key after the shred returned');
      assert.ok(after.every((o) => o.code === 'BATCH_SHREDDED' || o.status === 403), JSON.stringify(after.slice(0, 3)));
      const records = await h.records();
      assert.equal(records[shred.body.logIndex]!.kind, 'shred');
    } finally {
      await admin.close();
    }
  },
  120_000,
);
