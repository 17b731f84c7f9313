import type { TaskType } from '../../core/campaign-manifest.js';
import type { TaskView } from '../item-content.js';
import { pairwise } from './tasks/pairwise.js';
import { ranking } from './tasks/ranking.js';
import { rubric } from './tasks/rubric.js';
import { safetyFlags } from './tasks/safety-flags.js';
import { sftRewrite } from './tasks/sft-rewrite.js';
import type { TaskKit } from './tasks/task-kit.js';

export const TASK_KITS: Record<TaskType, TaskKit<TaskView, unknown>> = {
  pairwise: pairwise as unknown as TaskKit<TaskView, unknown>,
  ranking: ranking as unknown as TaskKit<TaskView, unknown>,
  rubric: rubric as unknown as TaskKit<TaskView, unknown>,
  'sft-rewrite': sftRewrite as unknown as TaskKit<TaskView, unknown>,
  'safety-flags': safetyFlags as unknown as TaskKit<TaskView, unknown>,
};
