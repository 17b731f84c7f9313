/**
 * Failures the annotator sees. Each has a kind the app branches on and a
 * message written for the person at the desk: what happened and what to do.
 * Messages never contain plaintext or key material; a refusal's reason from
 * the hub or the gatekeeper is passed on because it names only ids.
 */
export type FailureKind =
  /** The hub did not answer (network, DNS, CORS, 5xx). */
  | 'hub-unreachable'
  | 'gatekeeper-unreachable'
  /** No session, or it expired or was revoked. */
  | 'signed-out'
  /** The annotator account or this device is suspended. */
  | 'suspended'
  /** The device is registered but no lab has approved it yet. */
  | 'device-pending'
  | 'lease-expired'
  /** The gatekeeper refused to release the key; the message carries its reason. */
  | 'key-refused'
  /** The log proof that came with the key did not verify: the key was not opened. */
  | 'proof-invalid'
  /** The sealed item failed to open (signature, binding, commitment, tampering). */
  | 'item-invalid'
  /** The item opened but is not something this task type can show. */
  | 'bad-item'
  | 'queue-empty'
  | 'campaign-closed'
  /** The hub refused a request for another reason (the message says which). */
  | 'refused'
  | 'rate-limited';

export class WorkstationError extends Error {
  readonly kind: FailureKind;
  constructor(kind: FailureKind, message: string) {
    super(message);
    this.name = 'WorkstationError';
    this.kind = kind;
    // Format the stack trace now. Until `.stack` is first read, V8 keeps each
    // frame's function and receiver alive, and the frames of the task loop
    // close over the open item; the app keeps a failure on screen (in its
    // state) long after that item must be gone (test: "no string of the item
    // is left in the page heap").
    void this.stack;
  }
}

/** Failures after which the item may be retried as it is (nothing about the lease changed). */
export function isRetryable(kind: FailureKind): boolean {
  return kind === 'hub-unreachable' || kind === 'gatekeeper-unreachable' || kind === 'rate-limited';
}
