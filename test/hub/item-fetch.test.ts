/**
 * The sealed-item route streams the blob: ETag is the item digest,
 * If-None-Match gives 304, one Range: bytes= range gives 206 (416 past the
 * end), and every one of these answers only the lease holder, on an approved
 * device, while the lease runs: a conditional or ranged request is no way
 * around the checks a plain one passes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Assignment } from '../../src/core/assignment.js';
import { Harness, lease, makeLab, makeWorker, putCampaign, sealFixture, uploadItems, type Lab, type SealedFixture, type Worker } from './support/harness.js';

describe('sealed-item fetch: ETag, 304, ranges, and who may ask', () => {
  let h: Harness;
  let acme: Lab;
  let item: SealedFixture;
  let holder: Worker;
  let other: Worker;
  let a: Assignment;
  let url = '';
  const get = (w: Worker, headers: Record<string, string> = {}) => h.request('GET', url, { headers: { authorization: `Bearer ${w.token}`, ...headers } });

  before(async () => {
    h = await Harness.open('sqlite');
    acme = await makeLab(h, 'acme-lab', 40);
    assert.equal((await putCampaign(h, acme, 'fetch', { overlap: 1 })).status, 200);
    item = await sealFixture(acme, 'fetch', 'f-1');
    assert.equal((await uploadItems(h, acme, 'fetch', [item])).status, 200);
    holder = await makeWorker(h, [acme], 'holder', 60, { direct: true });
    other = await makeWorker(h, [acme], 'other', 62, { direct: true });
    const granted = await lease(h, holder, acme, 'fetch');
    assert.equal(granted.status, 200, JSON.stringify(granted.json));
    a = granted.json.assignment as Assignment;
    url = `/v1/labs/acme-lab/campaigns/fetch/leases/${a.body.lease}/item`;
  });
  after(async () => {
    await h?.close();
  });

  test('the whole item comes as application/octet-stream with the digest as ETag', async () => {
    const r = await get(holder);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    assert.equal(r.headers.get('etag'), `"${item.digest}"`);
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    assert.equal(r.headers.get('content-length'), String(item.sealed.length));
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.deepEqual(r.bytes, item.sealed);
  });

  test('If-None-Match with the digest gives 304 and no body; another tag gives the item', async () => {
    const same = await get(holder, { 'if-none-match': `"${item.digest}"` });
    assert.equal(same.status, 304);
    assert.equal(same.bytes.length, 0);
    assert.equal(same.headers.get('etag'), `"${item.digest}"`);
    assert.equal((await get(holder, { 'if-none-match': `W/"${item.digest}", "x"` })).status, 304, 'weak comparison, any tag of a list');
    const changed = await get(holder, { 'if-none-match': '"another-digest"' });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.bytes, item.sealed);
  });

  test('Range: bytes= gives 206 with Content-Range; suffix and open ranges; 416 past the end', async () => {
    const size = item.sealed.length;
    const middle = await get(holder, { range: 'bytes=10-19' });
    assert.equal(middle.status, 206);
    assert.equal(middle.headers.get('content-range'), `bytes 10-19/${size}`);
    assert.deepEqual(middle.bytes, item.sealed.slice(10, 20));
    const tail = await get(holder, { range: 'bytes=-5' });
    assert.equal(tail.status, 206);
    assert.deepEqual(tail.bytes, item.sealed.slice(size - 5));
    const rest = await get(holder, { range: `bytes=${size - 3}-` });
    assert.deepEqual(rest.bytes, item.sealed.slice(size - 3));
    const beyond = await get(holder, { range: `bytes=${size}-` });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${size}`);
    assert.equal(beyond.bytes.length, 0);
    for (const ignored of ['bytes=0-1,5-6', 'items=0-1', 'bytes=9-3']) {
      const whole = await get(holder, { range: ignored });
      assert.equal(whole.status, 200, ignored);
      assert.deepEqual(whole.bytes, item.sealed, ignored);
    }
    const stale = await get(holder, { range: 'bytes=0-3', 'if-range': '"another-digest"' });
    assert.equal(stale.status, 200, 'If-Range with another tag means the whole item');
  });

  test('another annotator gets 404 for plain, conditional and ranged requests alike', async () => {
    for (const headers of [{}, { 'if-none-match': `"${item.digest}"` }, { range: 'bytes=0-9' }, { 'if-none-match': '*' }]) {
      const r = await get(other, headers);
      assert.equal(r.status, 404, JSON.stringify(headers));
      assert.equal(r.json.error.code, 'NOT_FOUND');
      assert.equal(r.headers.get('etag'), null, 'no ETag tells a non-holder which item the lease is');
    }
  });

  test('an item too large to send as one buffer is streamed whole and by range', async () => {
    const big = await sealFixture(acme, 'big', 'b-1', undefined, new Uint8Array(600 * 1024).fill(0x61));
    assert.equal((await putCampaign(h, acme, 'big', { overlap: 1 })).status, 200);
    assert.equal((await uploadItems(h, acme, 'big', [big])).status, 200);
    const reader = await makeWorker(h, [acme], 'reader', 64, { direct: true });
    const granted = await lease(h, reader, acme, 'big');
    assert.equal(granted.status, 200, JSON.stringify(granted.json));
    const bigUrl = `/v1/labs/acme-lab/campaigns/big/leases/${granted.json.assignment.body.lease}/item`;
    const auth = { authorization: `Bearer ${reader.token}` };
    const whole = await h.request('GET', bigUrl, { headers: auth });
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-length'), String(big.sealed.length));
    assert.deepEqual(whole.bytes, big.sealed);
    const part = await h.request('GET', bigUrl, { headers: { ...auth, range: 'bytes=400000-400099' } });
    assert.equal(part.status, 206);
    assert.deepEqual(part.bytes, big.sealed.slice(400_000, 400_100));
    assert.equal((await h.request('GET', bigUrl, { headers: { authorization: `Bearer ${holder.token}`, range: 'bytes=0-9' } })).status, 404, 'not the holder of this lease');
  });

  test('a suspended device, then an ended lease, get no item, no 304 and no range', async () => {
    const suspended = await h.labRequest(acme, 'PUT', `/v1/labs/acme-lab/devices/${holder.device}`, { state: 'suspended' });
    assert.equal(suspended.status, 200);
    for (const headers of [{}, { 'if-none-match': `"${item.digest}"` }, { range: 'bytes=0-9' }]) {
      const r = await get(holder, headers);
      assert.ok(r.status === 403 || r.status === 409, `${JSON.stringify(headers)}: ${r.status}`);
      assert.equal(r.headers.get('etag'), null);
    }
    // The suspension revoked the lease; re-approving the device does not bring it back.
    assert.equal((await h.labRequest(acme, 'PUT', `/v1/labs/acme-lab/devices/${holder.device}`, { state: 'approved' })).status, 200);
    for (const headers of [{}, { 'if-none-match': `"${item.digest}"` }, { range: 'bytes=0-9' }]) {
      const r = await get(holder, headers);
      assert.equal(r.status, 409, JSON.stringify(headers));
      assert.equal(r.json.error.code, 'LEASE_NOT_OPEN');
    }
  });
});
