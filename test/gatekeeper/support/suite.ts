/** Runs a test once per database backend, with a fresh harness each time. */
import { test } from 'node:test';
import { needs } from '../../support/environment.js';
import { BACKENDS } from './backends.js';
import { startHarness, type Harness } from './harness.js';

export type HarnessOptions = Parameters<typeof startHarness>[1];

export function eachBackend(name: string, options: HarnessOptions, fn: (h: Harness) => Promise<void>, timeout = 60_000): void {
  for (const backend of BACKENDS) {
    test(`[${backend.name}] ${name}`, { timeout }, async (t) => {
      if (!needs(t, await backend.available(), 'PostgreSQL at 127.0.0.1:5432')) return;
      const h = await startHarness(backend, options);
      try {
        await fn(h);
      } finally {
        await h.close();
      }
    });
  }
}
