/**
 * The add-checkpoint request body of c2sp.org/tlog-witness:
 *
 *   "old " <decimal size> "\n"
 *   (<base64 hash> "\n"){0,63}
 *   "\n"
 *   <checkpoint note>
 *
 * and the 409 body: <decimal size> "\n", Content-Type text/x.tlog.size.
 */
import { toBase64 } from '../core/bytes.js';
import { fromBase64 } from '../core/bytes.js';
import { parseDecimal } from '../core/checkpoint.js';
import { fail } from '../core/errors.js';
import { HASH_SIZE, type Hash } from '../core/merkle.js';

export const MAX_PROOF_LINES = 63;
export const MAX_REQUEST_BYTES = 64 * 1024;
export const SIZE_CONTENT_TYPE = 'text/x.tlog.size';

export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Hash[];
  readonly checkpoint: string;
}

export function formatAddCheckpoint(r: AddCheckpointRequest): string {
  return `old ${r.oldSize}\n${r.proof.map((h) => `${toBase64(h)}\n`).join('')}\n${r.checkpoint}`;
}

export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const end = body.indexOf('\n\n');
  if (end < 0) fail('BAD_FORMAT', 'add-checkpoint: no empty line before the checkpoint');
  const [oldLine, ...proofLines] = body.slice(0, end).split('\n') as [string, ...string[]];
  if (!oldLine.startsWith('old ')) fail('BAD_FORMAT', 'add-checkpoint: first line is not "old <size>"');
  const oldSize = parseDecimal(oldLine.slice(4), 'add-checkpoint: old size');
  if (proofLines.length > MAX_PROOF_LINES) fail('BAD_LENGTH', `add-checkpoint: ${proofLines.length} proof lines, at most ${MAX_PROOF_LINES}`);
  const proof = proofLines.map((l, i) => {
    const h = fromBase64(l, `add-checkpoint: proof line ${i}`);
    if (h.length !== HASH_SIZE) fail('BAD_LENGTH', `add-checkpoint: proof line ${i} is ${h.length} bytes, expected ${HASH_SIZE}`);
    return h;
  });
  return { oldSize, proof, checkpoint: body.slice(end + 2) };
}
