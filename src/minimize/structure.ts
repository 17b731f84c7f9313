/**
 * Structural minimization: removes every part of a record the task's `keep` list does not name.
 * System and tool messages are removed from the tree (their children move up), attrs and metadata
 * are filtered by field class, <think> blocks go with "reasoning", and source message ids are
 * replaced by positional ones unless metadata is kept (ids can link back to a public dataset).
 */
import type { Conversation, Message } from './conversation.js';
import { fieldOfKey } from './field-classes.js';
import type { Field } from './policy-schema.js';

const THINK_BLOCK = /<think(?:ing)?>[\s\S]*?(?:<\/think(?:ing)?>|$)/g;

export interface StructureResult {
  readonly conversation: Conversation;
  /** How many of each field class were removed, e.g. { system: 1, model_name: 3 }. */
  readonly dropped: Record<string, number>;
}

function filterObject(obj: Readonly<Record<string, unknown>>, keep: ReadonlySet<Field>, dropped: Record<string, number>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const field = fieldOfKey(key);
    if (field === 'structure' || keep.has(field)) out[key] = value;
    else dropped[field] = (dropped[field] ?? 0) + 1;
  }
  return out;
}

export function applyKeep(conversation: Conversation, keepList: readonly Field[]): StructureResult {
  const keep = new Set(keepList);
  const dropped: Record<string, number> = {};
  const byId = new Map(conversation.messages.map((m) => [m.id, m]));
  const removed = new Set<string>();
  for (const m of conversation.messages) {
    if ((m.role === 'system' && !keep.has('system')) || (m.role === 'tool' && !keep.has('tool'))) {
      removed.add(m.id);
      dropped[m.role] = (dropped[m.role] ?? 0) + 1;
    }
  }
  const survivor = (id: string | null): string | null => {
    let cursor = id;
    while (cursor !== null && removed.has(cursor)) cursor = byId.get(cursor)?.parentId ?? null;
    return cursor;
  };
  const renumber = !keep.has('metadata');
  const newId = new Map<string, string>();
  const messages: Message[] = [];
  for (const m of conversation.messages) {
    if (removed.has(m.id)) continue;
    newId.set(m.id, renumber ? `m${newId.size}` : m.id);
  }
  const mapId = (id: string | null): string | null => {
    const kept = survivor(id);
    return kept === null ? null : newId.get(kept) ?? null;
  };
  for (const m of conversation.messages) {
    if (removed.has(m.id)) continue;
    let text = m.text;
    if (!keep.has('reasoning') && text.includes('<think')) {
      text = text.replace(THINK_BLOCK, '');
      dropped.reasoning = (dropped.reasoning ?? 0) + 1;
    }
    messages.push({ id: newId.get(m.id)!, parentId: mapId(m.parentId), role: m.role, text, attrs: filterObject(m.attrs, keep, dropped) });
  }
  const branches = conversation.branches.flatMap((b) => {
    const leafId = mapId(b.leafId);
    return leafId === null ? [] : [{ label: b.label, leafId }];
  });
  const layout = conversation.layout.kind === 'explicit' ? { kind: 'explicit' as const, promptEndId: mapId(conversation.layout.promptEndId) } : conversation.layout;
  return { conversation: { variant: conversation.variant, messages, branches, layout, metadata: filterObject(conversation.metadata, keep, dropped) }, dropped };
}
