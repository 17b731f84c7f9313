/** SPEC §12: the operator-signed admin request, against the published vector (vectors/admin/request.json). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { adminRequestBody, adminSignedMessage, parseOperatorSignatureHeader } from '../../src/core/admin-request.js';
import { fromBase64Url, fromHex, fromUtf8, utf8 } from '../../src/core/bytes.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';

const v = JSON.parse(readFileSync(new URL('../../vectors/admin/request.json', import.meta.url), 'utf8')) as {
  seed: string;
  publicKey: string;
  request: { lab: string; operator: string; method: 'PUT'; path: string; body: string };
  time: number;
  nonce: string;
  signedBody: string;
  header: string;
};

test('admin request vector: the signed body, the header and the signature reproduce byte for byte', async () => {
  const request = { ...v.request, body: utf8(v.request.body) };
  assert.equal(fromUtf8(await adminRequestBody(p, request, v.time, v.nonce), 'signed body'), v.signedBody);
  const signer = await p.ed25519FromSeed(fromHex(v.seed, 'seed'));
  const h = parseOperatorSignatureHeader(v.header)!;
  assert.deepEqual({ operator: h.operator, time: h.time, nonce: h.nonce }, { operator: 'alice', time: v.time, nonce: v.nonce });
  const message = await adminSignedMessage(p, request, h.time, h.nonce);
  assert.equal(await p.ed25519Verify(fromBase64Url(v.publicKey), message, fromBase64Url(h.sig)), true);
  assert.deepEqual(await signer.sign(message), fromBase64Url(h.sig), 'Ed25519 is deterministic: the same signature');
  for (const [what, changed] of [
    ['path', { ...request, path: `${request.path}?x=1` }],
    ['method', { ...request, method: 'POST' as const }],
    ['body', { ...request, body: utf8(`${v.request.body} `) }],
    ['lab', { ...request, lab: 'other-lab' }],
  ] as const) {
    assert.equal(await p.ed25519Verify(fromBase64Url(v.publicKey), await adminSignedMessage(p, changed, h.time, h.nonce), fromBase64Url(h.sig)), false, `a changed ${what} does not verify`);
  }
});

test('admin request header: only the exact form parses', () => {
  assert.ok(parseOperatorSignatureHeader(v.header));
  for (const bad of [v.header.replace('v1 ', 'v2 '), v.header.replace('operator=alice', 'operator=al ice'), v.header.replace(/time=\d+/, 'time=1234567890123456'), `${v.header},extra=1`, v.header.slice(0, -1)]) {
    assert.equal(parseOperatorSignatureHeader(bad), undefined, bad);
  }
});
