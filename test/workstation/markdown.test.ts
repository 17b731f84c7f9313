import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseInline, parseMarkdown, safeLinkUrl } from '../../src/workstation/markdown.js';

test('markdown: blocks', () => {
  const blocks = parseMarkdown('Title\n\nSome *em* and **strong** and `code`.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n```ts\nconst x = 1;\n```\n\n---');
  assert.deepEqual(
    blocks.map((b) => b.kind),
    ['paragraph', 'paragraph', 'list', 'list', 'quote', 'code', 'rule'],
  );
  assert.deepEqual(blocks[5], { kind: 'code', lang: 'ts', text: 'const x = 1;' });
});

test('markdown: plain text stays plain text: a # line is text, line breaks and indentation are kept', () => {
  const code = 'def total(xs):\n    # add them up\n    return sum(xs)\n# done';
  assert.deepEqual(parseMarkdown(code), [{ kind: 'paragraph', children: [{ kind: 'text', text: code }] }]);
  assert.deepEqual(parseMarkdown('# Not a heading\nnext line'), [{ kind: 'paragraph', children: [{ kind: 'text', text: '# Not a heading\nnext line' }] }]);
});

test('markdown: raw HTML stays text', () => {
  const blocks = parseMarkdown('<img src=x onerror=alert(1)> <script>alert(2)</script>');
  assert.deepEqual(blocks, [{ kind: 'paragraph', children: [{ kind: 'text', text: '<img src=x onerror=alert(1)> <script>alert(2)</script>' }] }]);
});

test('markdown: links keep their URL, and only http(s) is ever clickable', () => {
  assert.deepEqual(parseInline('[x](javascript:alert(1))'), [{ kind: 'link', children: [{ kind: 'text', text: 'x' }], url: 'javascript:alert(1' }, { kind: 'text', text: ')' }]);
  for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>', 'vbscript:x', '//evil.example/', '/relative', 'mailto:a@b.c', 'https:evil.example']) {
    assert.equal(safeLinkUrl(url), undefined, url);
  }
  assert.equal(safeLinkUrl('https://example.com/a?b=c'), 'https://example.com/a?b=c');
  assert.equal(safeLinkUrl('http://example.com'), 'http://example.com/');
});

test('markdown: deep nesting and long input stay bounded', () => {
  const deep = '*'.repeat(5000) + 'x' + '*'.repeat(5000);
  assert.ok(parseMarkdown(deep).length >= 1);
  const brackets = '['.repeat(20000) + 'x' + ']'.repeat(20000) + '(y)';
  assert.ok(parseMarkdown(brackets).length >= 1);
  assert.ok(parseMarkdown('> > > > > > > > x').length === 1);
});

/**
 * Parses `soups` in a worker and fails once `deadlineMs` pass. No timing is asserted: the deadline
 * is dozens of times what the bounded delimiter scans need even on a loaded machine, while
 * unbounded ones (MAX_SPAN in markdown.ts) take minutes on these sizes.
 */
async function parsesBefore(soups: string[], deadlineMs: number): Promise<void> {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    import('tsx/esm/api').then((tsx) => { tsx.register(); return import(workerData.module); })
      .then((m) => { for (const soup of workerData.soups) m.parseMarkdown(soup); parentPort.postMessage('parsed'); });`,
    { eval: true, workerData: { module: fileURLToPath(new URL('../../src/workstation/markdown.ts', import.meta.url)), soups } },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`hostile markdown was still being parsed after ${deadlineMs / 1000} s: a delimiter scan is unbounded`)), deadlineMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

test('markdown: hostile delimiter soup parses in linear time', { timeout: 120_000 }, async () => {
  const n = 200_000;
  await parsesBefore(['`' + ' ``'.repeat(n), '**x'.repeat(n), '[a]('.repeat(n), '_a'.repeat(n), '[a'.repeat(n), '*a '.repeat(20_000), '_a '.repeat(20_000)], 60_000);
});
