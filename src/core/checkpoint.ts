/**
 * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the body of a signed note
 *
 *   <origin>\n
 *   <tree size, ASCII decimal, no leading zeros>\n
 *   <root hash, base64 of 32 bytes>\n
 *   [<extension line>\n]*
 *
 * signed by the log's key (signed-note, Ed25519 type 0x01). Sizes are limited
 * to 2^53 - 1 (a JavaScript safe integer); a larger size is refused as
 * unsupported rather than rounded.
 */
import { fromBase64, toBase64 } from './bytes.js';
import { fail } from './errors.js';
import { HASH_SIZE } from './merkle.js';
import { checkNoteText, openNote, signNote, type NoteSigner, type NoteVerifier, type OpenedNote } from './note.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Extension lines (tlog-checkpoint §Note text); keyhole logs write none. */
  readonly extensions: readonly string[];
}

/** ASCII decimal with no leading zeros ("0" for zero), as a safe integer. */
export function parseDecimal(text: string, what: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) fail('BAD_FORMAT', `${what} "${text}" is not a decimal without leading zeros`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) fail('UNSUPPORTED', `${what} ${text} is above 2^53 - 1`);
  return n;
}

export function parseCheckpointBody(text: string): Checkpoint {
  checkNoteText(text);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) fail('BAD_FORMAT', `checkpoint: ${lines.length} lines, expected at least origin, size and root hash`);
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) fail('BAD_FORMAT', 'checkpoint: origin line is empty');
  const size = parseDecimal(sizeLine, 'checkpoint: tree size');
  const rootHash = fromBase64(rootLine, 'checkpoint: root hash');
  if (rootHash.length !== HASH_SIZE) fail('BAD_LENGTH', `checkpoint: root hash is ${rootHash.length} bytes, expected ${HASH_SIZE}`);
  // tlog-checkpoint: extension lines are non-empty (an empty line would end the note text).
  for (const e of extensions) if (e.length === 0) fail('BAD_FORMAT', 'checkpoint: empty extension line');
  return { origin, size, rootHash, extensions };
}

export function formatCheckpointBody(c: Checkpoint): string {
  if (c.origin.length === 0 || c.origin.includes('\n')) fail('BAD_FORMAT', 'checkpoint: origin must be one non-empty line');
  if (!Number.isSafeInteger(c.size) || c.size < 0) fail('BAD_FORMAT', `checkpoint: bad tree size ${c.size}`);
  if (c.rootHash.length !== HASH_SIZE) fail('BAD_LENGTH', `checkpoint: root hash is ${c.rootHash.length} bytes, expected ${HASH_SIZE}`);
  const text = [c.origin, String(c.size), toBase64(c.rootHash), ...c.extensions].join('\n') + '\n';
  checkNoteText(text);
  return text;
}

export function signCheckpoint(c: Checkpoint, signers: readonly NoteSigner[]): Promise<string> {
  return signNote(formatCheckpointBody(c), signers);
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: OpenedNote;
}

/**
 * Verifies a checkpoint note: the log's signature must verify (other
 * signatures are returned unverified for the cosignature layer), and the
 * origin line must be the expected origin (tlog-checkpoint §Note text: the
 * origin identifies the log and must be checked by the client).
 */
export async function openCheckpoint(note: string | Uint8Array, origin: string, logVerifier: NoteVerifier): Promise<OpenedCheckpoint> {
  const opened = await openNote(note, [logVerifier]);
  const checkpoint = parseCheckpointBody(opened.text);
  if (checkpoint.origin !== origin) fail('MISMATCH', `checkpoint: origin "${checkpoint.origin}" is not the expected "${origin}"`);
  return { checkpoint, note: opened };
}
