/**
 * The quality report's HTML page in Chromium: it renders with no script and
 * no outside request, axe-core finds nothing serious or critical, no chart
 * label is cut off, and a screenshot goes to test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import type { LedgerItem } from '../../src/lab/lab-store.js';
import { campaignQuality } from '../../src/lab/quality/campaign-quality.js';
import { qualityHtml } from '../../src/lab/quality/html-report.js';
import { needs } from '../support/environment.js';
import { REPO_ROOT } from '../support/shared.js';
import { axeFindings, describeFindings, isSeriousOrCritical } from '../workstation/support/axe.js';
import { CHROMIUM, launchChromium } from '../workstation/support/browser.js';
import { pairItem, pairLabel } from './support/labels.js';

const ANNOTATORS = ['demo-vendor:annotator-with-a-long-pseudonym-01', 'demo-vendor:ann-02', 'demo-vendor:ann-03', 'demo-vendor:ann-04', 'demo-vendor:quick-05'];

test('quality report in Chromium: renders inert, axe clean, labels whole; screenshot', { timeout: 120_000 }, async (t) => {
  if (!needs(t, existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`)) return;
  const items: LedgerItem[] = Array.from({ length: 30 }, (_, i) => pairItem(`item-${i}`, i + 1));
  // Three of five annotators per item; the last one is quick and mostly picks the other side.
  const accepted = items.flatMap((it, i) =>
    [0, 1, 2].map((k) => {
      const who = ANNOTATORS[(i + k) % ANNOTATORS.length]!;
      const quick = who.endsWith('quick-05');
      const strength = quick ? (i % 4 === 0 ? -1 : 2) : i % 7 === 0 ? 1 : -((i + k) % 3) - 1;
      return pairLabel(it.item, who, strength, { seconds: quick ? 2 + (i % 3) : 20 + ((i * 7 + k * 13) % 70) });
    }),
  );
  const report = campaignQuality({ campaign: 'demo', ledger: { v: 1, campaign: 'demo', dataset: '/demo.jsonl', datasetSha256: '00', items }, accepted, gold: new Map([['item-3', { preferred: 'chosen' }], ['item-8', { preferred: 'chosen' }], ['item-13', { preferred: 'chosen' }]]) });
  assert.deepEqual(report.outliers.map((o) => o.annotator), ['demo-vendor:quick-05']);

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.setContent(qualityHtml(report, new Date(Date.UTC(2027, 0, 6, 12))), { waitUntil: 'load' });
  assert.deepEqual(requests.filter((u) => !u.startsWith('data:') && u !== 'about:blank'), [], 'the page loads nothing');
  assert.equal(await page.$$eval('script', (s) => s.length), 0);
  // Every chart label fits inside its SVG (nothing cut at the left edge).
  const cut = await page.$$eval('svg text', (texts) => texts.filter((t) => (t as SVGTextElement).getBBox().x < 0).map((t) => t.textContent));
  assert.deepEqual(cut, []);
  const findings = await axeFindings(page, 'quality report');
  assert.deepEqual(describeFindings(findings.filter(isSeriousOrCritical)), []);
  await mkdir(join(REPO_ROOT, 'test-artifacts', 'screenshots'), { recursive: true });
  await page.screenshot({ path: join(REPO_ROOT, 'test-artifacts', 'screenshots', 'quality-report.png'), fullPage: true });
});
