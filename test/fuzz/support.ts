/**
 * Runs fuzz targets as node:test tests: a fixed seed (KEYHOLE_FUZZ_SEED to
 * change it) and a few hundred runs, cut short after a time budget so the
 * smoke stays at a few seconds per file on a busy machine. A failure prints
 * fast-check's shrunk counterexample and the seed and path to replay it.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import type { FuzzTarget } from './targets.js';

const SEED = Number(process.env.KEYHOLE_FUZZ_SEED ?? 20261207);

export function smoke(targets: Promise<FuzzTarget<any>[]>, pick: (name: string) => boolean, budgetMs = 700): void {
  // Async hangs fail by fast-check's per-run timeout; this bounds the whole file. (A synchronous loop is
  // what `npm run fuzz` and its watchdog are for: the test runner cannot interrupt one.)
  test('fuzz smoke', { timeout: 120_000 }, async (t) => {
    for (const target of (await targets).filter((x) => pick(x.name))) {
      await t.test(target.name, async () => {
        await fc.assert(
          fc.asyncProperty(target.arbitrary, (input) => target.run(input)),
          { seed: SEED, numRuns: 300, interruptAfterTimeLimit: budgetMs, markInterruptAsFailure: false, timeout: 5_000 },
        );
      });
    }
  });
}
