/**
 * Issue 17 in Chromium: the lab's invitation link (`<gatekeeper>/workstation/#invite=CODE`) is
 * opened, the code leaves the address bar at once, the annotator signs in at the hub, and the
 * workstation redeems the invitation at the gatekeeper with the device's own keys; the gatekeeper
 * binds and approves the device (manual approval is off, so nothing else could) and tells the hub;
 * the first item's key is released. A code typed at sign-in works the same. Screenshots of the invited sign-in and the enrollment screen go
 * to test-artifacts/screenshots/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { invitationLink } from '../../src/gatekeeper/admin/invitations.js';
import { setManualApproval } from '../../src/gatekeeper/enrollment.js';
import { issueInvitation } from '../../src/gatekeeper/invitations.js';
import { addToRoster } from '../../src/gatekeeper/roster.js';
import { devicesForLab } from '../../src/hub/devices.js';
import { buildWorkstation } from '../../src/workstation/build.js';
import { needs } from '../support/environment.js';
import { REPO_ROOT } from '../support/shared.js';
import { axeFindings, describeFindings, isSeriousOrCritical } from './support/axe.js';
import { CHROMIUM, launchChromium } from './support/browser.js';
import { pairwiseItem } from './support/items.js';
import { HUB, LAB, startStack } from './support/stack.js';

const SHOTS = join(REPO_ROOT, 'test-artifacts', 'screenshots');
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

async function screenshots(page: Page, name: string): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(SHOTS, `${name}-${viewport.width}x${viewport.height}.png`) });
  }
  await page.setViewportSize(VIEWPORTS[0]!);
}

test('an invitation link enrolls the browser device at the gatekeeper and the first key is released', { timeout: 240_000 }, async (t) => {
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

  await stack.campaign('invited', 'pairwise', [pairwiseItem('Name a colour.', 'Blue.', 'Seven.')]);
  const login = await stack.annotator('Inv-1');
  // The gatekeeper reaches the hub's lab API to tell it of the approval; the lab approves only by invitation.
  await stack.gk.db.updateTable('vendors').set({ hub_url: stack.hubUrl }).where('vendor', '=', HUB).execute();
  await setManualApproval(stack.gk, HUB, false, 'test-admin');
  await addToRoster(stack.gk, HUB, 'Inv-1', 'test-operator');
  const invitation = await issueInvitation(stack.gk, HUB, { annotator: 'Inv-1' }, 'test-operator');
  const link = invitationLink(stack.gatekeeperUrl, invitation.code);
  assert.match(link, /\/workstation\/#invite=[A-Za-z0-9_-]{43}$/);

  const page = await browser.newPage({ viewport: VIEWPORTS[0]! });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(link);
  await page.waitForSelector('[data-invited]', { timeout: 30_000 });
  assert.equal(await page.evaluate(() => location.href), stack.appUrl, 'the code left the address bar');
  assert.ok(!(await page.evaluate(() => document.documentElement.outerHTML)).includes(invitation.code), 'the code is not in the page');
  await screenshots(page, 'enrollment-invited-sign-in');

  await page.fill('input[name="username"]', login.username);
  await page.fill('input[name="password"]', login.password);
  await page.keyboard.press('Enter');
  const card = await page.waitForSelector('[data-enrolled]', { timeout: 30_000 });
  const text = await card.innerText();
  assert.match(text, /Device enrolled/);
  assert.match(text, /bound this browser's device key to Inv-1/);
  assert.doesNotMatch(text, /has not taken the approval/, 'the hub was told');
  await screenshots(page, 'enrollment');

  const bound = await stack.gk.db.selectFrom('devices').select(['id', 'state', 'invitation', 'annotator']).where('annotator', '=', 'Inv-1').execute();
  assert.equal(bound.length, 1);
  assert.deepEqual({ state: bound[0]!.state, invitation: bound[0]!.invitation }, { state: 'approved', invitation: invitation.id });
  const atHub = (await devicesForLab(stack.hub, LAB, undefined)).find((d) => d.device === bound[0]!.id);
  assert.equal(atHub?.state, 'approved', 'the gatekeeper told the hub');

  await page.click('[data-enrolled] button');
  await page.waitForSelector('.campaigns button[data-campaign="invited"]:not([disabled])', { timeout: 30_000 });
  await page.click('.campaigns button[data-campaign="invited"]');
  await page.waitForSelector('[data-phase="ready"]', { timeout: 30_000 });
  assert.match(await page.innerText('main'), /Name a colour\./, 'the item opened: its key was released');
  const released = await stack.gk.db.selectFrom('releases').select(['device', 'log_index']).where('vendor', '=', HUB).where('annotator', '=', 'Inv-1').execute();
  assert.deepEqual(released.map((r) => [r.device, r.log_index !== null]), [[bound[0]!.id, true]], 'one key released, on the log, to the invited device');

  // A code to type instead of a link: a second person, in a fresh browser profile.
  const login2 = await stack.annotator('Inv-2');
  await addToRoster(stack.gk, HUB, 'Inv-2', 'test-operator');
  const typed = await issueInvitation(stack.gk, HUB, { annotator: 'Inv-2' }, 'test-operator');
  const context = await browser.newContext({ viewport: VIEWPORTS[0]! });
  const second = await context.newPage();
  second.on('pageerror', (e) => pageErrors.push(e.message));
  await second.goto(stack.appUrl);
  await second.waitForSelector('input[name="username"]', { timeout: 30_000 });
  assert.equal(await second.$('[data-invited]'), null, 'no invitation without a link');
  await second.click('.invite-code summary');
  await second.fill('input[name="username"]', login2.username);
  await second.fill('input[name="password"]', login2.password);
  await second.fill('input[name="invite"]', typed.code);
  await second.keyboard.press('Enter');
  assert.match(await (await second.waitForSelector('[data-enrolled]', { timeout: 30_000 })).innerText(), /bound this browser's device key to Inv-2/);
  const findings = (await axeFindings(second, 'enrollment')).filter(isSeriousOrCritical);
  assert.deepEqual(describeFindings(findings), [], 'the enrollment screen has no serious or critical accessibility finding');
  assert.equal((await stack.gk.db.selectFrom('invitations').select('redeemed_at').where('id', '=', typed.id).executeTakeFirstOrThrow()).redeemed_at !== null, true);
  await context.close();
  assert.deepEqual(pageErrors, []);
});
