/** Builds offline proof bundles (src/core/proof-bundle.ts) from a stored log. */
import { parseCheckpointBody } from '../core/checkpoint.js';
import { inclusionProof } from '../core/merkle.js';
import { parseNote } from '../core/note.js';
import type { Primitives } from '../core/primitives.js';
import { formatProofBundle } from '../core/proof-bundle.js';
import { TileNodeSource, readEntry, type ObjectReader } from './tile-reader.js';

/** The proof bundle for entry `index` against the given (cosigned) checkpoint note. */
export async function buildProofBundle(p: Primitives, reader: ObjectReader, index: number, checkpointNote: string): Promise<string> {
  const { size } = parseCheckpointBody(parseNote(checkpointNote).text);
  const entry = await readEntry(reader, index, size);
  const proof = await inclusionProof(p, new TileNodeSource(p, reader, size), index, size);
  return formatProofBundle({ entry, index, proof, checkpoint: checkpointNote });
}
