/**
 * Issue 14 finding 6, the hub's part: an unknown lab and a bad signature are
 * refused with the same answer (no tenant enumeration); every answer carries
 * nosniff and no-store; refusals echo nothing of the request (not the path of
 * a 404, not the text of malformed JSON); hub.db and its WAL files are
 * readable by their owner only (they hold password hashes).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utf8 } from '../../src/core/bytes.js';
import { LAB_SIGNATURE_HEADER, signLabRequest } from '../../src/hub/lab-request-signature.js';
import { openHubDatabase } from '../../src/storage/open-database.js';
import { p, seed } from '../support/fixtures.js';
import { HUB_ID, Harness, lease, makeLab, makeWorker, putCampaign, sealFixture, uploadItems, type Lab, type Worker } from './support/harness.js';

describe('hub response hygiene', () => {
  let h: Harness;
  let acme: Lab;
  let w: Worker;
  before(async () => {
    h = await Harness.open('sqlite', { workstationOrigin: 'https://work.acme.example' });
    acme = await makeLab(h, 'acme-lab', 40);
    w = await makeWorker(h, [acme], 'ann-hygiene', 60, { direct: true });
  });
  after(async () => {
    await h.close();
  });

  test('an unknown lab and a wrong signature get the same refusal', async () => {
    const stranger = await p.ed25519FromSeed(seed(77));
    const ask = async (lab: string) => {
      const path = `/v1/labs/${lab}/devices`;
      const header = await signLabRequest(p, stranger, { hub: HUB_ID, lab, method: 'GET', path, body: new Uint8Array(0) }, h.now);
      return h.request('GET', path, { headers: { [LAB_SIGNATURE_HEADER]: header } });
    };
    const registered = await ask('acme-lab');
    const unknown = await ask('no-such-lab');
    assert.equal(registered.status, 401);
    assert.equal(unknown.status, registered.status);
    assert.deepEqual(unknown.json, registered.json);
    assert.doesNotMatch(JSON.stringify(unknown.json), /no-such-lab|not registered/);
  });

  test('a lab body that differs from the signed digest is refused', async () => {
    const path = '/v1/labs/acme-lab/campaigns/c1/items/missing';
    const signed = utf8(JSON.stringify({ items: [] }));
    const header = await signLabRequest(p, acme.signer, { hub: HUB_ID, lab: 'acme-lab', method: 'POST', path, body: signed }, h.now);
    const swapped = await h.request('POST', path, { raw: JSON.stringify({ items: [{ item: 'x', digest: 'A'.repeat(43) }] }), headers: { [LAB_SIGNATURE_HEADER]: header, 'content-type': 'application/json' } });
    assert.equal(swapped.status, 401);
    assert.match(swapped.json.error.message, /does not match the digest/);
  });

  test('every answer carries nosniff and no-store, whatever its status', async () => {
    await putCampaign(h, acme, 'hyg');
    await uploadItems(h, acme, 'hyg', [await sealFixture(acme, 'hyg', 'hyg-1')]);
    const held = (await lease(h, w, acme, 'hyg')).json.assignment;
    const answers: [string, Response][] = [];
    const raw = async (name: string, path: string, init: RequestInit = {}) => answers.push([name, await h.app.request(`http://hub.test${path}`, init)]);
    await raw('health', '/v1/health');
    await raw('openapi', '/openapi.json');
    await raw('sealed item (binary)', `/v1/labs/acme-lab/campaigns/hyg/leases/${held.body.lease}/item`, { headers: { authorization: `Bearer ${w.token}` } });
    await raw('401', '/v1/campaigns');
    await raw('404', '/v1/nowhere');
    await raw('413', '/v1/sessions', { method: 'POST', body: 'x'.repeat(20_000), headers: { 'content-type': 'application/json', 'content-length': '20000' } });
    await raw('415', '/v1/sessions', { method: 'POST', body: 'username=a', headers: { 'content-type': 'text/plain' } });
    await raw('400 bad JSON', '/v1/sessions', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } });
    await raw('CORS preflight', '/v1/campaigns', { method: 'OPTIONS', headers: { origin: 'https://work.acme.example', 'access-control-request-method': 'GET' } });
    for (const [name, res] of answers) {
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', name);
      assert.equal(res.headers.get('cache-control'), 'no-store', name);
    }
    assert.equal(answers.find(([n]) => n === 'sealed item (binary)')![1].status, 200);
  });

  test('a 404 does not echo the path; malformed JSON is not echoed back', async () => {
    const marker = 'zz-probe-<script>';
    const missing = await h.request('GET', `/v1/${encodeURIComponent(marker)}`);
    assert.equal(missing.status, 404);
    assert.doesNotMatch(JSON.stringify(missing.json), /zz-probe|script|%3C/);
    const bad = await h.request('POST', '/v1/sessions', { raw: `{"username": ${marker}`, headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /not valid JSON/);
    assert.doesNotMatch(JSON.stringify(bad.json), /zz-probe|script|username/);
  });

  test('hub.db and its WAL and shared-memory files are created 0600', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyhole-hub-mode-'));
    const previous = process.umask(0o022);
    try {
      const store = await openHubDatabase(`sqlite:${join(dir, 'hub.db')}`);
      try {
        for (const name of ['hub.db', 'hub.db-wal', 'hub.db-shm']) assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600, name);
      } finally {
        await store.close();
      }
    } finally {
      process.umask(previous);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
