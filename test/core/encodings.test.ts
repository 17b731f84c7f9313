import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { fromBase64, fromBase64Url, fromHex, toBase64, toBase64Url, toHex } from '../../src/core/bytes.js';
import { KeyholeError } from '../../src/core/errors.js';
import { bucketFor, isBucket, MIN_BUCKET } from '../../src/core/padding.js';

test('RFC 8785 §3.2.2: the sample with numbers, escapes and literals', () => {
  const input = JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}');
  assert.equal(
    canonicalJson(input),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
  );
});

test('RFC 8785 §3.2.3: members sort by UTF-16 code units', () => {
  const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
  assert.equal(
    canonicalJson(input),
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
});

test('canonical JSON refuses what I-JSON refuses', () => {
  assert.throws(() => canonicalJson({ a: NaN }), KeyholeError);
  assert.throws(() => canonicalJson({ a: '\ud800' }), KeyholeError);
  assert.throws(() => canonicalJson({ a: new Date(0) }), KeyholeError);
  assert.throws(() => canonicalJson({ a: 1n }), KeyholeError);
});

test('canonical JSON is stable: parse then re-canonicalize gives the same text', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const text = canonicalJson(v);
      assert.equal(canonicalJson(JSON.parse(text)), text);
    }),
  );
});

test('encodings round-trip and refuse non-canonical text', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
      assert.deepEqual(fromHex(toHex(b)), b);
      assert.deepEqual(fromBase64(toBase64(b)), b);
      assert.deepEqual(fromBase64Url(toBase64Url(b)), b);
      assert.equal(toBase64(b), Buffer.from(b).toString('base64'));
    }),
  );
  assert.throws(() => fromBase64('QR=='), /canonical/);
  assert.throws(() => fromBase64('QQ'), /padded/);
  assert.throws(() => fromBase64Url('QQ=='), /unpadded/);
  assert.throws(() => fromHex('AB'), /lower-case/);
  assert.throws(() => fromHex('abc'), /even/);
});

test('Padmé buckets: at most 12% overhead, monotone, and fixed points', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1 << 29 }), (n) => {
      const b = bucketFor(n);
      assert.ok(b >= n && b >= MIN_BUCKET);
      if (n > MIN_BUCKET) assert.ok(b <= n * 1.125, `${n} -> ${b}`);
      assert.ok(isBucket(b));
      assert.ok(bucketFor(n + 1) >= b);
    }),
  );
  assert.equal(bucketFor(1032), 1088);
  assert.equal(isBucket(1089), false);
});
