/**
 * OpenAI fine-tuning JSONL: chat (`{messages: [...]}`) and DPO
 * (`{input: {messages, ...}, preferred_output: [...], non_preferred_output: [...]}`).
 * Fields of `input` other than `messages` (tools, parallel_tool_calls) are kept as metadata
 * under "input.<name>" so the writer can put them back.
 */
import { z } from 'zod';
import { pathTo, TreeBuilder } from '../conversation.js';
import { refuse } from '../errors.js';
import { chatMessageOf, chatMessageSchema, turnOf } from './chat-messages.js';
import { isObject, restOf, type RecordFormat } from './record-format.js';
import { parseRecord } from './parse-record.js';
import { completionOf } from './trl-preference.js';

const messages = z.array(chatMessageSchema);
const chat = z.looseObject({ messages });
const dpo = z.looseObject({ input: z.looseObject({ messages }), preferred_output: messages, non_preferred_output: messages });
const DPO_LABELS = ['preferred_output', 'non_preferred_output'] as const;
const INPUT_PREFIX = 'input.';

export const openaiChat: RecordFormat = {
  name: 'openai-chat',
  looksLike(record) {
    return isObject(record) && Array.isArray(record.messages) && !('chosen' in record);
  },
  read(record) {
    const parsed = parseRecord(chat, record, 'OpenAI chat');
    const tree = new TreeBuilder();
    const leafId = tree.addPath(parsed.messages.map(turnOf), false);
    if (leafId === null) refuse('BAD_FORMAT', 'not an OpenAI chat record: messages is empty');
    return { variant: 'chat', messages: tree.build(), branches: [{ label: 'messages', leafId }], layout: { kind: 'implicit' }, metadata: restOf(parsed, ['messages']) };
  },
  write(conversation) {
    const leaf = conversation.branches[0];
    return { messages: leaf === undefined ? [] : pathTo(conversation, leaf.leafId).map(chatMessageOf), ...conversation.metadata };
  },
};

export const openaiDpo: RecordFormat = {
  name: 'openai-dpo',
  looksLike(record) {
    return isObject(record) && isObject(record.input) && Array.isArray(record.preferred_output);
  },
  read(record) {
    const parsed = parseRecord(dpo, record, 'OpenAI DPO');
    const tree = new TreeBuilder();
    const promptEndId = tree.addPath(parsed.input.messages.map(turnOf), false);
    const branches = DPO_LABELS.map((label) => {
      let leafId = promptEndId;
      for (const m of parsed[label]) {
        const turn = turnOf(m);
        leafId = tree.addChild(leafId, turn.role, turn.text, turn.attrs);
      }
      if (leafId === promptEndId || leafId === null) refuse('BAD_FORMAT', `not an OpenAI DPO record: ${label} is empty`);
      return { label, leafId };
    });
    const metadata = restOf(parsed, ['input', ...DPO_LABELS]);
    for (const [key, value] of Object.entries(restOf(parsed.input, ['messages']))) metadata[INPUT_PREFIX + key] = value;
    return { variant: 'dpo', messages: tree.build(), branches, layout: { kind: 'explicit', promptEndId }, metadata };
  },
  write(conversation) {
    const { layout } = conversation;
    const promptEndId = layout.kind === 'explicit' ? layout.promptEndId : null;
    const input: Record<string, unknown> = { messages: pathTo(conversation, promptEndId).map(chatMessageOf) };
    const out: Record<string, unknown> = { input };
    for (const [key, value] of Object.entries(conversation.metadata)) {
      if (key.startsWith(INPUT_PREFIX)) input[key.slice(INPUT_PREFIX.length)] = value;
      else out[key] = value;
    }
    for (const branch of conversation.branches) out[branch.label] = completionOf(conversation, branch.leafId, promptEndId).map(chatMessageOf);
    return out;
  },
};
