/**
 * Targets for test/fuzz/runner.test.ts only: one that passes, one that throws
 * a plain Error (a crash), one that never returns (a hang the watchdog must stop).
 */
import fc from 'fast-check';

export async function fuzzTargets() {
  return [
    { name: 'passes', arbitrary: fc.nat(), run: async () => {} },
    {
      name: 'crashes',
      arbitrary: fc.nat(),
      run: async (n: number) => {
        if (n > 10) throw new TypeError('not a KeyholeError');
      },
    },
    {
      name: 'hangs',
      arbitrary: fc.nat(),
      run: async (n: number) => {
        // A synchronous loop fast-check's async timeout cannot interrupt.
        if (n > 10) for (;;);
      },
    },
  ];
}
