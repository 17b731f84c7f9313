/**
 * Writes keyhole's published vectors for the core formats into vectors/core/.
 * Run `npx tsx scripts/generate-vectors.ts` after a deliberate format change;
 * test/core/our-vectors.test.ts then checks every file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_VECTOR_FILES } from '../test/vectors/core-vectors.js';
import { REPO_ROOT } from '../test/support/shared.js';

const dir = join(REPO_ROOT, 'vectors', 'core');
mkdirSync(dir, { recursive: true });
for (const [name, { generate }] of Object.entries(CORE_VECTOR_FILES)) {
  const value = await generate();
  writeFileSync(join(dir, name), JSON.stringify(value, null, 1) + '\n');
  console.log(`wrote vectors/core/${name}`);
}
