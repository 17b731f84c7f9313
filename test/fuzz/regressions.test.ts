/** Inputs the fuzzer (test/fuzz/targets.ts, `npm run fuzz`) found, each a bug fixed in the product. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TASK_TYPES } from '../../src/core/campaign-manifest.js';
import { KeyholeError } from '../../src/core/errors.js';
import { parseItemContent, taskView } from '../../src/core/item-content.js';
import { parseIndexPartial, parseTileLevelIndexPartial } from '../../src/core/tile-paths.js';
import { parsePolicy } from '../../src/minimize/policy-file.js';

const refusedAs = (code: string) => (e: unknown) => e instanceof KeyholeError && e.code === code;

test('tile paths: a leading "x000" group is refused, so each tile has exactly one path (seed 1, "x000/x234/067.p/12")', () => {
  assert.throws(() => parseIndexPartial('x000/x234/067.p/12'), refusedAs('BAD_FORMAT'));
  assert.throws(() => parseTileLevelIndexPartial('0', 'x000/001'), refusedAs('BAD_FORMAT'));
  assert.deepEqual(parseIndexPartial('x234/067.p/12'), { index: 234_067n, partial: 12 });
  assert.deepEqual(parseIndexPartial('000'), { index: 0n, partial: 0 });
  assert.deepEqual(parseIndexPartial('x001/000'), { index: 1000n, partial: 0 });
});

test('policy files: an alias to no anchor, or aliases that expand too far, are refused as BAD_FORMAT, not a ReferenceError (seed 1, "*\\u0000")', () => {
  for (const text of ['*\u0000', '*a', 'version: 1\ntask: *t\n']) assert.throws(() => parsePolicy(text, 'policy.yaml'), refusedAs('BAD_FORMAT'), text);
  const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
  assert.throws(() => parsePolicy(laughs, 'policy.yaml'), refusedAs('BAD_FORMAT'));
});

test('item content: messages that form no conversation are a broken item (BAD_FORMAT), not a TypeError (seed 4)', () => {
  const noRoot = { messages: [{ id: 'm2', parentId: 'm1', role: 'assistant', text: 'A' }, { id: 'm3', parentId: 'm1', role: 'assistant', text: 'B' }] };
  const branchToNothing = { messages: [{ id: 'm1', parentId: null, role: 'user', text: 'Hi' }], branches: [{ label: 'chosen', leafId: 'm9' }] };
  for (const value of [noRoot, branchToNothing]) {
    const content = parseItemContent(new TextEncoder().encode(JSON.stringify(value)));
    for (const task of TASK_TYPES) assert.throws(() => taskView(task, content), refusedAs('BAD_FORMAT'), task);
  }
});

test('hub lab signature header: a time with leading zeros is refused, so a header has one spelling (seed 8)', async () => {
  const { parseLabSignatureHeader } = await import('../../src/hub/lab-request-signature.js');
  const header = `v1 lab=acme-lab,time=1800000000,nonce=${'A'.repeat(22)},body=${'a'.repeat(64)},sig=${'B'.repeat(86)}`;
  assert.equal(parseLabSignatureHeader(header)?.time, 1_800_000_000);
  assert.equal(parseLabSignatureHeader(header.replace('time=1800000000', 'time=0'))?.time, 0);
  assert.equal(parseLabSignatureHeader(header.replace('time=1800000000', 'time=01800000000')), undefined);
  assert.equal(parseLabSignatureHeader(header.replace('time=1800000000', 'time=00')), undefined);
});
