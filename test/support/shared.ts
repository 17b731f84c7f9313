/** Paths to the read-only shared vectors and data sets that tests may read (never the product). */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SHARED = process.env.KEYHOLE_SHARED ?? join(REPO_ROOT, '..', 'shared');
export const SHARED_VECTORS = join(SHARED, 'vectors');
export const SHARED_DATA = join(SHARED, 'data');
export const OUR_VECTORS = join(REPO_ROOT, 'vectors');
