/**
 * One campaign's work: lease → key → verify → show → answer → submit → next.
 * The opened item lives only in this component's state; submitting, skipping,
 * expiry and every failure replace that state, dropping the item.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { WorkstationError, isRetryable } from '../errors.js';
import { SKIP_REASONS, type LeaseGrant, type SkipReason } from '../hub-client.js';
import { openLease, renewLease, skipLease, submitLabel, takeLease, type Campaign, type OpenedItem, type Workbench } from '../task-loop.js';
import { dropDraft, draftFor, saveDraft } from './drafts.js';
import { FailureCard, KeptText } from './failure-view.js';
import { useDialogFocus, useFocusOnChange } from './focus.js';
import { Guidelines } from './guidelines.js';
import { TASK_KITS } from './task-kits.js';
import { useKeys } from './use-keys.js';

type Phase =
  | { kind: 'leasing' }
  | { kind: 'opening'; grant: LeaseGrant }
  | { kind: 'ready'; item: OpenedItem; shownAt: number }
  | { kind: 'failed'; error: WorkstationError; grant?: LeaseGrant; typed?: string };

const SKIP_NAMES: Record<SkipReason, string> = {
  'cannot-judge': 'I cannot judge this',
  'harmful-content': 'Too harmful for me to read',
  'broken-item': 'The item is broken',
  'wrong-language': 'Wrong language',
  'conflict-of-interest': 'Conflict of interest',
  other: 'Other',
};

const POLL_PENDING_MS = 4000;
const POLL_EMPTY_MS = 15000;

function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export interface Progress {
  submitted: number;
  skipped: number;
}

export function TaskScreen({ bench, campaign, onFatal, progress, onProgress }: { bench: Workbench; campaign: Campaign; onFatal: (e: WorkstationError, typed?: string) => void; progress: Progress; onProgress: (p: Progress) => void }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'leasing' });
  const [notice, setNotice] = useState<{ text: string; tone: 'info' | 'error' } | null>(null);
  const [busy, setBusy] = useState(false);
  const [skipOpen, setSkipOpen] = useState(false);
  const [guidelinesOpen, setGuidelinesOpen] = useState(false);
  const [, setTick] = useState(0);
  const [, setDraftVersion] = useState(0);
  const onTask = useRef({ seconds: 0, last: Date.now() });
  const lastActivity = useRef(Date.now());
  const renewing = useRef(false);
  const kit = TASK_KITS[campaign.manifest.body.task];
  // Focus goes to the screen's heading for each new item and each new kind of failure (not on every poll).
  const focusKey = useRef('start');
  if (phase.kind === 'ready') focusKey.current = `ready:${phase.item.grant.assignment.body.lease}`;
  else if (phase.kind === 'failed') focusKey.current = `failed:${phase.error.kind}`;
  const heading = useFocusOnChange<HTMLHeadingElement>(focusKey.current);

  /**
   * Shows a failure in place of the item. `ended` is given when the failure
   * ended an open item's lease: its draft is dropped (it can hold item text,
   * e.g. the response being rewritten) and what was typed moves to the
   * failure card, read-only. After signing out the draft stays, because the hub
   * resumes the same lease after signing in and the draft comes back with it.
   */
  function fail(error: unknown, grant?: LeaseGrant, ended?: { lease: string; typed: string }): void {
    if (!(error instanceof WorkstationError)) throw error;
    if (ended !== undefined && error.kind !== 'signed-out') dropDraft(ended.lease);
    const typed = ended?.typed;
    if (error.kind === 'signed-out' || error.kind === 'suspended') return onFatal(error, typed);
    setPhase({ kind: 'failed', error, ...(grant && { grant }), ...(typed && { typed }) });
  }

  async function next(): Promise<void> {
    setNotice(null);
    setSkipOpen(false);
    setPhase({ kind: 'leasing' });
    let grant: LeaseGrant | undefined;
    try {
      grant = await takeLease(bench, campaign);
      setPhase({ kind: 'opening', grant });
      const item = await openLease(bench, campaign, grant);
      onTask.current = { seconds: 0, last: Date.now() };
      setPhase({ kind: 'ready', item, shownAt: Date.now() });
    } catch (err) {
      fail(err, grant);
    }
  }

  useEffect(() => {
    void next();
  }, [campaign]);

  // Waiting states poll by themselves: the lab's approval, new items.
  useEffect(() => {
    if (phase.kind !== 'failed') return;
    const wait = phase.error.kind === 'device-pending' ? POLL_PENDING_MS : phase.error.kind === 'queue-empty' ? POLL_EMPTY_MS : undefined;
    if (wait === undefined) return;
    const t = setTimeout(() => void next(), wait);
    return () => clearTimeout(t);
  }, [phase]);

  // Once a second: time on task (while visible), lease expiry, renewal while the annotator is active.
  useEffect(() => {
    if (phase.kind !== 'ready') return;
    const timer = setInterval(() => {
      const now = Date.now();
      if (document.visibilityState === 'visible') onTask.current.seconds += (now - onTask.current.last) / 1000;
      onTask.current.last = now;
      setTick((t) => t + 1);
      const { item } = phase;
      const left = item.expires - bench.now();
      if (left <= 0) {
        const lease = item.grant.assignment.body.lease;
        const typed = kit.typed(draftFor(lease, () => kit.initial(item.view)));
        fail(new WorkstationError('lease-expired', `Your lease on item ${item.grant.assignment.body.item} ended, so the item was closed and its key dropped. It went back to the queue.`), undefined, { lease, typed });
        return;
      }
      const leaseSeconds = campaign.manifest.body.leaseSeconds;
      if (left < Math.max(30, leaseSeconds / 5) && now - lastActivity.current < leaseSeconds * 1000 && !renewing.current) {
        renewing.current = true;
        renewLease(bench, item.grant)
          .then((grant) => setPhase((p) => (p.kind === 'ready' && p.item === item ? { ...p, item: { ...item, grant, expires: grant.assignment.body.expires } } : p)))
          .catch(() => setNotice({ text: 'Could not extend the lease; submit soon.', tone: 'error' }))
          .finally(() => (renewing.current = false));
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [phase]);

  const item = phase.kind === 'ready' ? phase.item : undefined;
  const lease = item?.grant.assignment.body.lease;
  const draft = item ? draftFor(lease!, () => kit.initial(item.view)) : undefined;
  const setDraft = (d: unknown): void => {
    saveDraft(lease!, d);
    setDraftVersion((v) => v + 1);
  };

  async function submit(): Promise<void> {
    if (!item || busy) return;
    const label = kit.label(draft, item.view, Math.round(onTask.current.seconds));
    if (typeof label === 'string') return setNotice({ text: label, tone: 'info' });
    setBusy(true);
    setNotice({ text: 'Sealing and submitting…', tone: 'info' });
    try {
      await submitLabel(bench, item, label);
      dropDraft(lease!);
      onProgress({ ...progress, submitted: progress.submitted + 1 });
      await next();
    } catch (err) {
      if (err instanceof WorkstationError && isRetryable(err.kind)) setNotice({ text: `Not submitted. ${err.message}`, tone: 'error' });
      else fail(err, undefined, { lease: lease!, typed: kit.typed(draft) });
    } finally {
      setBusy(false);
    }
  }

  async function skip(reason: SkipReason): Promise<void> {
    const grant = item?.grant ?? (phase.kind === 'failed' || phase.kind === 'opening' ? phase.grant : undefined);
    setSkipOpen(false);
    if (!grant || busy) return;
    setBusy(true);
    try {
      await skipLease(bench, grant, reason);
      dropDraft(grant.assignment.body.lease);
      onProgress({ ...progress, skipped: progress.skipped + 1 });
      await next();
    } catch (err) {
      if (err instanceof WorkstationError && isRetryable(err.kind)) setNotice({ text: `Not skipped. ${err.message}`, tone: 'error' });
      else fail(err, undefined, item && { lease: lease!, typed: kit.typed(draft) });
    } finally {
      setBusy(false);
    }
  }

  function stepMessage(by: number): void {
    const turns = [...document.querySelectorAll<HTMLElement>('[data-turn]')];
    if (turns.length === 0) return;
    const current = turns.indexOf(document.activeElement as HTMLElement);
    const target = turns[Math.max(0, Math.min(turns.length - 1, current + by))]!;
    target.focus();
    target.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  useKeys(({ key, shift, mod, typing }) => {
    lastActivity.current = Date.now();
    if (mod && key === 'Enter') return void submit(), true;
    if (key === 'Escape') {
      if (skipOpen) return setSkipOpen(false), true;
      if (guidelinesOpen) return setGuidelinesOpen(false), true;
      if (typing) return (document.activeElement as HTMLElement).blur(), true;
      return false;
    }
    if (typing || mod) return false;
    if (skipOpen) {
      const reason = SKIP_REASONS[Number(key) - 1];
      if (reason !== undefined) return void skip(reason), true;
      return false;
    }
    if (key === 'g' || key === '?') return setGuidelinesOpen(!guidelinesOpen), true;
    if (guidelinesOpen) return false;
    if (key === 's' && (item || phase.kind === 'failed')) return setSkipOpen(true), true;
    if (key === 'n' && phase.kind === 'failed') return void next(), true;
    if (!item) return false;
    if (key === 'r') {
      document.querySelector<HTMLElement>('[data-freetext]')?.focus();
      return true;
    }
    if (key === 'j') return stepMessage(1), true;
    if (key === 'k') return stepMessage(-1), true;
    const updated = kit.key(key, shift, draft, item.view);
    if (updated === undefined) return false;
    setDraft(updated);
    return true;
  });

  const left = item ? item.expires - bench.now() : 0;
  return (
    <div class="task-screen" data-phase={phase.kind}>
      <h1 class="task-heading" tabIndex={-1} ref={heading}>
        {campaign.manifest.body.title}
        {item && <span class="task-heading-item"> · item {item.grant.assignment.body.item}</span>}
      </h1>
      <div class="status-bar" aria-label="Status">
        <span class="status-item">
          <strong>{progress.submitted}</strong> submitted · <strong>{progress.skipped}</strong> skipped
        </span>
        {item && (
          <>
            <span class="status-item" title="Time on this item">
              On task <strong data-time-on-task>{clock(onTask.current.seconds)}</strong>
            </span>
            <span class={`status-item${left < 60 ? ' warn' : ''}`} title="Your lease on this item ends in">
              Lease <strong>{clock(left)}</strong>
            </span>
          </>
        )}
        <button type="button" class="status-button" onClick={() => setGuidelinesOpen(!guidelinesOpen)} aria-expanded={guidelinesOpen}>
          Guidelines <kbd>G</kbd>
        </button>
      </div>

      {phase.kind === 'leasing' && <p class="progress-note" role="status">Asking the hub for the next item…</p>}
      {phase.kind === 'opening' && (
        <p class="progress-note" role="status">
          Fetching item {phase.grant.assignment.body.item}: asking the lab for its key and checking the transparency log proof…
        </p>
      )}
      {phase.kind === 'failed' && (
        <FailureCard {...failureShown(phase.error, progress)}>
          <KeptText typed={phase.typed} />
          {phase.grant && (
            <button type="button" onClick={() => setSkipOpen(true)}>
              Give the item back <kbd>S</kbd>
            </button>
          )}
          {phase.error.kind !== 'device-pending' && (
            <button type="button" class="primary" onClick={() => void next()}>
              {phase.error.kind === 'queue-empty' ? 'Check again' : phase.grant ? 'Try again' : 'Next item'} <kbd>N</kbd>
            </button>
          )}
        </FailureCard>
      )}
      {item && (
        <div class="work">
          <div class="work-item" aria-label="Item">
            <kit.Content view={item.view} />
          </div>
          <aside class="work-panel" aria-label="Your answer">
            <h2 class="panel-title">{kit.title}</h2>
            <kit.Answer view={item.view} draft={draft} setDraft={setDraft} />
            {notice && (
              <p class={`notice notice-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
                {notice.text}
              </p>
            )}
            <div class="actions">
              <button type="button" onClick={() => setSkipOpen(true)} disabled={busy}>
                Skip <kbd>S</kbd>
              </button>
              <button type="button" class="primary" onClick={() => void submit()} disabled={busy}>
                Submit <kbd>Ctrl ⏎</kbd>
              </button>
            </div>
          </aside>
        </div>
      )}

      {skipOpen && <SkipDialog onSkip={(r) => void skip(r)} onCancel={() => setSkipOpen(false)} />}
      {guidelinesOpen && <Guidelines kit={kit} title={campaign.manifest.body.title} onClose={() => setGuidelinesOpen(false)} />}
    </div>
  );
}

/**
 * The failure as shown. An empty queue is said in the annotator's words, not the hub's ("… for
 * annotate right now"): the hub cannot tell this client whether the campaign is finished or only
 * busy, so the card says both and keeps checking.
 */
function failureShown(error: WorkstationError, progress: Progress): { error: WorkstationError; title?: string } {
  if (error.kind !== 'queue-empty') return { error };
  const done = progress.submitted + progress.skipped > 0 ? ` You submitted ${progress.submitted} and skipped ${progress.skipped} here in this tab.` : '';
  return {
    title: 'Nothing for you in this campaign right now',
    error: new WorkstationError('queue-empty', `Every item is labelled, being labelled by someone else, or one you have already answered.${done} Items come back when someone skips or a lease ends, so this page checks again every 15 seconds; you can also choose another campaign.`),
  };
}

function SkipDialog({ onSkip, onCancel }: { onSkip: (r: SkipReason) => void; onCancel: () => void }) {
  const ref = useDialogFocus<HTMLDivElement>();
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="skip-title" ref={ref} tabIndex={-1}>
      <div class="dialog">
        <h2 id="skip-title">Why skip this item?</h2>
        <ol class="choices">
          {SKIP_REASONS.map((r, i) => (
            <li>
              <button type="button" onClick={() => onSkip(r)}>
                <kbd>{i + 1}</kbd> {SKIP_NAMES[r]}
              </button>
            </li>
          ))}
        </ol>
        <button type="button" class="quiet" onClick={onCancel}>
          Cancel <kbd>Esc</kbd>
        </button>
      </div>
    </div>
  );
}
