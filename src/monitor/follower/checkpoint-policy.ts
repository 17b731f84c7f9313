/**
 * The monitor's trust policy for checkpoints: the log's key (and origin),
 * the witnesses' cosignature keys and how many must have cosigned. Unlike a
 * plain note verifier it checks each policy witness's cosignature on its own,
 * so a witness whose cosignature fails is named (a disagreeing witness is
 * itself an alert) instead of the whole note being thrown away unexplained.
 */
import { utf8 } from '../../core/bytes.js';
import { openCheckpoint, type Checkpoint } from '../../core/checkpoint.js';
import { cosignatureVerifier, type CosignatureVerifier } from '../../core/cosignature.js';
import { fail } from '../../core/errors.js';
import { describeKey, ed25519NoteVerifier, type NoteVerifier } from '../../core/note.js';
import type { Primitives } from '../../core/primitives.js';

export interface CheckpointPolicy {
  readonly origin: string;
  readonly log: NoteVerifier;
  readonly witnesses: readonly CosignatureVerifier[];
  readonly quorum: number;
}

export async function checkpointPolicy(p: Primitives, logVkey: string, witnessVkeys: readonly string[], quorum: number): Promise<CheckpointPolicy> {
  const log = await ed25519NoteVerifier(p, logVkey);
  const witnesses = await Promise.all(witnessVkeys.map((v) => cosignatureVerifier(p, v)));
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > witnesses.length) fail('BAD_FORMAT', `witness quorum ${quorum} is not between 0 and ${witnesses.length}`);
  return { origin: log.name, log, witnesses, quorum };
}

export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: string;
  /** Policy witnesses whose cosignature verified. */
  readonly cosigners: readonly string[];
  /** Policy witnesses that signed something else under this checkpoint's text. */
  readonly disagreeing: readonly string[];
}

/** Throws when the log's signature or the origin is wrong; witness results are returned, not thrown. */
export async function verifyCheckpoint(policy: CheckpointPolicy, note: string): Promise<VerifiedCheckpoint> {
  const opened = await openCheckpoint(note, policy.origin, policy.log);
  if (opened.checkpoint.extensions.length > 0) fail('UNSUPPORTED', 'checkpoint: has extension lines, which keyhole logs never write');
  const text = utf8(opened.note.text);
  const cosigners: string[] = [];
  const disagreeing: string[] = [];
  const seen = new Set<string>();
  for (const sig of opened.note.unverified) {
    const witness = policy.witnesses.find((w) => w.name === sig.name && w.keyId === sig.keyId);
    if (!witness) continue;
    const id = describeKey(sig.name, sig.keyId);
    if (seen.has(id)) fail('BAD_FORMAT', `checkpoint: two cosignatures by ${id}`);
    seen.add(id);
    // A malformed cosignature (wrong length, timestamp past 2^53 - 1: SPEC §8.2 refuses it with a code) is a
    // witness that does not vouch for this checkpoint, like a failing one: the others still count.
    (await witness.verify(text, sig.signature).catch(() => false) ? cosigners : disagreeing).push(sig.name);
  }
  return { checkpoint: opened.checkpoint, note, cosigners, disagreeing };
}
