/**
 * openbmb/UltraFeedback: `{source, instruction, models, completions: [{model, principle,
 * custom_system_prompt, annotations, fine-grained_score, overall_score, critique, response}], ...}`.
 * The instruction is the user turn; each completion is an assistant reply to it, with its other
 * fields (model, scores, critique, the per-completion system prompt) as attrs.
 */
import { z } from 'zod';
import { childrenOf } from '../conversation.js';
import { refuse } from '../errors.js';
import { isObject, restOf, type RecordFormat } from './record-format.js';
import { parseRecord } from './parse-record.js';

const schema = z.looseObject({ instruction: z.string(), completions: z.array(z.looseObject({ response: z.string() })) });

export const ultrafeedback: RecordFormat = {
  name: 'ultrafeedback',
  looksLike(record) {
    return isObject(record) && typeof record.instruction === 'string' && Array.isArray(record.completions);
  },
  read(record) {
    const parsed = parseRecord(schema, record, 'UltraFeedback');
    const promptId = 'm0';
    const messages = [
      { id: promptId, parentId: null, role: 'user' as const, text: parsed.instruction, attrs: {} },
      ...parsed.completions.map((c, i) => ({ id: `m${i + 1}`, parentId: promptId, role: 'assistant' as const, text: c.response, attrs: restOf(c, ['response']) })),
    ];
    return { variant: 'completions', messages, branches: [], layout: { kind: 'explicit', promptEndId: promptId }, metadata: restOf(parsed, ['instruction', 'completions']) };
  },
  write(conversation) {
    const prompt = childrenOf(conversation, null)[0];
    if (prompt === undefined) refuse('UNSUPPORTED', 'an UltraFeedback record needs an instruction');
    const completions = childrenOf(conversation, prompt.id).map((m) => ({ ...m.attrs, response: m.text }));
    return { ...conversation.metadata, instruction: prompt.text, completions };
  },
};
