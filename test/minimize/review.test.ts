/**
 * `keyhole minimize --review FILE.html [--sample N]` (issue 15): a self-contained page, original
 * and minimized side by side, each replacement coloured by entity with its rule in a title, counts
 * per entity and rule at the top, a first line saying it holds plaintext for the lab only, every
 * data character escaped. Checked in Chromium with a screenshot in test-artifacts/screenshots.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../browser/chromium.js';
import { needs } from '../support/environment.js';
import { REPO_ROOT } from '../support/shared.js';
import { ReviewSample } from '../../src/minimize/review-page.js';

const HOSTILE = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';

function reviewRun(dir: string, records: number, sample?: number): { html: string; status: number | null; stderr: string } {
  const lines = [];
  for (let i = 0; i < records; i++) {
    lines.push(JSON.stringify({
      chosen: `\n\nHuman: I am Maria Kowalczyk, mail maria.kowalczyk@acme-mail.com, call +44 20 7946 0958. ${HOSTILE} & "quotes" record ${i}\n\nAssistant: Thanks Maria, use token ghp_4f9Kd8sLmQ2zXv7Bn1Wc5Ty3Hu6Jp0Re9Aa.`,
      rejected: `\n\nHuman: I am Maria Kowalczyk, mail maria.kowalczyk@acme-mail.com, call +44 20 7946 0958. ${HOSTILE} & "quotes" record ${i}\n\nAssistant: No.`,
    }));
  }
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const page = join(dir, 'review.html');
  const args = ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), 'minimize', input, '--out', join(dir, 'out.jsonl'), '--review', page, ...(sample === undefined ? [] : ['--sample', String(sample)])];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: REPO_ROOT });
  return { html: existsSync(page) ? readFileSync(page, 'utf8') : '', status: result.status, stderr: result.stderr };
}

test('the review page: plaintext warning first, counts, side by side, rules on hover, everything escaped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-review-'));
  try {
    const { html, status, stderr } = reviewRun(dir, 3);
    assert.equal(status, 0, stderr);
    assert.match(html.split('\n')[0]!, /PLAINTEXT.*lab only/i);
    assert.match(stderr, /review page \(plaintext, lab only\)/);
    assert.equal(statSync(join(dir, 'review.html')).mode & 0o077, 0, 'the page is readable by its owner only');
    // Originals and surrogates side by side, each replacement titled with entity, rule and action.
    assert.ok(html.includes('Maria Kowalczyk') && html.includes('maria.kowalczyk@acme-mail.com'));
    assert.match(html, /<mark class="e-person" title="person · person\.[a-z-]+ · pseudonymize">Maria Kowalczyk<\/mark>/);
    assert.match(html, /<mark class="e-secret" title="secret · secret\.github-token-near-miss · pseudonymize">ghp_KEYHOLEINERT/);
    assert.match(html, /<mark class="e-phone" title="phone · phone[a-z.-]* · pseudonymize">\+1 \d{3}-555-01\d\d<\/mark>/);
    // Counts per entity and per rule at the top.
    assert.match(html, /<th>entity<\/th><th>replacements<\/th>/);
    assert.match(html, /<tr><td>secret\/secret\.github-token-near-miss<\/td><td>3<\/td><\/tr>/);
    // No data text reaches the page unescaped: no tag, no attribute from the records.
    assert.ok(!html.includes('<img') && !html.includes('<script'));
    assert.ok(html.includes('&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;'));
    assert.ok(html.includes('&amp; &quot;quotes&quot;'));
    assert.ok(!/https?:\/\//.test(html.replace(/<!--[\s\S]*?-->/, '')), 'self-contained: no external resource');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--sample N shows N records of a larger input, in source order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-review-'));
  try {
    const { html, status, stderr } = reviewRun(dir, 40, 5);
    assert.equal(status, 0, stderr);
    assert.equal(html.match(/<section>/g)?.length, 5);
    assert.match(html, /5 of 40 records sampled/);
    const lines = [...html.matchAll(/<h2>Line (\d+)<\/h2>/g)].map((m) => Number(m[1]));
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
    assert.notEqual(reviewRun(dir, 2, 0).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reservoir sampling keeps a uniform sample without knowing the length', () => {
  const hits = new Array<number>(10).fill(0);
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let round = 0; round < 2000; round++) {
    const sample = new ReviewSample(2, random);
    for (let line = 0; line < 10; line++) if (sample.wants()) sample.add({ line, messages: [] });
    for (const r of sample.records()) hits[r.line]!++;
  }
  // Each of 10 lines should be kept in about 2/10 of 2,000 rounds (400); the first lines are not favoured.
  for (const n of hits) assert.ok(n > 300 && n < 500, `hits ${hits.join(',')}`);
});

test('the review page in Chromium: nothing from the data runs, replacements are highlighted (screenshot)', async (t) => {
  if (!needs(t, existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`)) return;
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-review-'));
  try {
    const { status, stderr } = reviewRun(dir, 2);
    assert.equal(status, 0, stderr);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'], timeout: 30_000 });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(pathToFileURL(join(dir, 'review.html')).href);
      assert.equal(await page.title(), 'keyhole minimize review (plaintext, lab only)');
      assert.equal(await page.locator('img, script').count(), 0);
      assert.match(await page.locator('.banner').innerText(), /PLAINTEXT — for the lab only/);
      const marks = page.locator('section mark');
      assert.ok((await marks.count()) >= 8);
      assert.match((await page.locator('section mark.e-secret').first().getAttribute('title')) ?? '', /secret\.github-token-near-miss/);
      const background = await page.locator('section mark.e-person').first().evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.notEqual(background, 'rgba(0, 0, 0, 0)');
      const shots = join(REPO_ROOT, 'test-artifacts', 'screenshots');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'minimize-review-1280x900.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
