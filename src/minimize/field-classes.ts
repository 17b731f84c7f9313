/** Which policy field a record's metadata key or a message attr belongs to. Unknown keys are metadata. */
import type { Field } from './policy-schema.js';

const MODEL = /^(?:model|model_name|models|model_id|engine|generator)$/i;
const LABELS = /(?:^|_|-)(?:rank|ranks|score|scores|rating|ratings|annotations|critique|label|labels|review_result|review_count|emojis|preference|chosen_score|rejected_score)$|^(?:fine-grained_score|overall_score|score_chosen|score_rejected|answer_matching_behavior|answer_not_matching_behavior)$/i;
const TOOL = /^(?:tool_calls|tool_call_id|function_call|tools|input\.tools|parallel_tool_calls|input\.parallel_tool_calls|functions)$/;
const REASONING = /^(?:reasoning|reasoning_content|thinking|chain_of_thought)$/;
const SYSTEM = /^(?:custom_system_prompt|system_prompt|system)$/;

export function fieldOfKey(key: string): Field | 'structure' {
  if (key.startsWith('$')) return 'structure';
  if (MODEL.test(key)) return 'model_name';
  if (LABELS.test(key)) return 'labels';
  if (TOOL.test(key)) return 'tool';
  if (REASONING.test(key)) return 'reasoning';
  if (SYSTEM.test(key)) return 'system';
  return 'metadata';
}
