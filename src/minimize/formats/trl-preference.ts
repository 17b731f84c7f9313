/**
 * TRL preference data, all four shapes: standard (strings) or conversational (message lists), each
 * with an explicit `prompt` or with the prompt repeated inside `chosen`/`rejected` (implicit).
 * A standard string is one message: the prompt a user turn, each completion an assistant turn.
 */
import { z } from 'zod';
import { pathTo, TreeBuilder, type Conversation, type Message } from '../conversation.js';
import { refuse } from '../errors.js';
import { chatMessageOf, chatMessageSchema, turnOf } from './chat-messages.js';
import { isObject, restOf, type RecordFormat } from './record-format.js';
import { parseRecord } from './parse-record.js';

const LABELS = ['chosen', 'rejected'] as const;
const standard = z.looseObject({ prompt: z.string().optional(), chosen: z.string(), rejected: z.string() });
const messages = z.array(chatMessageSchema);
const conversational = z.looseObject({ prompt: messages.optional(), chosen: messages, rejected: messages });

function completionOf(conversation: Conversation, leafId: string, promptEndId: string | null): Message[] {
  const path = pathTo(conversation, leafId);
  const start = promptEndId === null ? 0 : path.findIndex((m) => m.id === promptEndId) + 1;
  return path.slice(start);
}

export const trlPreference: RecordFormat = {
  name: 'trl-preference',
  looksLike(record) {
    if (!isObject(record)) return false;
    const { chosen, rejected } = record;
    if (typeof chosen === 'string' && typeof rejected === 'string') return !/^\s*Human:|\n\nHuman:/.test(chosen);
    return Array.isArray(chosen) && Array.isArray(rejected);
  },
  read(record) {
    const isStandard = isObject(record) && typeof record.chosen === 'string';
    const tree = new TreeBuilder();
    if (isStandard) {
      const parsed = parseRecord(standard, record, 'TRL standard preference');
      const metadata = restOf(parsed, ['prompt', ...LABELS]);
      if (parsed.prompt === undefined) {
        const branches = LABELS.map((label) => ({ label, leafId: tree.addChild(null, 'assistant', parsed[label]) }));
        return { variant: 'standard', messages: tree.build(), branches, layout: { kind: 'implicit' }, metadata };
      }
      const promptEndId = tree.addChild(null, 'user', parsed.prompt);
      const branches = LABELS.map((label) => ({ label, leafId: tree.addChild(promptEndId, 'assistant', parsed[label]) }));
      return { variant: 'standard', messages: tree.build(), branches, layout: { kind: 'explicit', promptEndId }, metadata };
    }
    const parsed = parseRecord(conversational, record, 'TRL conversational preference');
    const metadata = restOf(parsed, ['prompt', ...LABELS]);
    if (parsed.prompt === undefined) {
      const branches = LABELS.map((label) => {
        const leafId = tree.addPath(parsed[label].map(turnOf), true);
        if (leafId === null) refuse('BAD_FORMAT', `not a TRL preference record: ${label} is empty`);
        return { label, leafId };
      });
      return { variant: 'conversational', messages: tree.build(), branches, layout: { kind: 'implicit' }, metadata };
    }
    const promptEndId = tree.addPath(parsed.prompt.map(turnOf), false);
    const branches = LABELS.map((label) => {
      let leafId = promptEndId;
      for (const m of parsed[label]) {
        const turn = turnOf(m);
        leafId = tree.addChild(leafId, turn.role, turn.text, turn.attrs);
      }
      if (leafId === promptEndId || leafId === null) refuse('BAD_FORMAT', `not a TRL preference record: ${label} is empty`);
      return { label, leafId };
    });
    return { variant: 'conversational', messages: tree.build(), branches, layout: { kind: 'explicit', promptEndId }, metadata };
  },
  write(conversation) {
    const out: Record<string, unknown> = {};
    const { layout } = conversation;
    const asStandard = conversation.variant === 'standard';
    const render = (list: Message[]): unknown => (asStandard ? list.map((m) => m.text).join('') : list.map(chatMessageOf));
    if (layout.kind === 'explicit') out.prompt = render(pathTo(conversation, layout.promptEndId));
    for (const branch of conversation.branches) {
      out[branch.label] = render(layout.kind === 'explicit' ? completionOf(conversation, branch.leafId, layout.promptEndId) : pathTo(conversation, branch.leafId));
    }
    return { ...out, ...conversation.metadata };
  },
};

export { completionOf };
