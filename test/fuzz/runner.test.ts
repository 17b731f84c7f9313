/** `npm run fuzz` (scripts/fuzz.ts): reports a pass, a crash with its shrunk counterexample, and stops a hang; exit 1 on either. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/fuzz.ts', import.meta.url));
const targets = fileURLToPath(new URL('./runner-targets.ts', import.meta.url));

test('the fuzz runner reports passes, crashes and hangs, and exits 1 when any target fails', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, '--targets', targets, '--runs', '200', '--seed', '7', '--hang-ms', '1500'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /^ok {4}passes: 200 runs/m);
  assert.match(run.stdout, /^FAIL {2}crashes[\s\S]*Counterexample: \[11\][\s\S]*not a KeyholeError/m);
  assert.match(run.stdout, /^FAIL {2}hangs[\s\S]*hang: after \d+ runs, no progress for 1500 ms/m);
  assert.match(run.stdout, /fuzz: 1 of 3 targets passed \(seed 7\)/);
});
