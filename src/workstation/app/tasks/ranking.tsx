import { useState } from 'preact/hooks';
import { Transcript } from '../transcript.js';
import { letter, type TaskKit, type ViewOf } from './task-kit.js';

export interface RankingDraft {
  /** Candidate indexes (display order), best first. */
  order: number[];
  /** Position in `order` that the keyboard acts on. */
  selected: number;
  /** The annotator has ranked (moved something or confirmed the order as shown). */
  confirmed: boolean;
  rankable: boolean;
  reason: string;
  rationale: string;
}

function move(draft: RankingDraft, from: number, to: number): RankingDraft {
  if (to < 0 || to >= draft.order.length || from === to) return { ...draft, confirmed: true };
  const order = [...draft.order];
  const [picked] = order.splice(from, 1);
  order.splice(to, 0, picked!);
  return { ...draft, order, selected: to, confirmed: true };
}

/**
 * What is ranked is each reply itself: a tree's reply can have follow-up turns
 * under it, which were not written by the model being judged and would blur
 * what is compared (issue 16), so only the first turn of a candidate is shown,
 * after the conversation before it (the prompt).
 */
const rankedTurns = (c: ViewOf<'ranking'>['candidates'][number]) => c.turns.slice(0, 1);

function preview(view: ViewOf<'ranking'>, i: number): string {
  const text = rankedTurns(view.candidates[i]!).map((t) => t.text).join(' ').replace(/\s+/g, ' ').trim();
  return text.length > 90 ? `${text.slice(0, 90)}…` : text;
}

export const ranking: TaskKit<ViewOf<'ranking'>, RankingDraft> = {
  title: 'Rank the responses, best first',
  initial: (view) => ({ order: view.candidates.map((_, i) => i), selected: 0, confirmed: false, rankable: true, reason: '', rationale: '' }),
  key(key, shift, draft) {
    const last = draft.order.length - 1;
    if (key === 'x') return { ...draft, rankable: !draft.rankable };
    if (!draft.rankable) return undefined;
    switch (key) {
      case 'ArrowUp':
        return shift ? move(draft, draft.selected, draft.selected - 1) : { ...draft, selected: Math.max(0, draft.selected - 1) };
      case 'ArrowDown':
        return shift ? move(draft, draft.selected, draft.selected + 1) : { ...draft, selected: Math.min(last, draft.selected + 1) };
      case 'Enter':
        return { ...draft, confirmed: true };
      default:
        if (/^[1-9]$/.test(key) && Number(key) - 1 <= last) return move(draft, draft.selected, Number(key) - 1);
        return undefined;
    }
  },
  label(draft, view, seconds) {
    if (!draft.rankable) {
      if (draft.reason.trim() === '') return 'Say why the responses cannot be ranked.';
      return { v: 1, task: 'ranking', seconds, rankable: false, reason: draft.reason.trim() };
    }
    if (!draft.confirmed) return 'Rank the responses (move them, or press Enter to keep the order shown).';
    return { v: 1, task: 'ranking', seconds, rankable: true, order: draft.order.map((i) => view.candidates[i]!.key), rationale: draft.rationale.trim() };
  },
  typed: (d) => [d.reason, d.rationale].filter((t) => t !== '').join('\n\n'),
  Content({ view }) {
    return (
      <>
        <section class="prompt" aria-label="Prompt">
          <Transcript turns={view.prompt} label="Prompt" />
        </section>
        <div class="candidates">
          {view.candidates.map((c, i) => (
            <section class="response" aria-label={`Response ${letter(i)}`}>
              <h2 class="response-title">
                <span class="badge">{letter(i)}</span> Response {letter(i)}
              </h2>
              <Transcript turns={rankedTurns(c)} />
            </section>
          ))}
        </div>
      </>
    );
  },
  Answer({ view, draft, setDraft }) {
    const [dragging, setDragging] = useState<number | null>(null);
    return (
      <>
        <fieldset class="ranking" disabled={!draft.rankable}>
          <legend>Ranking, best first</legend>
          <ol class="rank-list">
            {draft.order.map((candidate, pos) => (
              <li
                key={candidate}
                class={`rank-item${pos === draft.selected ? ' selected' : ''}${dragging === pos ? ' dragging' : ''}`}
                draggable={draft.rankable}
                onDragStart={() => setDragging(pos)}
                onDragOver={(e) => e.preventDefault()}
                onDrop={() => {
                  if (dragging !== null) setDraft(move(draft, dragging, pos));
                  setDragging(null);
                }}
                onDragEnd={() => setDragging(null)}
                onClick={() => setDraft({ ...draft, selected: pos })}
                aria-current={pos === draft.selected}
              >
                <span class="rank-pos">{pos + 1}</span>
                <span class="badge">{letter(candidate)}</span>
                <span class="rank-preview">{preview(view, candidate)}</span>
                <span class="rank-buttons">
                  <button type="button" aria-label={`Move ${letter(candidate)} up`} onClick={(e) => (e.stopPropagation(), setDraft(move(draft, pos, pos - 1)))} disabled={pos === 0}>
                    ↑
                  </button>
                  <button type="button" aria-label={`Move ${letter(candidate)} down`} onClick={(e) => (e.stopPropagation(), setDraft(move(draft, pos, pos + 1)))} disabled={pos === draft.order.length - 1}>
                    ↓
                  </button>
                </span>
              </li>
            ))}
          </ol>
          <p class="hint">{draft.confirmed ? 'Ranked.' : 'Move responses, or press Enter to keep this order.'}</p>
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={!draft.rankable} onChange={(e) => setDraft({ ...draft, rankable: !e.currentTarget.checked })} />
          <span>
            Not rankable <kbd>X</kbd>
          </span>
        </label>
        {draft.rankable ? (
          <label class="field">
            <span>
              Rationale <kbd>R</kbd>
            </span>
            <textarea data-freetext rows={4} value={draft.rationale} onInput={(e) => setDraft({ ...draft, rationale: e.currentTarget.value })} placeholder="What decided the order?" />
          </label>
        ) : (
          <label class="field">
            <span>
              Why not rankable? <kbd>R</kbd>
            </span>
            <textarea data-freetext rows={3} value={draft.reason} onInput={(e) => setDraft({ ...draft, reason: e.currentTarget.value })} placeholder="e.g. all responses are identical, or none answers the prompt" />
          </label>
        )}
      </>
    );
  },
  shortcuts: [
    ['↑ ↓', 'select a response in the ranking'],
    ['Shift + ↑ ↓', 'move the selected response'],
    ['1 – 9', 'move the selected response to that place'],
    ['Enter', 'keep the order shown'],
    ['X', 'not rankable'],
  ],
  guidelines: [
    'Read every response before ranking. Best goes first.',
    'Break near-ties by honesty, then harmlessness, then helpfulness.',
    'Mark "not rankable" when the responses cannot be compared (identical, all empty, or the prompt is unreadable), and say why.',
  ],
};
