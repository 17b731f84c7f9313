/**
 * The `{role, content, ...}` message shape shared by OpenAI chat/DPO and TRL conversational data.
 * Fields other than role and content become message attrs. Attr keys starting with "$" record how
 * the source spelled something (a "developer" role, a null content) so the round trip is exact;
 * they carry no content.
 */
import { z } from 'zod';
import type { Message, Role } from '../conversation.js';

export const chatMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.string().nullable(),
});
export type ChatMessage = z.output<typeof chatMessageSchema>;

const ROLE_OF: Record<ChatMessage['role'], Role> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
  function: 'tool',
};

export function turnOf(message: ChatMessage): { role: Role; text: string; attrs: Record<string, unknown> } {
  const { role, content, ...rest } = message;
  const attrs: Record<string, unknown> = { ...rest };
  if (ROLE_OF[role] !== role) attrs.$role = role;
  if (content === null) attrs.$contentNull = true;
  return { role: ROLE_OF[role], text: content ?? '', attrs };
}

export function chatMessageOf(message: Message): Record<string, unknown> {
  const { $role, $contentNull, ...rest } = message.attrs;
  const role = typeof $role === 'string' ? $role : message.role;
  const content = $contentNull === true && message.text === '' ? null : message.text;
  return { role, content, ...rest };
}
