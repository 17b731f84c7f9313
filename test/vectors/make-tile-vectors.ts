/**
 * Writes vectors/log-tiles/ (docs/SPEC.md §8.7): keyhole's own tlog-tiles log.
 * Run `npx tsx test/vectors/make-tile-vectors.ts` after a deliberate change to
 * the log's layout; test/core/log-tile-vectors.test.ts checks every file.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OUR_VECTORS } from '../support/shared.js';
import { tileVectorManifest, tileVectorRecords, writeTileVectorLog } from './log-tiles.js';

const dir = join(OUR_VECTORS, 'log-tiles');
const { files, roots } = await writeTileVectorLog(await tileVectorRecords());
rmSync(dir, { recursive: true, force: true });
for (const [path, data] of files) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), data);
}
writeFileSync(join(dir, 'tiles.json'), JSON.stringify(await tileVectorManifest(files, roots), null, 1) + '\n');
console.log(`wrote vectors/log-tiles/: ${files.size} files and tiles.json`);
