import { useLayoutEffect, useRef } from 'preact/hooks';
import { Transcript } from '../transcript.js';
import type { TaskKit, ViewOf } from './task-kit.js';

export interface PairwiseDraft {
  /** −3 A much better … 0 tie … +3 B much better; null until chosen. */
  strength: number | null;
  rationale: string;
}

const SCALE: [number, string][] = [
  [-3, 'A much better'],
  [-2, 'A clearly better'],
  [-1, 'A slightly better'],
  [0, 'Tie'],
  [1, 'B slightly better'],
  [2, 'B clearly better'],
  [3, 'B much better'],
];

const clamp = (n: number): number => Math.max(-3, Math.min(3, n));

export const pairwise: TaskKit<ViewOf<'pairwise'>, PairwiseDraft> = {
  title: 'Which response is better?',
  initial: () => ({ strength: null, rationale: '' }),
  key(key, _shift, draft) {
    const s = draft.strength;
    switch (key) {
      case 'a':
        return { ...draft, strength: s !== null && s < 0 ? s : -2 };
      case 'b':
        return { ...draft, strength: s !== null && s > 0 ? s : 2 };
      case 't':
        return { ...draft, strength: 0 };
      case '1':
      case '2':
      case '3':
        return s === null || s === 0 ? draft : { ...draft, strength: Math.sign(s) * Number(key) };
      case 'ArrowLeft':
        return { ...draft, strength: clamp((s ?? 0) - 1) };
      case 'ArrowRight':
        return { ...draft, strength: clamp((s ?? 0) + 1) };
      default:
        return undefined;
    }
  },
  label(draft, view, seconds) {
    if (draft.strength === null) return 'Choose A, B or tie.';
    const choice = draft.strength < 0 ? 'A' : draft.strength > 0 ? 'B' : 'tie';
    return { v: 1, task: 'pairwise', seconds, a: view.a.key, b: view.b.key, choice, strength: draft.strength, rationale: draft.rationale.trim() };
  },
  typed: (d) => d.rationale,
  Content({ view }) {
    return (
      <>
        <section class="prompt" aria-label="Prompt">
          <Transcript turns={view.prompt} label="Prompt" />
        </section>
        <div class="pair">
          <section class="response" aria-label="Response A">
            <h2 class="response-title">
              <span class="badge">A</span> Response A
            </h2>
            <Transcript turns={view.a.turns} offset={view.prompt.length} />
          </section>
          <section class="response" aria-label="Response B">
            <h2 class="response-title">
              <span class="badge">B</span> Response B
            </h2>
            <Transcript turns={view.b.turns} offset={view.prompt.length + view.a.turns.length} />
          </section>
        </div>
      </>
    );
  },
  Answer({ draft, setDraft }) {
    const group = useRef<HTMLDivElement>(null);
    // A radio group is one tab stop: the chosen step (or the tie before a choice); arrow keys move the
    // choice (task-screen's key handler) and focus follows it when focus is in the group.
    useLayoutEffect(() => {
      if (group.current?.contains(document.activeElement)) group.current.querySelector<HTMLElement>('[aria-checked="true"]')?.focus();
    }, [draft.strength]);
    const focusable = draft.strength ?? 0;
    return (
      <>
        <fieldset class="scale">
          <legend>Preference</legend>
          <div class="scale-row" role="radiogroup" aria-label="Preference, from A much better to B much better" ref={group}>
            {SCALE.map(([value, name]) => (
              <button
                type="button"
                role="radio"
                aria-checked={draft.strength === value}
                aria-label={name}
                tabIndex={value === focusable ? 0 : -1}
                class={`scale-step${draft.strength === value ? ' selected' : ''}${value === 0 ? ' tie' : ''}`}
                title={name}
                data-strength={value}
                onClick={() => setDraft({ ...draft, strength: value })}
              >
                <span class="scale-value" aria-hidden="true">
                  {value === 0 ? '=' : value < 0 ? `A${'+'.repeat(-value)}` : `B${'+'.repeat(value)}`}
                </span>
              </button>
            ))}
          </div>
          <p class="scale-caption" aria-live="polite">
            {draft.strength === null ? 'Not chosen yet' : SCALE.find(([v]) => v === draft.strength)![1]}
          </p>
        </fieldset>
        <label class="field">
          <span>
            Rationale <kbd>R</kbd>
          </span>
          <textarea data-freetext rows={5} value={draft.rationale} onInput={(e) => setDraft({ ...draft, rationale: e.currentTarget.value })} placeholder="Why is one response better?" />
        </label>
      </>
    );
  },
  shortcuts: [
    ['A / B / T', 'A better, B better, tie'],
    ['1 2 3', 'slightly, clearly, much better'],
    ['← →', 'move along the scale'],
  ],
  guidelines: [
    'Read the prompt, then both responses in full before choosing.',
    'Prefer the response that is more helpful, honest and harmless, in that order of weight unless the campaign says otherwise.',
    'Use tie only when neither is better in any way that matters; use "slightly" for small differences.',
    'Write a short rationale naming the decisive difference.',
  ],
};
