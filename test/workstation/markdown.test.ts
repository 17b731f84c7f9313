import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInline, parseMarkdown, safeLinkUrl } from '../../src/workstation/markdown.js';

test('markdown: blocks', () => {
  const blocks = parseMarkdown('# Title\n\nSome *em* and **strong** and `code`.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n```ts\nconst x = 1;\n```\n\n---');
  assert.deepEqual(
    blocks.map((b) => b.kind),
    ['heading', 'paragraph', 'list', 'list', 'quote', 'code', 'rule'],
  );
  assert.deepEqual(blocks[5], { kind: 'code', lang: 'ts', text: 'const x = 1;' });
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

test('markdown: hostile delimiter soup parses in linear time', () => {
  const started = performance.now();
  for (const soup of ['`'.repeat(1) + ' ``'.repeat(30000), '**x'.repeat(30000), '[a]('.repeat(30000), '_a'.repeat(30000)]) parseMarkdown(soup);
  assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
});
