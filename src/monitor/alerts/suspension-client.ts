/**
 * Asks the gatekeeper to suspend someone: POST <gatekeeper>/v1/monitor/suspend
 * with a request signed by the monitor's Ed25519 key (docs/GATEKEEPER.md):
 *
 *   {"body": {"v":1,"monitor","action":"suspend","target","reason","time","nonce"}, "sig"}
 *   sig = Ed25519(monitor key, "keyhole/v1 monitor-request" || 0x00 || JCS(body))
 *
 * The monitor runs apart from the lab, so it speaks the wire format rather
 * than importing the gatekeeper's code. The gatekeeper answers with the proof
 * bundle of the `suspend` record it logged; the monitor verifies that proof
 * against its own trust policy before it reports the suspension as done.
 */
import { z } from 'zod';
import { decodeAccessRecord } from '../../core/access-record.js';
import { concat, toBase64Url, utf8 } from '../../core/bytes.js';
import { canonicalJsonBytes } from '../../core/canonical-json.js';
import { fail } from '../../core/errors.js';
import type { Ed25519Signer, Primitives } from '../../core/primitives.js';
import { verifyProofBundle } from '../../core/proof-bundle.js';
import { parseJsonText } from '../../core/schema.js';
import type { Subject } from '../rules/rule.js';
import type { CheckpointPolicy } from '../follower/checkpoint-policy.js';

export type SuspensionTarget = { kind: 'vendor'; vendor: string } | { kind: 'annotator'; vendor: string; annotator: string } | { kind: 'device'; device: string };

export interface SuspensionOutcome {
  readonly target: SuspensionTarget;
  readonly ok: boolean;
  /** Log index of the gatekeeper's `suspend` record, from its verified proof. */
  readonly logIndex?: number;
  readonly error?: string;
}

const Answer = z.object({ proof: z.string().max(64 * 1024) });
const ErrorAnswer = z.object({ error: z.object({ code: z.string().max(64), message: z.string().max(500) }) });
const GATEKEEPER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Whom to suspend for a finding: the annotator (records name "<vendor>:<pseudonym>"), else the vendor. */
export function suspensionTargetFor(subject: Subject): SuspensionTarget | undefined {
  const colon = subject.annotator?.indexOf(':') ?? -1;
  if (subject.annotator !== undefined && colon > 0) {
    const vendor = subject.annotator.slice(0, colon);
    const annotator = subject.annotator.slice(colon + 1);
    if (GATEKEEPER_ID.test(vendor) && GATEKEEPER_ID.test(annotator)) return { kind: 'annotator', vendor, annotator };
  }
  if (subject.device !== undefined) return { kind: 'device', device: subject.device };
  if (subject.annotator === undefined && subject.vendor !== undefined && GATEKEEPER_ID.test(subject.vendor)) return { kind: 'vendor', vendor: subject.vendor };
  return undefined;
}

/** Anything that can suspend a target: one gatekeeper's client, or several asked together. */
export interface Suspender {
  suspend(target: SuspensionTarget, reason: string): Promise<SuspensionOutcome>;
}

/**
 * Asks every gatekeeper (a lab may run one per region, all on one log); the
 * suspension is done only when every one of them proved it logged it.
 */
export function suspendEverywhere(clients: readonly Suspender[]): Suspender {
  if (clients.length === 1) return clients[0]!;
  return {
    async suspend(target, reason) {
      const outcomes = await Promise.all(clients.map((c) => c.suspend(target, reason)));
      const failed = outcomes.filter((o) => !o.ok);
      const logIndex = outcomes.find((o) => o.logIndex !== undefined)?.logIndex;
      return { target, ok: failed.length === 0, ...(logIndex !== undefined ? { logIndex } : {}), ...(failed.length > 0 ? { error: failed.map((o) => o.error).join('; ') } : {}) };
    },
  };
}

export interface SuspensionClientOptions {
  readonly p: Primitives;
  readonly gatekeeper: string;
  /** The name the lab registered the monitor's key under. */
  readonly monitor: string;
  readonly signer: Ed25519Signer;
  readonly policy: CheckpointPolicy;
  readonly timeoutMs?: number;
}

export class SuspensionClient implements Suspender {
  private readonly url: URL;

  constructor(private readonly o: SuspensionClientOptions) {
    this.url = new URL('v1/monitor/suspend', o.gatekeeper.endsWith('/') ? o.gatekeeper : `${o.gatekeeper}/`);
    if (!GATEKEEPER_ID.test(o.monitor)) fail('BAD_FORMAT', `monitor name "${o.monitor}" is not an id`);
  }

  async suspend(target: SuspensionTarget, reason: string): Promise<SuspensionOutcome> {
    try {
      const body = {
        v: 1,
        monitor: this.o.monitor,
        action: 'suspend',
        target,
        reason: reason.slice(0, 200),
        time: Math.floor(Date.now() / 1000),
        nonce: toBase64Url(this.o.p.randomBytes(16)),
      };
      const sig = await this.o.signer.sign(concat(utf8('keyhole/v1 monitor-request'), new Uint8Array([0]), canonicalJsonBytes(body)));
      const res = await fetch(this.url, {
        method: 'POST',
        redirect: 'error',
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 5_000),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ body, sig: toBase64Url(sig) }),
      });
      const text = await res.text();
      if (text.length > 64 * 1024) fail('BAD_LENGTH', 'gatekeeper answer is over 64 KiB');
      if (!res.ok) {
        const parsed = ErrorAnswer.safeParse(safeJson(text));
        return { target, ok: false, error: `HTTP ${res.status}${parsed.success ? ` ${parsed.data.error.code}: ${parsed.data.error.message}` : ''}` };
      }
      const answer = Answer.safeParse(safeJson(text));
      if (!answer.success) fail('BAD_FORMAT', 'gatekeeper answer has no proof');
      const { origin, log, witnesses, quorum } = this.o.policy;
      const proof = await verifyProofBundle(this.o.p, answer.data.proof, { origin, log, witnesses, quorum });
      const logged = decodeAccessRecord(proof.entry);
      if (logged.kind !== 'suspend' || logged.decision !== 'deny') fail('MISMATCH', `gatekeeper proved a ${logged.kind} record, not a suspension`);
      return { target, ok: true, logIndex: proof.index };
    } catch (err) {
      return { target, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return parseJsonText(text, 'gatekeeper answer');
  } catch {
    return undefined;
  }
}
