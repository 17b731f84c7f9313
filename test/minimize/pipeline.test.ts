import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { runMinimize } from '../../src/minimize/run-minimize.js';
import { DEFAULT_POLICY, policySchema } from '../../src/minimize/policy-schema.js';
import { REPO_ROOT, SHARED_DATA } from '../support/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'keyhole-minimize-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const run = (input: string, format = 'auto', policy = DEFAULT_POLICY) =>
  runMinimize({ input, format, policy, policyDir: dir, out: join(dir, 'out.jsonl'), pseudonymSecret: Buffer.from('k') });

test('malformed JSON on line 41 of 100,000: the error names line 41 and the rest go on', async () => {
  const lines = Array.from({ length: 100_000 }, (_, i) => (i === 40 ? '{"chosen": "a", "rejected": ' : `{"chosen": "yes ${i}", "rejected": "no"}`));
  const report = await run(file('big.jsonl', `${lines.join('\n')}\n`));
  assert.equal(report.records.read, 100_000);
  assert.equal(report.records.emitted, 99_999);
  assert.deepEqual(report.failures, [{ line: 41, code: 'BAD_FORMAT', reason: 'malformed JSON' }]);
  assert.equal(report.format, 'trl-preference');
});

test('invalid UTF-8 and oversized records are named by line; others are emitted', async () => {
  const policy = policySchema.parse({ version: 1, task: 'preference', keep: ['conversation'], limits: { maxRecordBytes: 200 } });
  const good = '{"chosen": "a", "rejected": "b"}\n';
  const content = Buffer.concat([Buffer.from(good), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), Buffer.from(`{"chosen": "${'x'.repeat(500)}", "rejected": "b"}\n`), Buffer.from(good)]);
  const report = await run(file('mixed.jsonl', content), 'auto', policy);
  assert.equal(report.records.emitted, 2);
  assert.deepEqual(report.failures.map((f) => [f.line, f.code]), [[2, 'BAD_ENCODING'], [3, 'BAD_LENGTH']]);
});

test('empty files, blank-only files and unknown formats are refused clearly', async () => {
  await assert.rejects(run(file('empty.jsonl', '')), /is empty/);
  await assert.rejects(run(file('blank.jsonl', '\n\n')), /no records/);
  await assert.rejects(run(file('x.jsonl', '{"a":1}\n'), 'parquet'), /unknown format "parquet"/);
  await assert.rejects(run(file('y.jsonl', '{"a":1}\n')), /could not detect the format/);
});

test('a record of the wrong shape fails by line and is not emitted', async () => {
  const report = await run(file('shape.jsonl', '{"chosen": "a", "rejected": "b"}\n{"chosen": "a", "rejected": 3}\n'), 'trl-preference');
  assert.equal(report.records.emitted, 1);
  assert.equal(report.failures[0]?.line, 2);
  assert.equal(report.failures[0]?.code, 'BAD_FORMAT');
});

test('gzip input, OASST trees: metadata, model names and ranks are dropped; report counts entities', async () => {
  const input = file('oasst.jsonl.gz', gzipSync(readFileSync(join(SHARED_DATA, 'oasst-en-100-tree.jsonl'))));
  const report = await run(input);
  assert.equal(report.format, 'oasst');
  assert.equal(report.records.emitted, 100);
  assert.ok((report.fields.dropped.model_name ?? 0) > 0 && (report.fields.dropped.labels ?? 0) > 1000);
  const out = readFileSync(join(dir, 'out.jsonl'), 'utf8');
  assert.ok(!out.includes('model_name') && !out.includes('"rank"') && !out.includes('message_tree_id'));
  assert.ok(report.bytes.out < report.bytes.in);
});

test('the keyhole minimize command: exit code 2 and line numbers on stderr when records fail', () => {
  const input = file('cli.jsonl', '{"chosen": "a", "rejected": "b"}\nnot json\n');
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), 'minimize', input, '--out', join(dir, 'cli-out.jsonl'), '--report', join(dir, 'cli-report.json')], { encoding: 'utf8', cwd: REPO_ROOT });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /line 2: BAD_FORMAT: malformed JSON/);
  assert.equal(JSON.parse(readFileSync(join(dir, 'cli-report.json'), 'utf8')).records.emitted, 1);
  assert.ok(!result.stderr.includes('\x1b['), 'no progress line when stderr is not a terminal');
});
