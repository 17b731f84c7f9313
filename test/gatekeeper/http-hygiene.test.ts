/**
 * Response hygiene of the gatekeeper's HTTP API (issue 14, findings 1 and 6):
 * JSON endpoints refuse other content types (a web page could otherwise post
 * text/plain from a visitor's browser without a preflight), every answer
 * carries nosniff and no-store (log tiles keep their own caching), a 404 does
 * not echo the path and a malformed body is not echoed back. The gatekeeper's
 * SQLite file is private to its owner.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BACKENDS } from './support/backends.js';
import { startHarness, type Harness } from './support/harness.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;

describe('gatekeeper HTTP hygiene', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(sqlite, { items: 1, witnessed: false });
  });
  after(async () => {
    await h.close();
  });

  const post = (path: string, body: string, type: string | undefined) =>
    fetch(new URL(path, h.url), { method: 'POST', body, headers: type === undefined ? {} : { 'content-type': type } });

  test('JSON endpoints refuse text/plain, forms and a missing content type with 415, before anything is logged', async () => {
    const before = (await h.records()).length;
    for (const path of ['v1/release', 'v1/submit', 'v1/monitor/suspend']) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
        const res = await post(path, '{}', type);
        assert.equal(res.status, 415, `${path} with ${type}`);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'UNSUPPORTED_MEDIA_TYPE');
      }
    }
    assert.equal((await h.records()).length, before);
    const json = await post('v1/release', '{}', 'application/json; charset=utf-8');
    assert.notEqual(json.status, 415, 'application/json with a charset is accepted');
  });

  test('every answer carries nosniff and no-store; log tiles keep their own cache policy', async () => {
    const answers = [
      await fetch(new URL('v1/lab', h.url)),
      await post('v1/release', '{', 'application/json'),
      await post('v1/release', '{}', 'text/plain'),
      await fetch(new URL('no/such/thing', h.url)),
    ];
    for (const res of answers) {
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${res.url} ${res.status}`);
      assert.equal(res.headers.get('cache-control'), 'no-store', `${res.url} ${res.status}`);
      await res.arrayBuffer();
    }
    const checkpoint = await fetch(new URL('log/checkpoint', h.url));
    assert.equal(checkpoint.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(checkpoint.headers.get('cache-control'), 'no-cache');
    await checkpoint.arrayBuffer();
  });

  test('a 404 does not echo the path and a malformed body is not echoed back', async () => {
    const marker = 'zz-probe-<script>alert(1)</script>';
    const missing = await fetch(new URL(`v1/${encodeURIComponent(marker)}`, h.url));
    assert.equal(missing.status, 404);
    const missingText = await missing.text();
    assert.doesNotMatch(missingText, /zz-probe|script/);
    const bad = await post('v1/release', `{"x": ${marker}`, 'application/json');
    assert.equal(bad.status, 400);
    const badText = await bad.text();
    assert.match(badText, /not valid JSON/);
    assert.doesNotMatch(badText, /zz-probe|script/);
  });

  test('the SQLite database and its WAL files are readable by the owner only', () => {
    for (const name of ['gatekeeper.db', 'gatekeeper.db-wal', 'gatekeeper.db-shm']) {
      assert.equal(statSync(join(h.dir, name)).mode & 0o777, 0o600, name);
    }
  });
});
