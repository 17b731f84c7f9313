/**
 * The baseline of `npm run bench:workstation` (bench/workstation.ts): the
 * app's own task views and styles rendering an item fetched as plaintext,
 * with no lease, key release, log proof or decryption. Not part of the
 * shipped bundle (build.ts builds ../index.html only).
 *
 * The bench calls `renderPlaintext(url)`, which mounts the item the way the
 * task screen does and resolves with the milliseconds from the fetch to the
 * first animation frame after the render, the same end point the bench takes
 * for the real app.
 */
import '../zod-without-eval.js';
import { render } from 'preact';
import type { TaskType } from '../../../core/campaign-manifest.js';
import { parseItemContent, taskView } from '../../item-content.js';
import { TASK_KITS } from '../task-kits.js';

const root = document.getElementById('app')!;

async function renderPlaintext(url: string, task: TaskType): Promise<number> {
  render(null, root);
  const start = performance.now();
  const response = await fetch(url, { cache: 'no-store', credentials: 'omit' });
  const view = taskView(task, parseItemContent(new Uint8Array(await response.arrayBuffer())));
  const kit = TASK_KITS[task];
  render(
    <div class="task-screen" data-phase="ready">
      <div class="work">
        <div class="work-item" aria-label="Item">
          <kit.Content view={view} />
        </div>
        <aside class="work-panel" aria-label="Your answer">
          <h2 class="panel-title">{kit.title}</h2>
          <kit.Answer view={view} draft={kit.initial(view)} setDraft={() => undefined} />
        </aside>
      </div>
    </div>,
    root,
  );
  await new Promise(requestAnimationFrame);
  return performance.now() - start;
}

(globalThis as { renderPlaintext?: typeof renderPlaintext }).renderPlaintext = renderPlaintext;
