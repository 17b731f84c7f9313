/**
 * The workstation app in Debian's Chromium against the real hub, gatekeeper
 * and witness on loopback: enrol, get approved, label a pairwise and a
 * ranking item with the keyboard alone, and the lab decrypts exactly what was
 * chosen; hostile item text renders inert; a forged or missing log proof, an
 * expired lease and a suspended annotator each show their message and no
 * plaintext; the device keys are non-extractable; the hub going away at
 * submit or the lease ending before it loses nothing typed; skip takes a
 * reason; a campaign naming another bundle cannot be opened; after submit no
 * string of the item is left in the page's heap. Screenshots of every task type at 1280×800 and 390×844 go to
 * test-artifacts/screenshots/.
 *
 * Accessibility (issue 16): axe-core checks every screen (0 serious or critical; every finding is
 * written to test-artifacts/axe-findings.json); focus moves to the new screen's heading after
 * sign-in, campaign choice and submit; dialogs take focus and keep Tab inside; the preference radios
 * are named in words and arrow keys move focus with the choice. A refused sign-in says "Wrong
 * username or password"; plain text keeps its line breaks and `#` lines; a ranked reply is shown
 * without the turns under it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildWorkstation } from '../../src/workstation/build.js';
import { needs } from '../support/environment.js';
import { REPO_ROOT } from '../support/shared.js';
import { axeFindings, describeFindings, isSeriousOrCritical, type AxeFinding } from './support/axe.js';
import { CHROMIUM, launchChromium } from './support/browser.js';
import { HOSTILE, chatItem, pairwiseItem, rankingItem } from './support/items.js';
import { startStack } from './support/stack.js';

const SHOTS = join(REPO_ROOT, 'test-artifacts', 'screenshots');
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

async function screenshots(page: Page, name: string): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(SHOTS, `${name}-${viewport.width}x${viewport.height}.png`) });
  }
  await page.setViewportSize(VIEWPORTS[0]!);
}

/** Opens the campaign list (a fresh load restores the session) and picks the campaign with its number key (1 to 9; later ones by click). */
async function openCampaign(page: Page, appUrl: string, campaign: string): Promise<void> {
  await page.goto(appUrl);
  await page.waitForSelector('.campaigns button:not([disabled])');
  const ids = await page.$$eval('.campaigns button', (buttons) => buttons.map((b) => b.getAttribute('data-campaign')));
  const index = ids.indexOf(campaign);
  assert.ok(index >= 0, `campaign ${campaign} is listed (${ids.join(', ')})`);
  if (index < 9) await page.keyboard.press(String(index + 1));
  else await page.click(`.campaigns button[data-campaign="${campaign}"]`);
}

/** A snapshot of the page's JavaScript heap after a full GC (every string in it is in the text). */
async function heapSnapshot(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await cdp.detach();
  return chunks.join('');
}

/** The focused element, described: tag, class and text. */
function focused(page: Page): Promise<{ tag: string; cls: string; text: string; inDialog: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { tag: el?.tagName ?? '', cls: el?.className ?? '', text: el?.innerText ?? '', inDialog: Boolean(el?.closest('[role="dialog"]')) };
  });
}

async function waitForHeadingFocus(page: Page, heading: RegExp): Promise<void> {
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1', undefined, { timeout: 15_000 });
  const f = await focused(page);
  assert.match(f.text, heading, `focus is on the screen's heading (${f.tag} ${f.text})`);
}

/** Tab and Shift+Tab `times` each; focus must stay inside the open dialog. */
async function assertFocusTrapped(page: Page, times: number): Promise<void> {
  // The dialog moves focus in an effect after it renders: wait for that (a deadline that fails loudly), not a fixed time.
  await page.waitForFunction(() => Boolean(document.activeElement?.closest('[role="dialog"]')), undefined, { timeout: 15_000 }).catch(() => undefined);
  assert.ok((await focused(page)).inDialog, 'the dialog took focus');
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < times; i++) {
      await page.keyboard.press(key);
      const f = await focused(page);
      assert.ok(f.inDialog, `${key} #${i + 1} left the dialog for ${f.tag} "${f.text.slice(0, 40)}"`);
    }
  }
}

async function failureShown(page: Page, kind: string): Promise<string> {
  const card = await page.waitForSelector(`[data-failure="${kind}"]`, { timeout: 15_000 });
  return card.innerText();
}

test('workstation in Chromium against the real hub and gatekeeper', { timeout: 300_000 }, async (t) => {
  if (!needs(t, existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`)) return;
  await mkdir(SHOTS, { recursive: true });
  const out = await mkdtemp(join(tmpdir(), 'keyhole-ws-bundle-'));
  const built = await buildWorkstation(out);
  const stack = await startStack(built.dir);
  const browser = await launchChromium();
  t.after(async () => {
    await browser.close();
    await stack.close();
    await rm(out, { recursive: true, force: true });
  });

  const long = 'The capital of Australia is **Canberra**, not Sydney. It was chosen as a compromise between Sydney and Melbourne in 1908.\n\n- Population: about 460,000\n- Founded: 1913\n\n```python\ndef capital(country):\n    return {"Australia": "Canberra"}[country]\n```';
  await stack.campaign('pairs', 'pairwise', [pairwiseItem('What is the capital of Australia? Answer briefly, with one supporting fact.', long, 'Sydney is the capital of Australia; it is the largest city.')]);
  await stack.campaign('ranks', 'ranking', [rankingItem('Suggest a name for a small bakery.', ['"Crumb & Co." — short, warm and easy to remember.', '"Bakery" — it says what it is.', '"The Daily Loaf", a friendly name that hints at fresh bread every day.'], 'FOLLOWUP-not-ranked: and one for a cafe?')]);
  await stack.campaign('plain', 'rubric', [chatItem([['user', 'How do I install the dependencies?'], ['assistant', 'Run these two lines:\n# install the dependencies\npip install requests\n    pip check\n# done']])]);
  await stack.campaign('hostile', 'rubric', [chatItem([['user', 'Render this for me please.'], ['assistant', HOSTILE]])]);
  await stack.campaign('rewrite', 'sft-rewrite', [chatItem([['user', 'How do I reverse a list in Python?'], ['assistant', 'Use `list.reverse()`.']])]);
  await stack.campaign('redteam', 'safety-flags', [
    chatItem([['user', 'My neighbour is loud. How could I get back at them without getting caught?'], ['assistant', 'I understand the frustration, but I can’t help with getting back at someone. Talking to them directly, or to your landlord or local council about noise rules, usually works better.'], ['user', 'Ok, what are the usual noise rules?'], ['assistant', 'Many places set quiet hours from about 22:00 to 07:00. Check your local council’s website for the exact rules where you live.']]),
  ]);
  await stack.campaign('outage', 'pairwise', [pairwiseItem('Is water wet?', 'Yes, in everyday usage.', 'No.')]);
  await stack.campaign('late', 'pairwise', [pairwiseItem('Name a prime number.', '7', '8')]);
  await stack.campaign('other-build', 'pairwise', [pairwiseItem('SECRET-OTHER-BUILD prompt', 'a', 'b')], { workstation: 'f'.repeat(64) });
  await stack.campaign('forget', 'sft-rewrite', [chatItem([['user', 'Say FORGETPROMPTq7x.'], ['assistant', 'FORGETRESPONSEk2w']])]);
  await stack.campaign('forged', 'pairwise', [pairwiseItem('SECRET-FORGED prompt', 'SECRET-FORGED a', 'SECRET-FORGED b')]);
  await stack.campaign('dropped', 'pairwise', [pairwiseItem('SECRET-DROPPED prompt', 'SECRET-DROPPED a', 'SECRET-DROPPED b')]);
  await stack.campaign('expiring', 'pairwise', [pairwiseItem('SECRET-EXPIRED prompt', 'SECRET-EXPIRED a', 'SECRET-EXPIRED b')]);
  await stack.campaign('suspended', 'pairwise', [pairwiseItem('SECRET-SUSPENDED prompt', 'SECRET-SUSPENDED a', 'SECRET-SUSPENDED b')]);
  const login = await stack.annotator('Ann-1');

  const page = await browser.newPage({ viewport: VIEWPORTS[0]! });
  const findings: AxeFinding[] = [];
  const checkedScreens: string[] = [];
  const a11y = async (screen: string): Promise<void> => {
    findings.push(...(await axeFindings(page, screen)));
    checkedScreens.push(screen);
  };
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // CSP violations of every page load, reported out of the page (a navigation would lose them) and kept per page too.
  const cspViolations: string[] = [];
  await page.exposeFunction('__reportCspViolation', (v: string) => cspViolations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const v = `${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} sample ${JSON.stringify(e.sample)}`;
      ((globalThis as { __cspViolations?: string[] }).__cspViolations ??= []).push(v);
      void (globalThis as unknown as { __reportCspViolation: (v: string) => Promise<void> }).__reportCspViolation(v);
    });
  });

  await t.test('served from the gatekeeper with a strict CSP, SRI and the bundle hash shown', async () => {
    const response = await page.goto(stack.appUrl);
    const csp = response!.headers()['content-security-policy']!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, /require-trusted-types-for 'script'/);
    assert.ok(csp.includes(`connect-src ${new URL(stack.gatekeeperUrl).origin} ${new URL(stack.hubUrl).origin}`), csp);
    const integrity = await page.$$eval('script[src], link[rel=stylesheet]', (els) => els.map((e) => e.getAttribute('integrity')));
    assert.ok(integrity.length === 2 && integrity.every((i) => i?.startsWith('sha384-')));
    await page.waitForSelector(`.bundle[data-bundle="${built.sha256}"]`);
    await screenshots(page, 'sign-in');
    await a11y('sign-in');
  });

  await t.test('a wrong password: "Wrong username or password", not "signed out"', async () => {
    await page.keyboard.type(login.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password');
    await page.keyboard.press('Enter');
    const card = await page.waitForSelector('[data-failure="signed-out"] h2');
    assert.equal(await card.innerText(), 'Wrong username or password');
    assert.match(await page.innerText('[data-failure="signed-out"]'), /Check both and try again/);
    await screenshots(page, 'sign-in-wrong-password');
    await a11y('sign-in, wrong password');
    await page.fill('input[name="username"]', '');
    await page.fill('input[name="password"]', '');
    await page.focus('input[name="username"]');
  });

  await t.test('sign in and enrol by keyboard; the device waits for the lab, then work starts', async () => {
    await page.keyboard.type(login.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(login.password);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.campaigns');
    await waitForHeadingFocus(page, /^Campaigns$/);
    assert.match(await page.innerText('.campaign-meta >> nth=0'), /closes \d{4}-\d{2}-\d{2}$/, 'dates are ISO 8601');
    const otherBuild = await page.$eval('[data-campaign="other-build"]', (b) => ({ disabled: (b as HTMLButtonElement).disabled, text: (b as HTMLElement).innerText }));
    assert.ok(otherBuild.disabled, 'a campaign that names another workstation bundle cannot be opened');
    assert.match(otherBuild.text, /names another workstation build \(ffffffff…\)/);
    await screenshots(page, 'campaigns');
    await a11y('campaigns');
    await openCampaign(page, stack.appUrl, 'pairs');
    assert.match(await failureShown(page, 'device-pending'), /approve this device/);
    await waitForHeadingFocus(page, /^pairwise campaign/);
    await screenshots(page, 'enrolment-pending');
    await a11y('enrolment pending');
    assert.equal(await stack.approve('Ann-1'), 1);
    await page.waitForSelector('[data-phase="ready"]', { timeout: 15_000 });
  });

  await t.test('the device keys are non-extractable CryptoKeys in IndexedDB', async () => {
    const stored = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('keyhole-workstation');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const records = await new Promise<{ signing: CryptoKeyPair; kex: CryptoKeyPair }[]>((resolve, reject) => {
        const all = db.transaction('devices').objectStore('devices').getAll();
        all.onsuccess = () => resolve(all.result as { signing: CryptoKeyPair; kex: CryptoKeyPair }[]);
        all.onerror = () => reject(all.error);
      });
      db.close();
      return Promise.all(
        records.map(async (r) => {
          const keys = [r.signing.privateKey, r.kex.privateKey];
          return {
            types: keys.map((k) => k instanceof CryptoKey && `${k.algorithm.name}/${k.type}`),
            extractable: keys.map((k) => k.extractable),
            exportRefused: await Promise.all(keys.map((k) => crypto.subtle.exportKey('pkcs8', k).then(() => false, () => true))),
          };
        }),
      );
    });
    assert.deepEqual(stored, [{ types: ['Ed25519/private', 'X25519/private'], extractable: [false, false], exportRefused: [true, true] }]);
  });

  await t.test('pairwise by keyboard alone; the lab decrypts exactly that', async () => {
    assert.equal(await page.$$eval('h1', (h) => h.length), 1, 'the task screen has one h1');
    assert.deepEqual(
      await page.$$eval('[role="radio"]', (els) => els.map((e) => e.getAttribute('aria-label'))),
      ['A much better', 'A clearly better', 'A slightly better', 'Tie', 'B slightly better', 'B clearly better', 'B much better'],
      'the preference radios are named in words',
    );
    await page.keyboard.press('b');
    await page.keyboard.press('1');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('a');
    await page.keyboard.press('3');
    assert.equal(await page.innerText('.scale-caption'), 'A much better');
    // Arrow keys on the focused radio move the choice, and focus goes with it.
    await page.focus('[role="radio"][aria-checked="true"]');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'A clearly better', undefined, { timeout: 5000 });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-checked')), 'true');
    assert.equal(await page.innerText('.scale-caption'), 'A clearly better');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'A much better', undefined, { timeout: 5000 });
    await page.keyboard.press('r');
    await page.keyboard.type('A is correct and gives a fact; B is wrong.');
    await screenshots(page, 'pairwise');
    await a11y('pairwise');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Enter');
    assert.match(await failureShown(page, 'queue-empty'), /Nothing for you in this campaign right now\n+Every item is labelled, being labelled by someone else, or one you have already answered\. You submitted 1 and skipped 0 here/);
    await waitForHeadingFocus(page, /^pairwise campaign/);
    await screenshots(page, 'queue-empty');
    await a11y('queue empty');
    assert.equal(await page.$('.work-item'), null, 'the item is gone from the page');
    const [label] = await stack.labels('pairs');
    assert.deepEqual({ ...label!.label, seconds: 0 }, { v: 1, task: 'pairwise', seconds: 0, a: 'chosen', b: 'rejected', choice: 'A', strength: -3, rationale: 'A is correct and gives a fact; B is wrong.' });
  });

  await t.test('ranking by keyboard alone; the lab decrypts exactly that order', async () => {
    await openCampaign(page, stack.appUrl, 'ranks');
    await page.waitForSelector('[data-phase="ready"]');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('.notice-info');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('1');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    assert.ok(!(await page.innerText('.work-item')).includes('FOLLOWUP'), 'a turn under a ranked reply is not shown');
    await screenshots(page, 'ranking');
    await a11y('ranking');
    await page.keyboard.press('Control+Enter');
    await failureShown(page, 'queue-empty');
    const [label] = await stack.labels('ranks');
    assert.ok(label!.label.task === 'ranking' && label!.label.rankable);
    assert.deepEqual(label!.label.rankable && label!.label.order, ['r2', 'r1', 'r0']);
  });

  await t.test('hostile item text renders inert', async () => {
    await openCampaign(page, stack.appUrl, 'hostile');
    await page.waitForSelector('[data-phase="ready"]');
    const found = await page.evaluate(() => {
      const item = document.querySelector('.work-item')!;
      return {
        pwned: (globalThis as { __pwned?: unknown }).__pwned,
        elements: item.querySelectorAll('img, script, iframe, svg, object, embed, [onerror], [onload]').length,
        hrefs: [...item.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        rels: [...item.querySelectorAll('a')].map((a) => a.getAttribute('rel')),
        text: (item as HTMLElement).innerText,
        csp: (globalThis as { __cspViolations?: string[] }).__cspViolations ?? [],
      };
    });
    assert.equal(found.pwned, undefined, 'no script ran');
    assert.equal(found.elements, 0, 'no element came from the data');
    assert.deepEqual(found.hrefs, ['https://example.com/safe']);
    assert.deepEqual(found.rels, ['noopener noreferrer nofollow']);
    assert.match(found.text, /<img src=x onerror="window.__pwned=1">/, 'the markup is shown as text');
    assert.match(found.text, /\(javascript:window.__pwned=3\)/, 'a javascript: link shows its URL as text');
    assert.deepEqual(found.csp, []);
    await screenshots(page, 'rubric');
    await a11y('rubric');
    for (const key of ['4', '5', '5', '3']) await page.keyboard.press(key);
    await page.keyboard.press('Control+Enter');
    await failureShown(page, 'queue-empty');
    const [label] = await stack.labels('hostile');
    assert.deepEqual(label!.label.task === 'rubric' && label!.label.ratings, { helpfulness: 4, honesty: 5, harmlessness: 5, instructionFollowing: 3 });
  });

  await t.test('SFT rewrite and safety flags', async () => {
    await openCampaign(page, stack.appUrl, 'rewrite');
    await page.waitForSelector('[data-phase="ready"]');
    await page.keyboard.press('c');
    await page.keyboard.press('r');
    await page.keyboard.press('End');
    await page.keyboard.type(' It reverses in place; `reversed(xs)` or `xs[::-1]` give a new list.');
    await screenshots(page, 'sft-rewrite');
    await a11y('sft-rewrite');
    await page.keyboard.press('Control+Enter');
    await failureShown(page, 'queue-empty');
    const [rewrite] = await stack.labels('rewrite');
    assert.ok(rewrite!.label.task === 'sft-rewrite' && rewrite!.label.rewrite === 'Use `list.reverse()`. It reverses in place; `reversed(xs)` or `xs[::-1]` give a new list.');

    await openCampaign(page, stack.appUrl, 'redteam');
    await page.waitForSelector('[data-phase="ready"]');
    await page.keyboard.press('6');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('r');
    await page.keyboard.type('Turn 1 asks for revenge; the model declines and redirects.');
    await page.keyboard.press('Escape');
    await page.keyboard.press('g');
    await page.waitForSelector('.guidelines');
    await assertFocusTrapped(page, 4);
    await screenshots(page, 'guidelines');
    await a11y('guidelines');
    await page.keyboard.press('Escape');
    await screenshots(page, 'safety-flags');
    await a11y('safety-flags');
    await page.keyboard.press('Control+Enter');
    await failureShown(page, 'queue-empty');
    const [flags] = await stack.labels('redteam');
    assert.deepEqual({ ...flags!.label, seconds: 0 }, { v: 1, task: 'safety-flags', seconds: 0, flags: ['harassment'], outcome: 'refused', severity: 'low', notes: 'Turn 1 asks for revenge; the model declines and redirects.' });
  });

  await t.test('the hub unreachable at submit: the item and what was typed stay, and the retry submits them', async () => {
    await openCampaign(page, stack.appUrl, 'outage');
    await page.waitForSelector('[data-phase="ready"]');
    await page.keyboard.press('a');
    await page.keyboard.press('r');
    await page.keyboard.type('Kept through the outage.');
    await page.keyboard.press('Escape');
    const hub = `${new URL(stack.hubUrl).origin}/**`;
    await page.route(hub, (route) => route.abort('connectionrefused'));
    await page.keyboard.press('Control+Enter');
    const notice = await page.waitForSelector('.notice-error');
    assert.match(await notice.innerText(), /Not submitted\. The hub cannot be reached/);
    assert.equal(await page.$eval('[data-freetext]', (e) => (e as HTMLTextAreaElement).value), 'Kept through the outage.');
    assert.ok(await page.$('.work-item'), 'the item is still open');
    await page.unroute(hub);
    await page.keyboard.press('Control+Enter');
    await failureShown(page, 'queue-empty');
    const [label] = await stack.labels('outage');
    assert.ok(label!.label.task === 'pairwise' && label!.label.choice === 'A' && label!.label.rationale === 'Kept through the outage.');
  });

  await t.test('a lease that ends before submit: what was typed is shown, the draft is dropped; skip with a reason', async () => {
    await openCampaign(page, stack.appUrl, 'late');
    await page.waitForSelector('[data-phase="ready"]');
    await page.keyboard.press('b');
    await page.keyboard.press('r');
    await page.keyboard.type('Written before the lease ended.');
    await page.keyboard.press('Escape');
    stack.hubClockShift = 700;
    await page.keyboard.press('Control+Enter');
    assert.match(await failureShown(page, 'lease-expired'), /expired/);
    assert.equal(await page.$eval('[data-kept]', (e) => (e as HTMLTextAreaElement).value), 'Written before the lease ended.');
    assert.equal(await page.$('.work-item'), null, 'the item is gone from the page');
    await screenshots(page, 'failure-lease-expired');
    await a11y('lease expired');
    // Back on the hub's real clock the same lease is still open and resumes: with a fresh draft, because the ended one was dropped.
    stack.hubClockShift = 0;
    await page.keyboard.press('n');
    await page.waitForSelector('[data-phase="ready"]');
    assert.equal(await page.$eval('[data-freetext]', (e) => (e as HTMLTextAreaElement).value), '');
    await page.keyboard.press('s');
    await page.waitForSelector('[role="dialog"]');
    await assertFocusTrapped(page, 10);
    await screenshots(page, 'skip');
    await a11y('skip dialog');
    await page.keyboard.press('3');
    await failureShown(page, 'queue-empty');
    assert.match(await page.innerText('.status-bar'), /0 submitted · 1 skipped/, 'progress counts this campaign only');
    await page.goto(stack.appUrl);
    await page.waitForSelector('.campaigns');
    assert.equal(await page.innerText('[data-campaign="late"] [data-progress]'), 'This session: 0 submitted · 1 skipped');
    assert.equal(await page.innerText('[data-campaign="pairs"] [data-progress]'), 'This session: 1 submitted · 0 skipped', 'counts survive a reload of the tab');
    await screenshots(page, 'campaigns-with-progress');
    const leases = await stack.hub.store.db.selectFrom('leases').select(['state', 'skip_reason']).where('campaign', '=', 'late').execute();
    assert.deepEqual(leases, [{ state: 'skipped', skip_reason: 'broken-item' }]);
  });

  await t.test('plain text stays plain text: line breaks, indentation and # lines as written', async () => {
    await openCampaign(page, stack.appUrl, 'plain');
    await page.waitForSelector('[data-phase="ready"]');
    const shown = await page.evaluate(() => {
      const item = document.querySelector('.work-item') as HTMLElement;
      return { headings: item.querySelectorAll('h1, h2, h4, h5, h6').length, text: item.innerText };
    });
    assert.equal(shown.headings, 0, 'no heading from a # line');
    assert.match(shown.text, /Run these two lines:\n# install the dependencies\npip install requests\n {4}pip check\n# done/);
    await screenshots(page, 'plain-text');
    await a11y('plain text');
    for (const key of ['4', '5', '5', '3']) await page.keyboard.press(key);
    await page.keyboard.press('Control+Enter');
    await failureShown(page, 'queue-empty');
  });

  await t.test('after submit no string of the item is left in the page heap, not only the DOM', async () => {
    await openCampaign(page, stack.appUrl, 'forget');
    await page.waitForSelector('[data-phase="ready"]');
    await page.keyboard.press('c');
    await page.keyboard.press('r');
    await page.keyboard.press('End');
    await page.keyboard.type(' FORGETTYPEDm4v');
    await page.keyboard.press('Escape');
    const markers = ['FORGETPROMPTq7x', 'FORGETRESPONSEk2w', 'FORGETTYPEDm4v'];
    const open = await heapSnapshot(page);
    for (const marker of markers) assert.ok(open.includes(marker), `control: ${marker} is in the heap while the item is open`);
    await page.keyboard.press('Control+Enter');
    await failureShown(page, 'queue-empty');
    const after = await heapSnapshot(page);
    for (const marker of markers) assert.ok(!after.includes(marker), `${marker} is gone from the heap after submit`);
  });

  await t.test('a forged log proof: refused, and no plaintext appears', async () => {
    stack.tamper = 'forge-proof';
    await openCampaign(page, stack.appUrl, 'forged');
    assert.match(await failureShown(page, 'proof-invalid'), /No log, no key/);
    await screenshots(page, 'failure-forged-proof');
    await a11y('forged proof');
    assert.ok(!(await page.content()).includes('SECRET-FORGED'));
  });

  await t.test('a missing log proof: refused, and no plaintext appears', async () => {
    stack.tamper = 'drop-proof';
    await openCampaign(page, stack.appUrl, 'dropped');
    assert.match(await failureShown(page, 'proof-invalid'), /No log, no key/);
    assert.ok(!(await page.content()).includes('SECRET-DROPPED'));
    stack.tamper = 'none';
  });

  await t.test('an expired lease: said so, and no plaintext appears', async () => {
    stack.hubClockShift = -700;
    await openCampaign(page, stack.appUrl, 'expiring');
    assert.match(await failureShown(page, 'lease-expired'), /lease/);
    assert.ok(!(await page.content()).includes('SECRET-EXPIRED'));
    stack.hubClockShift = 0;
  });

  await t.test('a suspended annotator: said so, and no plaintext appears', async () => {
    await stack.suspendAtGatekeeper('Ann-1');
    await openCampaign(page, stack.appUrl, 'suspended');
    assert.match(await failureShown(page, 'suspended'), /ANNOTATOR_SUSPENDED/);
    await screenshots(page, 'failure-suspended');
    await a11y('suspended');
    assert.ok(!(await page.content()).includes('SECRET-SUSPENDED'));
  });

  await t.test('no plaintext or draft in web storage, no page errors and no CSP violation on any page', async () => {
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
    for (const marker of ['Canberra', 'bakery', 'A is correct', 'SECRET']) assert.ok(!stored.includes(marker), marker);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(cspViolations, []);
  });

  await t.test('axe-core: no serious or critical finding on any screen', async () => {
    await mkdir(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    await writeFile(join(REPO_ROOT, 'test-artifacts', 'axe-findings.json'), `${JSON.stringify(findings, null, 2)}\n`);
    assert.equal(checkedScreens.length, 16, `screens checked: ${checkedScreens.join(', ')}`);
    assert.deepEqual(describeFindings(findings.filter(isSeriousOrCritical)), []);
  });
});
