/**
 * The log's side of c2sp.org/tlog-witness: submits each new checkpoint with a
 * consistency proof to every witness of its policy, and returns the verified
 * cosignatures only when at least `quorum` of the witnesses cosigned (k of n).
 * Each witness's latest size is learnt from its 409 answers, so a restarted
 * log resynchronises by itself; a witness that holds a larger size than the
 * checkpoint (a rollback) can never be satisfied.
 */
import { fromUtf8 } from '../core/bytes.js';
import type { Checkpoint } from '../core/checkpoint.js';
import { parseDecimal } from '../core/checkpoint.js';
import type { CosignatureVerifier } from '../core/cosignature.js';
import { fail } from '../core/errors.js';
import type { Hash } from '../core/merkle.js';
import { openNote, parseNote, type NoteSignature } from '../core/note.js';
import type { Witnessing } from './writer.js';
import { SIZE_CONTENT_TYPE, formatAddCheckpoint } from './witness-protocol.js';

export interface WitnessEndpoint {
  /** The witness's submission prefix, e.g. http://127.0.0.1:7380/ */
  readonly url: string;
  readonly verifier: CosignatureVerifier;
}

export interface WitnessPolicy {
  readonly witnesses: readonly WitnessEndpoint[];
  readonly quorum: number;
  readonly timeoutMs?: number;
}

export class WitnessQuorum implements Witnessing {
  private readonly knownSizes = new Map<string, number>();

  constructor(private readonly policy: WitnessPolicy) {
    if (!Number.isInteger(policy.quorum) || policy.quorum < 1 || policy.quorum > policy.witnesses.length) {
      fail('BAD_FORMAT', `witness policy: quorum ${policy.quorum} must be between 1 and ${policy.witnesses.length}`);
    }
  }

  async cosign(signedCheckpoint: string, checkpoint: Checkpoint, proofFrom: (oldSize: number) => Promise<Hash[]>): Promise<NoteSignature[]> {
    const results = await Promise.allSettled(this.policy.witnesses.map((w) => this.ask(w, signedCheckpoint, checkpoint, proofFrom)));
    const sigs: NoteSignature[] = [];
    const failures: string[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') sigs.push(r.value);
      else failures.push(`${this.policy.witnesses[i]!.verifier.name}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
    });
    if (sigs.length < this.policy.quorum) {
      fail('STALE', `witness quorum not reached: ${sigs.length} of ${this.policy.quorum} required cosignatures (${failures.join('; ')})`);
    }
    return sigs;
  }

  private async ask(w: WitnessEndpoint, note: string, checkpoint: Checkpoint, proofFrom: (oldSize: number) => Promise<Hash[]>): Promise<NoteSignature> {
    // One retry: the first 409 tells us the witness's size.
    for (let attempt = 0; attempt < 2; attempt++) {
      const oldSize = Math.min(this.knownSizes.get(w.url) ?? 0, checkpoint.size);
      const proof = oldSize === 0 || oldSize === checkpoint.size ? [] : await proofFrom(oldSize);
      const res = await fetch(new URL('add-checkpoint', w.url.endsWith('/') ? w.url : `${w.url}/`), {
        method: 'POST',
        body: formatAddCheckpoint({ oldSize, proof, checkpoint: note }),
        signal: AbortSignal.timeout(this.policy.timeoutMs ?? 10_000),
      });
      const body = fromUtf8(new Uint8Array(await res.arrayBuffer()), 'witness response');
      if (res.status === 409 && res.headers.get('content-type')?.startsWith(SIZE_CONTENT_TYPE)) {
        const size = parseDecimal(body.replace(/\n$/, ''), 'witness 409 size');
        if (size > checkpoint.size) fail('STALE', `witness holds size ${size}, larger than this checkpoint's ${checkpoint.size} (rollback refused)`);
        if (size === oldSize) fail('MISMATCH', `witness refused size ${checkpoint.size}: it holds a different tree at size ${size}`);
        this.knownSizes.set(w.url, size);
        continue;
      }
      if (res.status !== 200) fail('BAD_FORMAT', `HTTP ${res.status}: ${body.trim().slice(0, 200)}`);
      const text = parseNote(note).text;
      const opened = await openNote(`${text}\n${body}`, [w.verifier]);
      this.knownSizes.set(w.url, checkpoint.size);
      return opened.verified[0]!;
    }
    return fail('STALE', 'witness kept answering 409');
  }
}
