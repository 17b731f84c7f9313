import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { SHARED_DATA, REPO_ROOT } from '../support/shared.js';
import { detectFormat, formatByName } from '../../src/minimize/formats/registry.js';
import { pathTo } from '../../src/minimize/conversation.js';

function lines(text: string): unknown[] {
  return text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown);
}
const example = (name: string) => lines(readFileSync(join(REPO_ROOT, 'examples/minimize', name), 'utf8'));

function roundTrip(formatName: string, records: unknown[], mapping?: { prompt: string; responses: string[] }) {
  const format = formatByName(formatName, mapping);
  for (const [i, record] of records.entries()) {
    assert.deepEqual(format.write(format.read(record)), record, `record ${i + 1} of ${formatName}`);
  }
}

test('hh-rlhf: every record of the real test split round-trips byte for byte', () => {
  const text = gunzipSync(readFileSync(join(SHARED_DATA, 'hh-rlhf-harmless-base-test.jsonl.gz'))).toString('utf8');
  const records = lines(text);
  assert.equal(records.length, 2312);
  roundTrip('hh-rlhf', records);
  assert.equal(detectFormat(records[0], undefined).name, 'hh-rlhf');
});

test('hh-rlhf: the shared prompt is one set of nodes and the pair differs only at the end', () => {
  const format = formatByName('hh-rlhf', undefined);
  const c = format.read({ chosen: '\n\nHuman: hi\n\nAssistant: hello', rejected: '\n\nHuman: hi\n\nAssistant: go away' });
  assert.equal(c.messages.length, 3);
  assert.deepEqual(c.branches.map((b) => pathTo(c, b.leafId).map((m) => m.text)), [[' hi', ' hello'], [' hi', ' go away']]);
});

test('hh-rlhf quirks: no shared prompt, stray "Human:" inside text, empty final reply', () => {
  const record = { chosen: '\n\nHuman: a\n\nAssistant: he said Human: stop\n\nHuman: b\n\nAssistant:', rejected: '\n\nHuman: z\n\nAssistant: y' };
  const format = formatByName('hh-rlhf', undefined);
  const c = format.read(record);
  assert.equal(c.messages.length, 6);
  assert.ok(c.messages.some((m) => m.text === ' he said Human: stop'));
  assert.ok(c.messages.some((m) => m.text === '' && m.role === 'assistant'));
  assert.deepEqual(format.write(c), record);
});

test('oasst: the 100 real trees round-trip and keep all 1,167 messages', () => {
  const records = lines(readFileSync(join(SHARED_DATA, 'oasst-en-100-tree.jsonl'), 'utf8'));
  roundTrip('oasst', records);
  const format = formatByName('oasst', undefined);
  assert.equal(records.reduce<number>((n, r) => n + format.read(r).messages.length, 0), 1167);
  assert.equal(detectFormat(records[0], undefined).name, 'oasst');
});

test('generic: the anthropic eval set round-trips through a field mapping', () => {
  const mapping = { prompt: 'question', responses: ['answer_matching_behavior', 'answer_not_matching_behavior'] };
  const records = lines(readFileSync(join(SHARED_DATA, 'anthropic-evals-corrigible-more-HHH.jsonl'), 'utf8'));
  roundTrip('generic', records, mapping);
  assert.equal(detectFormat(records[0], { ...mapping }).name, 'generic');
});

const SHAPES: Array<[string, string]> = [
  ['trl-standard-explicit.jsonl', 'trl-preference'],
  ['trl-standard-implicit.jsonl', 'trl-preference'],
  ['trl-conversational-explicit.jsonl', 'trl-preference'],
  ['trl-conversational-implicit.jsonl', 'trl-preference'],
  ['openai-chat.jsonl', 'openai-chat'],
  ['openai-dpo.jsonl', 'openai-dpo'],
  ['ultrafeedback.jsonl', 'ultrafeedback'],
];
for (const [file, name] of SHAPES) {
  test(`${name}: ${file} is detected and round-trips`, () => {
    const records = example(file);
    for (const r of records) assert.equal(detectFormat(r, undefined).name, name);
    roundTrip(name, records);
  });
}

test('a record of the wrong shape is refused naming the field, not the value', () => {
  const format = formatByName('hh-rlhf', undefined);
  assert.throws(() => format.read({ chosen: 'secret-value-123', rejected: 42 }), (e: Error) => /rejected/.test(e.message) && !e.message.includes('secret-value-123'));
  assert.throws(() => formatByName('csv', undefined), /unknown format "csv"/);
  assert.throws(() => formatByName('generic', undefined), /field mapping/);
});
