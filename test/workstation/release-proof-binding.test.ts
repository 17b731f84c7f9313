/**
 * The workstation opens a grant only when the proof is of the release record of THIS request
 * (SPEC §7; src/workstation/release-client.ts). Flipped bytes are the tamper tests' job; here every
 * proof is genuine — a real record on the real log, witnessed — but of a different record: another
 * item, another device, and records a lying gatekeeper (which holds the log key) could log with this
 * request's signature: a denial dressed as a grant, another item, another device, another kind.
 * Each pairs the proof with a grant that does open for this request, so only the binding check stands
 * between the client and the DEK.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBase64Url } from '../../src/core/bytes.js';
import { KeyholeError } from '../../src/core/errors.js';
import type { ReleaseRequest } from '../../src/core/release.js';
import type { RecordInput } from '../../src/gatekeeper/audit-trail.js';
import { suspend } from '../../src/gatekeeper/suspension.js';
import { ReleaseDenied, openReleaseResponse } from '../../src/workstation/release-client.js';
import { BACKENDS } from '../gatekeeper/support/backends.js';
import { HUB, p, startHarness, type Device, type Harness } from '../gatekeeper/support/harness.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;

interface Granted {
  readonly request: ReleaseRequest;
  readonly grant: unknown;
  readonly proof: string;
}

async function granted(h: Harness, device: Device, item: number): Promise<Granted> {
  const request = await h.request(device, await h.assign(device, item));
  const res = await h.post('/v1/release', request);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { request, grant: res.body.grant, proof: res.body.proof };
}

/** A genuine, witnessed proof of `input` logged through the gatekeeper's own trail, as a gatekeeper that lies could. */
async function loggedProof(h: Harness, input: RecordInput): Promise<string> {
  return h.gk.audit.proof(await h.gk.audit.append(input, h.now() * 1000));
}

async function refused(open: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(open, (err: unknown) => {
    assert.ok(err instanceof KeyholeError && !(err instanceof ReleaseDenied), `expected a refusal, got ${String(err)}`);
    assert.equal(err.code, 'MISMATCH');
    assert.match(err.message, message);
    return true;
  });
}

test('a grant is opened only with the proof of its own release record', { timeout: 120_000 }, async () => {
  const h = await startHarness(sqlite, { items: 3 });
  try {
    const a = await h.device('ann-a');
    const b = await h.device('ann-b');
    const mine = await granted(h, a, 0);
    const otherItem = await granted(h, a, 1);
    const otherDevice = await granted(h, b, 0);
    const open = (proof: string) => openReleaseResponse(p, 200, { grant: mine.grant, proof }, mine.request, a.kex, h.policy);

    // Control: the true pairing opens, so every refusal below is the binding check's doing.
    assert.equal((await open(mine.proof)).length, 32);

    await refused(open(otherItem.proof), /another request/);
    await refused(open(otherDevice.proof), /another request/);

    const assignment = mine.request.body.assignment.body;
    const exact: RecordInput = {
      kind: 'release',
      decision: 'allow',
      campaign: assignment.campaign,
      item: assignment.item,
      annotator: `${HUB}:${a.annotator}`,
      deviceKeyHash: toBase64Url(Buffer.from(a.id, 'hex')),
      requestSignature: mine.request.sig,
    };
    // Control for the lying-gatekeeper records: the exact record, logged again, is accepted.
    assert.equal((await open(await loggedProof(h, exact))).length, 32);
    await refused(open(await loggedProof(h, { ...exact, item: 'item-1' })), /names another item/);
    await refused(open(await loggedProof(h, { ...exact, campaign: 'camp-other' })), /names another item/);
    await refused(open(await loggedProof(h, { ...exact, deviceKeyHash: toBase64Url(Buffer.from(b.id, 'hex')) })), /names another device/);
    await refused(open(await loggedProof(h, { ...exact, kind: 'deny', decision: 'deny', reason: 'DEVICE_SUSPENDED' })), /is a deny\/deny, not a release/);
    await refused(open(await loggedProof(h, { ...exact, decision: 'deny' })), /is a release\/deny, not a release/);
    await refused(open(await loggedProof(h, { ...exact, kind: 'submit' })), /is a submit\/allow, not a release/);
  } finally {
    await h.close();
  }
});

test('a denial is believed only with the proof of its own deny record', { timeout: 120_000 }, async () => {
  const h = await startHarness(sqlite, { items: 2 });
  try {
    const a = await h.device('ann-a');
    await suspend(h.gk, { kind: 'device', device: a.id });
    const first = await h.request(a, await h.assign(a, 0));
    const second = await h.request(a, await h.assign(a, 1));
    const deniedFirst = await h.post('/v1/release', first);
    const deniedSecond = await h.post('/v1/release', second);
    assert.equal(deniedFirst.status, 403, JSON.stringify(deniedFirst.body));
    assert.equal(deniedSecond.status, 403, JSON.stringify(deniedSecond.body));
    const deny = (body: { error: unknown; proof: string }) => openReleaseResponse(p, 403, body, second, a.kex, h.policy);
    await assert.rejects(deny(deniedSecond.body), (err: unknown) => err instanceof ReleaseDenied && err.denyCode === 'DEVICE_SUSPENDED');
    await refused(deny({ error: deniedSecond.body.error, proof: deniedFirst.body.proof }), /another request/);
  } finally {
    await h.close();
  }
});
