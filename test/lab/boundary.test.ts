/** The lab's code reaches the gatekeeper only through its admin API client (issue 13): no import of src/gatekeeper. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';

const root = new URL('../../src/lab/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
}

test('src/lab imports nothing from src/gatekeeper (static, dynamic or re-export)', () => {
  const offenders = files(root).filter((f) => /(?:from|import\s*\(|import)\s*['"`][^'"`]*\/gatekeeper\//.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});
