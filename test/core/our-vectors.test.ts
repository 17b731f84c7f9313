/** Checks every file in vectors/core/: each reproduces byte for byte, opens, and each tampered variant fails with its code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OUR_VECTORS } from '../support/shared.js';
import { CORE_VECTOR_FILES, FORMAT_OF_FILE } from '../vectors/core-vectors.js';

const dir = join(OUR_VECTORS, 'core');
const files = readdirSync(dir).sort();

test('vectors/core holds exactly the files we know how to check', () => {
  assert.deepEqual(files, Object.keys(CORE_VECTOR_FILES).sort());
});

for (const file of files) {
  test(`vectors/core/${file}`, async () => {
    const value = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { format: string };
    assert.equal(value.format, FORMAT_OF_FILE[file]);
    const entry = CORE_VECTOR_FILES[file as keyof typeof CORE_VECTOR_FILES];
    assert.deepEqual(await entry.check(value), []);
  });
}
