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
      <textarea readOnly rows={4} value={typed} data-kept aria-label="What you typed" />
    </div>
  );
}

/**
 * `title` replaces the kind's title where the screen knows better (a refused sign-in is not a
 * sign-out); `level` 1 when the failure is the whole screen, so the page still has its h1.
 */
export function FailureCard({ error, title, level = 2, children }: { error: WorkstationError; title?: string; level?: 1 | 2; children?: ComponentChildren }) {
  const Heading = level === 1 ? 'h1' : 'h2';
  return (
    <section class={`failure failure-${error.kind}`} role="alert" data-failure={error.kind}>
      <Heading>{title ?? TITLES[error.kind]}</Heading>
      <p>{error.message}</p>
      {children !== undefined && <div class="actions">{children}</div>}
    </section>
  );
}
