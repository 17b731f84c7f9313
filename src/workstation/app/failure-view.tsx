/** A failure as the annotator sees it: a title that says what happened, the reason, and what can be done next. */
import type { ComponentChildren } from 'preact';
import type { FailureKind, WorkstationError } from '../errors.js';

const TITLES: Record<FailureKind, string> = {
  'hub-unreachable': 'The hub cannot be reached',
  'gatekeeper-unreachable': "The lab's gatekeeper cannot be reached",
  'signed-out': 'You are signed out',
  suspended: 'Your account or this device is suspended',
  'device-pending': 'Waiting for the lab to approve this device',
  'lease-expired': 'Your lease on this item expired',
  'key-refused': 'The lab refused the key for this item',
  'proof-invalid': 'The key was not opened: its log proof does not verify',
  'item-invalid': 'This item failed verification',
  'bad-item': 'This item cannot be shown for this task',
  'queue-empty': 'No items are waiting',
  'campaign-closed': 'This campaign is closed',
  refused: 'The hub refused the request',
  'rate-limited': 'Too many requests',
};

/** Free text the annotator typed for an item that is no longer open, read-only so it can be copied (the draft itself is gone). */
export function KeptText({ typed }: { typed: string | undefined }) {
  if (typed === undefined || typed === '') return null;
  return (
    <div class="kept">
      <p>What you typed is kept here; copy it if you need it:</p>
      <textarea readOnly rows={4} value={typed} data-kept />
    </div>
  );
}

export function FailureCard({ error, children }: { error: WorkstationError; children?: ComponentChildren }) {
  return (
    <section class={`failure failure-${error.kind}`} role="alert" data-failure={error.kind}>
      <h2>{TITLES[error.kind]}</h2>
      <p>{error.message}</p>
      {children !== undefined && <div class="actions">{children}</div>}
    </section>
  );
}
