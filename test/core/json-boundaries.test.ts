/**
 * SPEC §1.2 at the HTTP boundary: the hub's request bodies go through
 * parseJsonText, so a body with a duplicated member is refused before any
 * handler reads it (the gatekeeper's bodies take the same function, src/gatekeeper/http.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../hub/support/harness.js';

test('the hub refuses a JSON body with a duplicated member (400), and takes the same body without it', async () => {
  const h = await Harness.open('sqlite');
  try {
    const json = { 'content-type': 'application/json' };
    const doubled = await h.request('POST', '/v1/sessions', { raw: '{"username":"ann","password":"correct horse","username":"admin"}', headers: json });
    assert.equal(doubled.status, 400);
    assert.doesNotMatch(JSON.stringify(doubled.json), /admin|correct horse/);
    const single = await h.request('POST', '/v1/sessions', { raw: '{"username":"ann","password":"correct horse"}', headers: json });
    assert.notEqual(single.status, 400, 'the same body without the duplicate is not a bad request');
  } finally {
    await h.close();
  }
});
