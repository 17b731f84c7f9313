/**
 * OpenAssistant message trees: `{message_tree_id, ..., prompt: {message_id, text, role, ..., replies: [...]}}`.
 * Each node becomes a message whose id is its `message_id`; its other fields (lang, rank, model_name,
 * review data) become attrs in source order. `parent_id` is structure: the writer derives it from
 * the tree, on the nodes that had it.
 */
import { z } from 'zod';
import { childrenOf, type Message } from '../conversation.js';
import { refuse } from '../errors.js';
import { isObject, restOf, type RecordFormat } from './record-format.js';
import { parseRecord } from './parse-record.js';

interface OasstNode {
  message_id: string;
  text: string;
  role: 'prompter' | 'assistant';
  replies?: OasstNode[] | undefined;
  [key: string]: unknown;
}
const node: z.ZodType<OasstNode> = z.lazy(() =>
  z.looseObject({ message_id: z.string(), text: z.string(), role: z.enum(['prompter', 'assistant']), replies: z.array(node).optional() }),
);
const tree = z.looseObject({ prompt: node });
const STRUCTURE = ['message_id', 'parent_id', 'text', 'role', 'replies'];
const MAX_DEPTH = 200;

export const oasst: RecordFormat = {
  name: 'oasst',
  looksLike(record) {
    return isObject(record) && isObject(record.prompt) && typeof record.prompt.message_id === 'string';
  },
  read(record) {
    const parsed = parseRecord(tree, record, 'OASST message tree');
    const messages: Message[] = [];
    const seen = new Set<string>();
    const visit = (n: OasstNode, parentId: string | null, depth: number): void => {
      if (depth > MAX_DEPTH) refuse('BAD_FORMAT', `not an OASST tree: deeper than ${MAX_DEPTH} messages`);
      if (seen.has(n.message_id)) refuse('BAD_FORMAT', 'not an OASST tree: a message_id occurs twice');
      seen.add(n.message_id);
      const attrs = restOf(n, STRUCTURE);
      if ('parent_id' in n) attrs.$hasParentId = true;
      if (!('replies' in n)) attrs.$noReplies = true;
      messages.push({ id: n.message_id, parentId, role: n.role === 'prompter' ? 'user' : 'assistant', text: n.text, attrs });
      for (const reply of n.replies ?? []) visit(reply, n.message_id, depth + 1);
    };
    visit(parsed.prompt, null, 0);
    return { variant: 'tree', messages, branches: [], layout: { kind: 'implicit' }, metadata: restOf(parsed, ['prompt']) };
  },
  write(conversation) {
    const roots = childrenOf(conversation, null);
    const root = roots[0];
    if (root === undefined || roots.length > 1) refuse('UNSUPPORTED', 'an OASST tree needs exactly one root message');
    const render = (m: Message): Record<string, unknown> => {
      const { $hasParentId, $noReplies, ...attrs } = m.attrs;
      if (m.role !== 'user' && m.role !== 'assistant') refuse('UNSUPPORTED', `OASST has no ${m.role} messages`);
      const out: Record<string, unknown> = { message_id: m.id };
      if ($hasParentId === true && m.parentId !== null) out.parent_id = m.parentId;
      Object.assign(out, { text: m.text, role: m.role === 'user' ? 'prompter' : 'assistant' }, attrs);
      const replies = childrenOf(conversation, m.id);
      if ($noReplies !== true || replies.length > 0) out.replies = replies.map(render);
      return out;
    };
    return { ...conversation.metadata, prompt: render(root) } satisfies Record<string, unknown>;
  },
};

