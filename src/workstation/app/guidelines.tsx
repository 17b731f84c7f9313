import type { TaskView } from '../item-content.js';
import { useDialogFocus } from './focus.js';
import type { TaskKit } from './tasks/task-kit.js';

const COMMON_SHORTCUTS: [string, string][] = [
  ['Ctrl ⏎', 'submit'],
  ['S', 'skip, with a reason'],
  ['R', 'type in the text field; Esc leaves it'],
  ['J / K', 'next / previous message'],
  ['G or ?', 'these guidelines'],
];

export function Guidelines({ kit, title, onClose }: { kit: TaskKit<TaskView, unknown>; title: string; onClose: () => void }) {
  const ref = useDialogFocus<HTMLDivElement>();
  return (
    <div class="guidelines" role="dialog" aria-modal="true" aria-labelledby="guidelines-title" ref={ref} tabIndex={-1}>
      <header>
        <h2 id="guidelines-title">Guidelines</h2>
        <button type="button" class="quiet" onClick={onClose}>
          Close <kbd>Esc</kbd>
        </button>
      </header>
      <p class="guidelines-campaign">{title}</p>
      <ul>
        {kit.guidelines.map((g) => (
          <li>{g}</li>
        ))}
      </ul>
      <h3>Keys</h3>
      <dl class="shortcuts">
        {[...kit.shortcuts, ...COMMON_SHORTCUTS].map(([k, a]) => (
          <>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{a}</dd>
          </>
        ))}
      </dl>
    </div>
  );
}
