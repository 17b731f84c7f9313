/** Debian's Chromium through playwright-core, with the flags the repo's browser tests use (test/browser/chromium.ts). */
import { chromium, type Browser } from 'playwright-core';

export { CHROMIUM } from '../../browser/chromium.js';
import { CHROMIUM } from '../../browser/chromium.js';

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 30_000 });
}
