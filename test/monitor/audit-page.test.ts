/**
 * The audit page in real Chromium: a monitor follows a witnessed log where
 * seven annotators of two vendors work honestly and an attacker bursts
 * through items and touches a tripwire with a hostile reason string. The page
 * shows the alerts and both charts under its strict CSP, the hostile text is
 * shown as text, each alert links to its entries, and each entry's proof
 * endpoint serves an inclusion proof that verifies against the log's key.
 * Screenshot: test-artifacts/screenshots/audit-page-1280x800.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { toBase64Url } from '../../src/core/bytes.js';
import { ed25519NoteVerifier } from '../../src/core/note.js';
import { verifyProofBundle } from '../../src/core/proof-bundle.js';
import { AUDIT_CSP, auditApp } from '../../src/monitor/audit/audit-app.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { CHROMIUM } from '../browser/chromium.js';
import { listen } from '../log/support/serve.js';
import { needs } from '../support/environment.js';
import { REPO_ROOT } from '../support/shared.js';
import { startMonitor } from './support/monitor-harness.js';
import { ORIGIN, startWitnessedLog, type RecordInput } from './support/witnessed-log.js';

const HOSTILE = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`;
const device = (n: number): string => toBase64Url(new Uint8Array(32).fill(n));

test('audit page: alerts, exposure and releases charts, escaped log content, entry links and proofs', { timeout: 90_000 }, async (t) => {
  if (!needs(t, existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`)) return;
  const log = await startWitnessedLog();
  const budgets = { acme: 60, globex: 40 };
  const monitor = await startMonitor(log, { rules: { 'exposure-budget': { vendorBudgets: budgets }, tripwire: { items: ['trip-0042x'] } } });
  const server = await listen(auditApp({ p, monitor: monitor.monitor, budgets }));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'], timeout: 30_000 });
  try {
    // Three hours of honest work: each annotator one item every 2-4 minutes, each submitted.
    const start = Date.now() - 3 * 3_600_000;
    const team = [...['ana', 'bo', 'chen', 'dita'].map((n) => `acme:${n}`), ...['eli', 'fay', 'gus'].map((n) => `globex:${n}`)];
    const records: (RecordInput & { at: number })[] = [];
    team.forEach((annotator, a) => {
      let at = start + a * 9_000;
      for (let i = 0; i < 6 + a * 2; i++) {
        const item = `c${a}-${String.fromCharCode(97 + (i % 26))}${i}x`;
        records.push({ kind: 'release', decision: 'allow', campaign: 'rlhf-7', item, annotator, deviceKeyHash: device(a + 1), at });
        records.push({ kind: 'submit', campaign: 'rlhf-7', item, annotator, deviceKeyHash: device(a + 1), at: at + 60_000 });
        at += 120_000 + ((i * 7919) % 120_000);
      }
    });
    records.sort((x, y) => x.at - y.at);
    await log.append(...records.map(({ at, ...r }) => ({ ...r, time: new Date(at).toISOString() })));
    // The attacker with a stolen device key: a burst, then a tripwire, with a reason that is markup.
    const mallory = 'acme:mallory';
    await log.append(...Array.from({ length: 14 }, (_, i): RecordInput => ({ kind: 'release', decision: 'allow', campaign: 'rlhf-7', item: `burst-${i}x`, annotator: mallory, deviceKeyHash: device(66) })));
    await log.append({ kind: 'deny', decision: 'deny', campaign: 'rlhf-7', item: 'trip-0042x', annotator: mallory, deviceKeyHash: device(66), reason: HOSTILE });
    const velocity = await monitor.waitFor('velocity', (a) => a.rule === 'velocity' && a.subject.annotator === mallory);
    const tripwire = await monitor.waitFor('tripwire', (a) => a.rule === 'tripwire');
    await monitor.monitor.settled();

    const res = await fetch(server.url);
    assert.equal(res.headers.get('content-security-policy'), AUDIT_CSP);
    await res.body?.cancel();

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused/.test(m.text())) violations.push(m.text());
    });
    await page.goto(server.url);
    const shots = join(REPO_ROOT, 'test-artifacts', 'screenshots');
    await mkdir(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'audit-page-1280x800.png') });

    const rules = await page.locator('#alerts tbody td.rule').allTextContents();
    assert.ok(rules.includes('velocity') && rules.includes('tripwire'), `alerts shown: ${rules.join(', ')}`);
    assert.equal(await page.locator('#releases-chart g.bar').count(), team.length + 1, 'one bar per annotator');
    assert.equal(await page.locator(`#releases-chart g.bar[data-annotator="${mallory}"] rect`).first().getAttribute('fill'), '#c2474f', "the attacker's bar is marked");
    assert.deepEqual(await page.locator('#exposure-chart g.series').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-vendor'))), ['acme', 'globex']);
    assert.ok((await page.locator('#exposure-chart').boundingBox())!.y < 800, 'the charts are in the first screen');
    assert.ok(await page.locator('link[rel=stylesheet]').evaluate((l) => (l as HTMLLinkElement).sheet !== null), 'the stylesheet loaded under the CSP');

    // The tripwire alert's page: its entry, decoded, with the hostile reason as text.
    await page.click(`a[href="/alerts/${tripwire.id}"]`);
    assert.match(await page.locator(`#entry-${tripwire.entries[0]} pre`).textContent() ?? '', /<img src=x onerror=/);
    assert.equal(await page.locator('img, script').count(), 0, 'no markup from the log became elements');
    assert.notEqual(await page.title(), 'pwned');
    assert.deepEqual(violations, []);

    // The proof link of the velocity alert's entry: a tlog-proof that verifies against the log key alone.
    await page.goto(new URL(`alerts/${velocity.id}`, server.url).href);
    const proofHref = await page.locator(`#entry-${velocity.entries[0]} a`).getAttribute('href');
    const proof = (await (await fetch(new URL(proofHref!, server.url))).json()) as { index: number; bundle: string; record: { annotator: string } };
    assert.equal(proof.index, velocity.entries[0]);
    assert.equal(proof.record.annotator, mallory);
    const verified = await verifyProofBundle(p, proof.bundle, { origin: ORIGIN, log: await ed25519NoteVerifier(p, log.logKey.verifierKey), witnesses: [], quorum: 0 });
    assert.equal(verified.index, velocity.entries[0]);
    assert.equal((await fetch(new URL('entries/999999/proof', server.url))).status, 404);
    await page.close();
  } finally {
    await browser.close();
    await server.close();
    await monitor.close();
    await log.close();
  }
});
