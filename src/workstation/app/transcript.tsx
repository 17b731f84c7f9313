/** A conversation shown message by message: one card per turn, with its role and position. */
import type { Turn } from '../item-content.js';
import { Markdown } from './markdown-view.js';

const ROLE_NAMES: Record<Turn['role'], string> = { user: 'User', assistant: 'Assistant', system: 'System', tool: 'Tool' };

export function Transcript({ turns, label, offset = 0 }: { turns: Turn[]; label?: string; offset?: number }) {
  return (
    <ol class="transcript" aria-label={label}>
      {turns.map((t, i) => (
        <li key={t.id} class={`turn turn-${t.role}`} data-turn={offset + i} tabIndex={-1}>
          <div class="turn-role">{ROLE_NAMES[t.role]}</div>
          <Markdown text={t.text} />
        </li>
      ))}
    </ol>
  );
}
