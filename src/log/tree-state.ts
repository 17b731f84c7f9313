/**
 * The writer's commit record, `.state/treeState`: {"size":N,"root":"<base64>"}
 * (the same shape Tessera's POSIX driver uses). The size in it is the durable
 * size of the log: every tile and bundle it needs was made durable before it
 * was written.
 */
import { z } from 'zod';
import { fromBase64, fromUtf8, toBase64, utf8 } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { HASH_SIZE } from '../core/merkle.js';

export const TREE_STATE_PATH = '.state/treeState';

const TreeStateJson = z.strictObject({
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  root: z.string(),
});

export interface TreeState {
  readonly size: number;
  readonly root: Uint8Array;
}

export function encodeTreeState(s: TreeState): Uint8Array {
  return utf8(JSON.stringify({ size: s.size, root: toBase64(s.root) }));
}

export function decodeTreeState(bytes: Uint8Array): TreeState {
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(bytes, TREE_STATE_PATH));
  } catch {
    return fail('BAD_FORMAT', `${TREE_STATE_PATH} is not JSON`);
  }
  const parsed = TreeStateJson.safeParse(json);
  if (!parsed.success) fail('BAD_FORMAT', `${TREE_STATE_PATH}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const root = fromBase64(parsed.data.root, `${TREE_STATE_PATH} root`);
  if (root.length !== HASH_SIZE) fail('BAD_LENGTH', `${TREE_STATE_PATH}: root is ${root.length} bytes`);
  return { size: parsed.data.size, root };
}
