/**
 * The HTTP surface itself: the OpenAPI document lists every endpoint and has
 * no field that could carry a key or plaintext; a real socket enforces the
 * size limit; CORS answers only the workstation origin; per-account rate
 * limits refuse a flood; an internal failure reaches the client without
 * detail.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { Harness, makeLab, makeWorker, type Lab, type Worker } from './support/harness.js';

/** Field names that would mean a key or plaintext could cross the hub's API. */
const SECRET_FIELD = /^(dek|kek|key|privateKey|private|secret|secretKey|seed|plaintext|text|content|cleartext)$/i;

function propertyNames(schema: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => propertyNames(s, out));
  else if (schema !== null && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'properties' && v !== null && typeof v === 'object') Object.keys(v).forEach((name) => out.add(name));
      propertyNames(v, out);
    }
  }
  return out;
}

describe('HTTP surface', () => {
  let h: Harness;
  let acme: Lab;
  let w: Worker;
  before(async () => {
    h = await Harness.open('sqlite', { workstationOrigin: 'https://work.acme.example', accountLimit: { perSecond: 1, burst: 5 } });
    acme = await makeLab(h, 'acme-lab', 40);
    w = await makeWorker(h, [acme], 'ann-http', 60, { direct: true });
  });
  after(async () => {
    await h.close();
  });

  test('/openapi.json documents every endpoint, and no field could carry a key or plaintext', async () => {
    const doc = (await h.request('GET', '/openapi.json')).json;
    assert.equal(doc.openapi, '3.1.0');
    const operations = Object.values(doc.paths as Record<string, object>).reduce((n, ops) => n + Object.keys(ops).length, 0);
    assert.equal(operations, 19);
    assert.ok(doc.paths['/v1/labs/{lab}/campaigns/{campaign}/leases/{lease}/submission'].post.requestBody);
    const names = [...propertyNames(doc.paths)];
    assert.ok(names.includes('resultKey') && names.includes('signingKey') && names.includes('sealed'), 'the walk sees field names');
    assert.deepEqual(names.filter((n) => SECRET_FIELD.test(n)), []);
    // The only secret a client sends is the annotator's own password, to log in.
    const withPassword = Object.entries(doc.paths as Record<string, Record<string, unknown>>).filter(([, ops]) => [...propertyNames(ops)].includes('password'));
    assert.deepEqual(withPassword.map(([path]) => path), ['/v1/sessions']);
  });

  test('CORS is granted to the workstation origin only', async () => {
    const ok = await h.app.request('http://hub.test/v1/campaigns', { method: 'OPTIONS', headers: { origin: 'https://work.acme.example', 'access-control-request-method': 'GET' } });
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://work.acme.example');
    const evil = await h.app.request('http://hub.test/v1/campaigns', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
  });

  test('a flood from one account is rate limited; others are not affected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await h.session(w.token, 'GET', '/v1/campaigns')).status);
    assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
    const limited = await h.session(w.token, 'GET', '/v1/campaigns');
    assert.equal(limited.json.error.code, 'RATE_LIMITED');
    const other = await makeWorker(h, [acme], 'ann-http-2', 62, { direct: true });
    assert.equal((await h.session(other.token, 'GET', '/v1/campaigns')).status, 200);
  });

  test('over a real socket, an oversized body is refused with 413 and JSON', async () => {
    const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'x'.repeat(64 * 1024), password: 'y' }) });
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'TOO_LARGE');
      const health = await fetch(`http://127.0.0.1:${port}/v1/health`);
      assert.equal(health.headers.get('x-content-type-options'), 'nosniff');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('an internal failure reaches the client as INTERNAL without detail, and the operator log gets it', async () => {
    const reported: unknown[] = [];
    const broken = await Harness.open('sqlite', { onInternalError: (err) => reported.push(err) });
    await broken.ctx.store.close(); // every query now fails inside the driver
    try {
      const res = await broken.request('POST', '/v1/sessions', { body: { username: 'someone', password: 'whatever-password' } });
      assert.equal(res.status, 500);
      assert.deepEqual(Object.keys(res.json.error), ['code', 'message']);
      assert.equal(res.json.error.code, 'INTERNAL');
      assert.doesNotMatch(res.json.error.message, /sqlite|database|destroy|\.ts:/i);
      assert.equal(reported.length, 1);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });
});
