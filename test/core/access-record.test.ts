import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { utf8 } from '../../src/core/bytes.js';
import { ACCESS_RECORD_KINDS, GENESIS_PREV, decodeAccessRecord, encodeAccessRecord, type AccessRecord } from '../../src/core/access-record.js';

const base: AccessRecord = { v: 1, kind: 'release', time: '2026-03-01T12:00:00.000Z', item: 'item-1', decision: 'allow', seq: 0, prev: GENESIS_PREV };

test('round trip: encode then decode gives the record back, for every kind', () => {
  fc.assert(
    fc.property(fc.constantFrom(...ACCESS_RECORD_KINDS), fc.nat(), fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }), (kind, seq, date) => {
      const r: AccessRecord = { ...base, kind, seq, time: date.toISOString() };
      assert.deepEqual(decodeAccessRecord(encodeAccessRecord(r)), r);
    }),
  );
});

test('non-canonical, unknown or malformed records are refused with the field named', () => {
  const canonical = new TextDecoder().decode(encodeAccessRecord(base));
  assert.throws(() => decodeAccessRecord(utf8(canonical.replace('{', '{ '))), /canonical/);
  assert.throws(() => decodeAccessRecord(utf8(canonical.replace('"item"', '"extra":1,"item"'))), /unrecognized|extra/i);
  assert.throws(() => decodeAccessRecord(utf8(canonical.replace('"v":1', '"v":2'))), /v:/);
  assert.throws(() => encodeAccessRecord({ ...base, time: '2026-02-30T00:00:00.000Z' }), /real UTC instant/);
  assert.throws(() => encodeAccessRecord({ ...base, prev: 'short' }), /prev/);
  assert.throws(() => encodeAccessRecord({ ...base, seq: -1 }), /seq/);
  assert.throws(() => encodeAccessRecord({ ...base, reason: 'x'.repeat(300) }), /reason/);
  assert.throws(() => decodeAccessRecord(utf8('not json')), /not valid JSON/);
});
