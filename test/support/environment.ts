/**
 * Optional parts (PostgreSQL, Chromium, a local S3 endpoint) are used when
 * present and skipped with a clear message when not, except under
 * KEYHOLE_REQUIRE_ALL=1 (set by .ci/run), where a missing part fails the test.
 */
import type { TestContext } from 'node:test';

export const REQUIRE_ALL = process.env.KEYHOLE_REQUIRE_ALL === '1';

/** Returns true when the test should go on; otherwise skips it (or fails under KEYHOLE_REQUIRE_ALL=1). */
export function needs(t: TestContext, available: boolean, what: string): boolean {
  if (available) return true;
  if (REQUIRE_ALL) throw new Error(`${what} is required (KEYHOLE_REQUIRE_ALL=1) but is not available`);
  const message = `SKIPPED: ${what} is not available`;
  console.log(message);
  t.skip(message);
  return false;
}
