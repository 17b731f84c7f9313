/**
 * axe-core in the page under test: injected through the DevTools protocol
 * (page.evaluate), not as a <script>, so the app's CSP and Trusted Types stay
 * exactly as served and nothing of axe is in the app's bundle.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  readonly screen: string;
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

interface AxeResults {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
}

/** Every axe violation on the page as it is now (WCAG 2.x A and AA rules, plus axe's best practices). */
export async function axeFindings(page: Page, screen: string): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(() => (globalThis as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }))) as AxeResults;
  return results.violations.map((v) => ({ screen, id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
}

export const isSeriousOrCritical = (f: AxeFinding): boolean => f.impact === 'serious' || f.impact === 'critical';

export function describeFindings(findings: readonly AxeFinding[]): string[] {
  return findings.map((f) => `${f.screen}: ${f.impact} ${f.id} (${f.help}) at ${f.targets.slice(0, 3).join(', ')}`);
}
