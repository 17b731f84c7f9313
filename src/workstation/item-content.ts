/**
 * The item format itself lives in core (src/core/item-content.ts), shared
 * with the lab's ingest. Here the workstation turns its format errors into
 * the failure the annotator sees: a broken item, to skip.
 */
import type { TaskType } from '../core/campaign-manifest.js';
import { KeyholeError } from '../core/errors.js';
import * as format from '../core/item-content.js';
import { WorkstationError } from './errors.js';

export type { Candidate, ConversationView, ItemContent, PairwiseView, RankingView, TaskView, Turn } from '../core/item-content.js';

function asBrokenItem<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof KeyholeError) throw new WorkstationError('bad-item', err.message);
    throw err;
  }
}

export function parseItemContent(plaintext: Uint8Array): format.ItemContent {
  return asBrokenItem(() => format.parseItemContent(plaintext));
}

export function taskView(task: TaskType, content: format.ItemContent): format.TaskView {
  return asBrokenItem(() => format.taskView(task, content));
}
