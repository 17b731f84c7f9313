import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromUtf8, utf8 } from '../../src/core/bytes.js';
import { KeyholeError } from '../../src/core/errors.js';
import { parseItemContent, taskView } from '../../src/workstation/item-content.js';
import { encodeLabel, parseLabel, type LabelPlaintext } from '../../src/core/label-plaintext.js';

test('labels: every task type round-trips through its schema', () => {
  const labels: LabelPlaintext[] = [
    { v: 1, task: 'pairwise', seconds: 12, a: 'chosen', b: 'rejected', choice: 'B', strength: 2, rationale: 'more accurate' },
    { v: 1, task: 'ranking', seconds: 30, rankable: true, order: ['m3', 'm2', 'm4'], rationale: '' },
    { v: 1, task: 'ranking', seconds: 5, rankable: false, reason: 'all identical' },
    { v: 1, task: 'rubric', seconds: 40, response: 'm1', ratings: { helpfulness: 4, honesty: 5, harmlessness: 5, instructionFollowing: 3 }, comment: '' },
    { v: 1, task: 'sft-rewrite', seconds: 90, response: 'm1', rewrite: 'Better answer.' },
    { v: 1, task: 'safety-flags', seconds: 20, flags: ['weapons', 'illegal'], outcome: 'partial', severity: 'high', notes: 'turn 3' },
    { v: 1, task: 'safety-flags', seconds: 20, flags: [], outcome: 'refused', severity: 'none', notes: '' },
  ];
  for (const label of labels) assert.deepEqual(parseLabel(fromUtf8(encodeLabel(label))), label);
});

test('labels: inconsistent or unknown fields are refused', () => {
  const bad = [
    { v: 1, task: 'pairwise', seconds: 1, a: 'x', b: 'y', choice: 'A', strength: 2, rationale: '' },
    { v: 1, task: 'pairwise', seconds: 1, a: 'x', b: 'y', choice: 'tie', strength: 1, rationale: '' },
    { v: 1, task: 'pairwise', seconds: 1, a: 'x', b: 'y', choice: 'B', strength: 4, rationale: '' },
    { v: 1, task: 'safety-flags', seconds: 1, flags: ['weapons'], outcome: 'complied', severity: 'none', notes: '' },
    { v: 1, task: 'rubric', seconds: 1, response: 'm', ratings: { helpfulness: 6, honesty: 1, harmlessness: 1, instructionFollowing: 1 }, comment: '' },
    { v: 1, task: 'sft-rewrite', seconds: 1, response: 'm', rewrite: 'x', extra: true },
  ];
  for (const label of bad) assert.throws(() => parseLabel(JSON.stringify(label)), KeyholeError, JSON.stringify(label));
});

const pair = {
  variant: 'implicit',
  messages: [
    { id: 'm0', parentId: null, role: 'user', text: 'Question?', attrs: {} },
    { id: 'm1', parentId: 'm0', role: 'assistant', text: 'Answer one', attrs: {} },
    { id: 'm2', parentId: 'm0', role: 'assistant', text: 'Answer two', attrs: {} },
  ],
  branches: [
    { label: 'chosen', leafId: 'm2' },
    { label: 'rejected', leafId: 'm1' },
  ],
  layout: { kind: 'implicit' },
  metadata: {},
};

test('item content: pairwise, ranking and conversation views', () => {
  const content = parseItemContent(utf8(JSON.stringify(pair)));
  const p = taskView('pairwise', content);
  assert.equal(p.task, 'pairwise');
  if (p.task !== 'pairwise') return;
  assert.deepEqual(p.prompt.map((t) => t.id), ['m0']);
  assert.equal(p.a.key, 'chosen');
  assert.deepEqual(p.a.turns.map((t) => t.id), ['m2']);
  const r = taskView('ranking', parseItemContent(utf8(JSON.stringify({ ...pair, branches: [] }))));
  assert.ok(r.task === 'ranking' && r.candidates.map((c) => c.key).join() === 'm1,m2');
  const c = taskView('rubric', content);
  assert.ok(c.task === 'rubric' && c.response.key === 'chosen' && c.turns.length === 2);
});

test('item content: malformed items are refused without quoting them', () => {
  for (const bad of ['{"messages": "secret text"', JSON.stringify({ messages: [{ id: 'x', parentId: null, role: 'wizard', text: 'secret text' }] })]) {
    assert.throws(() => parseItemContent(utf8(bad)), (err: Error) => !err.message.includes('secret'));
  }
  const single = parseItemContent(utf8(JSON.stringify({ messages: [{ id: 'm0', parentId: null, role: 'user', text: 'hi' }] })));
  assert.throws(() => taskView('pairwise', single), /no responses to compare/);
});
