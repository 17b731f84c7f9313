/**
 * Full audit of a tlog-tiles log from its public resources only: the
 * checkpoint signature (with the expected origin), every entry bundle, every
 * hash tile at every level, the root, and consistency with a checkpoint seen
 * earlier. Reports the first place where the log disagrees with itself.
 */
import { constantTimeEqual, toBase64 } from '../core/bytes.js';
import { openCheckpoint, parseCheckpointBody, type Checkpoint } from '../core/checkpoint.js';
import { fail } from '../core/errors.js';
import { leafHash, rootFromLeafHashes, type Hash } from '../core/merkle.js';
import { parseNote, type NoteVerifier } from '../core/note.js';
import type { Primitives } from '../core/primitives.js';
import { decodeEntryBundle, decodeHashTile } from '../core/tile-data.js';
import { TILE_WIDTH, entriesPath, partialTileSize, tilePath } from '../core/tile-paths.js';
import type { ObjectReader } from './tile-reader.js';
import { CHECKPOINT_PATH } from './writer.js';

export interface LogAudit {
  readonly checkpoint: Checkpoint;
  readonly note: string;
  readonly tilesChecked: number;
  readonly bundlesChecked: number;
}

async function mustRead(reader: ObjectReader, path: string): Promise<Uint8Array> {
  const bytes = await reader.read(path);
  if (!bytes) fail('TRUNCATED', `${path} is missing`);
  return bytes;
}

export async function auditLog(p: Primitives, reader: ObjectReader, logVerifier: NoteVerifier, previousNote?: string): Promise<LogAudit> {
  const noteBytes = await mustRead(reader, CHECKPOINT_PATH);
  const { checkpoint } = await openCheckpoint(noteBytes, logVerifier.name, logVerifier);
  const size = checkpoint.size;

  const leaves: Hash[] = [];
  let bundlesChecked = 0;
  for (let index = 0; index * TILE_WIDTH < size; index++) {
    const partial = partialTileSize(0, index, size);
    const path = entriesPath(index, partial);
    let entries: Uint8Array[];
    try {
      entries = decodeEntryBundle(await mustRead(reader, path), partial === 0 ? TILE_WIDTH : partial);
    } catch (err) {
      return fail('MISMATCH', `${path}: ${(err as Error).message}`);
    }
    for (const e of entries) leaves.push(await leafHash(p, e));
    bundlesChecked++;
  }

  let tilesChecked = 0;
  let nodes = leaves;
  for (let level = 0; nodes.length > 0; level++) {
    const next: Hash[] = [];
    for (let index = 0; index * TILE_WIDTH < nodes.length; index++) {
      const group = nodes.slice(index * TILE_WIDTH, (index + 1) * TILE_WIDTH);
      const partial = group.length === TILE_WIDTH ? 0 : group.length;
      const path = tilePath(level, index, partial);
      const stored = decodeHashTile(await mustRead(reader, path), group.length);
      const bad = stored.findIndex((h, i) => !constantTimeEqual(h, group[i]!));
      if (bad >= 0) {
        const firstEntry = (index * TILE_WIDTH + bad) * TILE_WIDTH ** level;
        fail('MISMATCH', `${path}: hash ${bad} does not match the entry bundles (entries from ${firstEntry})`);
      }
      tilesChecked++;
      if (partial === 0) next.push(await rootFromLeafHashes(p, group));
    }
    nodes = next;
  }

  const root = await rootFromLeafHashes(p, leaves);
  if (!constantTimeEqual(root, checkpoint.rootHash)) {
    fail('MISMATCH', `the ${size} entries hash to ${toBase64(root)}, not to the checkpoint's root ${toBase64(checkpoint.rootHash)}`);
  }

  if (previousNote !== undefined) {
    const previous = parseCheckpointBody(parseNote(previousNote).text);
    if (previous.origin !== checkpoint.origin) fail('MISMATCH', `previous checkpoint is for "${previous.origin}", not "${checkpoint.origin}"`);
    if (previous.size > size) fail('STALE', `rollback: the log is at size ${size} but a checkpoint of size ${previous.size} was seen before`);
    const oldRoot = await rootFromLeafHashes(p, leaves.slice(0, previous.size));
    if (!constantTimeEqual(oldRoot, previous.rootHash)) {
      fail('MISMATCH', `the log was rewritten: its first ${previous.size} entries no longer hash to the root seen before`);
    }
  }
  return { checkpoint, note: new TextDecoder().decode(noteBytes), tilesChecked, bundlesChecked };
}
