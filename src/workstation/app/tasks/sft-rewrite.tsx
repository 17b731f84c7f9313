import { Transcript } from '../transcript.js';
import type { TaskKit, ViewOf } from './task-kit.js';

export interface SftDraft {
  rewrite: string;
}

export const sftRewrite: TaskKit<ViewOf<'sft-rewrite'>, SftDraft> = {
  title: 'Write the ideal response',
  initial: () => ({ rewrite: '' }),
  key(key, _shift, draft, view) {
    // Start from the original: copies it into an empty editor.
    if (key === 'c' && draft.rewrite === '') return { rewrite: view.response.turns.map((t) => t.text).join('\n\n') };
    return undefined;
  },
  label(draft, view, seconds) {
    if (draft.rewrite.trim() === '') return 'Write the ideal response.';
    return { v: 1, task: 'sft-rewrite', seconds, response: view.response.key, rewrite: draft.rewrite };
  },
  typed: (d) => d.rewrite,
  Content({ view }) {
    return (
      <section class="conversation" aria-label="Conversation">
        <Transcript turns={view.turns} label="Conversation" />
      </section>
    );
  },
  Answer({ view, draft, setDraft }) {
    return (
      <>
        <label class="field grow">
          <span>
            Ideal response <kbd>R</kbd>
          </span>
          <textarea data-freetext rows={14} value={draft.rewrite} onInput={(e) => setDraft({ rewrite: e.currentTarget.value })} placeholder="Write the response the assistant should have given. Markdown is fine." />
        </label>
        <p class="hint">
          {draft.rewrite === '' ? (
            <>
              Press <kbd>C</kbd> to start from the original response, or{' '}
              <button type="button" class="link-button" onClick={() => setDraft({ rewrite: view.response.turns.map((t) => t.text).join('\n\n') })}>
                copy it
              </button>
              .
            </>
          ) : (
            `${draft.rewrite.length} characters`
          )}
        </p>
      </>
    );
  },
  shortcuts: [
    ['C', 'start from the original response'],
    ['R', 'go to the editor'],
  ],
  guidelines: [
    'Rewrite the last assistant response as the ideal answer to the conversation so far.',
    'Keep what is right in the original; fix errors, omissions, tone and format.',
    'Do not add facts you cannot verify. Refuse only what must be refused, and say why briefly.',
  ],
};
