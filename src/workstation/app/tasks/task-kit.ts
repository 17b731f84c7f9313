/**
 * What each task type provides to the task screen: its draft (what the
 * annotator has entered so far), keyboard handling, the content and answer
 * panels, and the conversion of a finished draft to the label plaintext.
 * Drafts live in memory only (../drafts.ts), never in storage: free text can
 * quote the item.
 */
import type { ComponentType } from 'preact';
import type { ConversationView, PairwiseView, RankingView, TaskView } from '../../item-content.js';
import type { LabelPlaintext } from '../../../core/label-plaintext.js';

export type ViewOf<T extends TaskView['task']> = T extends 'pairwise' ? PairwiseView : T extends 'ranking' ? RankingView : ConversationView;

export interface TaskKit<V extends TaskView, D> {
  title: string;
  initial(view: V): D;
  /** Handles a key pressed outside text fields; returns the new draft, or undefined when the key is not this task's. */
  key(key: string, shift: boolean, draft: D, view: V): D | undefined;
  /** The label, or a sentence saying what is still missing. */
  label(draft: D, view: V, seconds: number): LabelPlaintext | string;
  /** Everything typed in free text, to show if the item is lost (lease expired) so nothing typed is lost. */
  typed(draft: D): string;
  Content: ComponentType<{ view: V }>;
  Answer: ComponentType<{ view: V; draft: D; setDraft: (d: D) => void }>;
  shortcuts: [keys: string, action: string][];
  guidelines: string[];
}

/** Letters that name responses on screen: A, B, C, ... */
export const letter = (i: number): string => String.fromCharCode(65 + i);
