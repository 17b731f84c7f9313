/**
 * The offline proof bundle: c2sp.org/tlog-proof@v1 with the log entry itself
 * as the `extra` line, so that one file carries entry, inclusion proof and
 * cosigned checkpoint:
 *
 *   c2sp.org/tlog-proof@v1
 *   extra <base64(entry bytes)>
 *   index <decimal>
 *   (<base64 32-byte hash>\n)*      RFC 6962 §2.1.1 audit path, leaf's sibling first
 *   <empty line>
 *   <checkpoint note, log signature and cosignatures>
 *
 * Verification needs only the log's vkey and the witnesses' vkeys and a
 * quorum. Everything is checked: header, canonical numbers and base64, no
 * unknown lines, no checkpoint extension lines, the log signature, at least
 * `quorum` distinct witness cosignatures, and the inclusion of the entry.
 */
import { fromBase64, toBase64 } from './bytes.js';
import { openCheckpoint, parseDecimal, type Checkpoint } from './checkpoint.js';
import { fail, type KeyholeError } from './errors.js';
import { HASH_SIZE, leafHash, verifyInclusion, type Hash } from './merkle.js';
import { openNote, type NoteVerifier } from './note.js';
import type { Primitives } from './primitives.js';

export const PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** RFC 6962 proofs for trees below 2^63 have at most 63 hashes. */
const MAX_PROOF_HASHES = 63;

export interface ProofBundle {
  readonly entry: Uint8Array;
  readonly index: number;
  readonly proof: readonly Hash[];
  /** The checkpoint note with its signatures. */
  readonly checkpoint: string;
}

export function formatProofBundle(b: ProofBundle): string {
  const lines = [PROOF_HEADER, `extra ${toBase64(b.entry)}`, `index ${b.index}`, ...b.proof.map((h) => toBase64(h))];
  return `${lines.join('\n')}\n\n${b.checkpoint}`;
}

export function parseProofBundle(text: string): ProofBundle {
  const end = text.indexOf('\n\n');
  if (end < 0) fail('BAD_FORMAT', 'proof bundle: no empty line before the checkpoint');
  const lines = text.slice(0, end).split('\n');
  if (lines[0] !== PROOF_HEADER) fail('UNKNOWN_VERSION', `proof bundle: first line is not "${PROOF_HEADER}"`);
  const extra = lines[1] ?? '';
  if (!extra.startsWith('extra ')) fail('BAD_FORMAT', 'proof bundle: no "extra" line carrying the entry');
  const entry = fromBase64(extra.slice(6), 'proof bundle: entry');
  const indexLine = lines[2] ?? '';
  if (!indexLine.startsWith('index ')) fail('BAD_FORMAT', 'proof bundle: no "index" line');
  const index = parseDecimal(indexLine.slice(6), 'proof bundle: index');
  const hashLines = lines.slice(3);
  if (hashLines.length > MAX_PROOF_HASHES) fail('BAD_LENGTH', `proof bundle: ${hashLines.length} proof hashes, at most ${MAX_PROOF_HASHES}`);
  const proof = hashLines.map((l, i) => {
    const h = fromBase64(l, `proof bundle: proof hash ${i}`);
    if (h.length !== HASH_SIZE) fail('BAD_LENGTH', `proof bundle: proof hash ${i} is ${h.length} bytes, expected ${HASH_SIZE}`);
    return h;
  });
  return { entry, index, proof, checkpoint: text.slice(end + 2) };
}

export interface TrustPolicy {
  readonly log: NoteVerifier;
  /** The log's origin; keyhole logs use the log key's name. */
  readonly origin: string;
  readonly witnesses: readonly NoteVerifier[];
  readonly quorum: number;
}

export interface VerifiedProof {
  readonly entry: Uint8Array;
  readonly index: number;
  readonly checkpoint: Checkpoint;
  /** Names of the witnesses whose cosignatures verified. */
  readonly witnesses: readonly string[];
}

export async function verifyProofBundle(p: Primitives, text: string, policy: TrustPolicy): Promise<VerifiedProof> {
  if (!Number.isInteger(policy.quorum) || policy.quorum < 0 || policy.quorum > policy.witnesses.length) {
    fail('BAD_FORMAT', `trust policy: quorum ${policy.quorum} is not between 0 and ${policy.witnesses.length}`);
  }
  const bundle = parseProofBundle(text);
  const { checkpoint } = await openCheckpoint(bundle.checkpoint, policy.origin, policy.log);
  if (checkpoint.extensions.length > 0) fail('UNSUPPORTED', 'proof bundle: checkpoint has extension lines, which keyhole logs never write');
  let witnesses: string[] = [];
  if (policy.quorum > 0) {
    const opened = await openNote(bundle.checkpoint, policy.witnesses).catch((err: Error) => fail((err as KeyholeError).code ?? 'BAD_SIGNATURE', `proof bundle: ${err.message}`));
    witnesses = [...new Set(opened.verified.map((s) => s.name))];
    if (witnesses.length < policy.quorum) fail('BAD_SIGNATURE', `proof bundle: ${witnesses.length} witness cosignatures, ${policy.quorum} required`);
  }
  if (bundle.index >= checkpoint.size) fail('BAD_FORMAT', `proof bundle: index ${bundle.index} is not below the checkpoint size ${checkpoint.size}`);
  await verifyInclusion(p, bundle.index, checkpoint.size, await leafHash(p, bundle.entry), bundle.proof, checkpoint.rootHash);
  return { entry: bundle.entry, index: bundle.index, checkpoint, witnesses };
}
