/**
 * src/core runs in the browser and in Node and is trusted by every party: it
 * may import only other core files and zod, and no `node:` module or other
 * folder of ours.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/shared.js';

const CORE = join(REPO_ROOT, 'src', 'core');
const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

test('src/core imports only core files and zod', () => {
  const offending: string[] = [];
  for (const file of readdirSync(CORE).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(CORE, file), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      const ok = spec === 'zod' || /^\.\/[a-z0-9-]+\.js$/.test(spec);
      if (!ok) offending.push(`${file}: ${spec}`);
    }
  }
  assert.deepEqual(offending, []);
});
