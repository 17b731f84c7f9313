/**
 * The item plaintext as the workstation receives it: UTF-8 JSON of one
 * minimized record in the canonical conversation model (a tree of messages
 * plus named branches; src/minimize/conversation.ts), and the view each task
 * type shows of it.
 *
 * - pairwise: the shared prompt, then branches[0] as A and branches[1] as B;
 * - ranking: the shared prompt, then every branch (or, for trees without
 *   branches, the sibling replies under the first message that has several);
 * - rubric, sft-rewrite, safety-flags: one conversation, root to the first
 *   branch's leaf (or down the first child), whose last assistant message is
 *   the response being rated or rewritten.
 *
 * The lab checks at ingest that every item renders as its task, and the
 * workstation checks again after opening it: one format, one parser, both
 * sides. Errors are BAD_FORMAT, say what a person can do, and never quote the
 * plaintext.
 */
import { z } from 'zod';
import type { TaskType } from './campaign-manifest.js';
import { fromUtf8 } from './bytes.js';
import { fail } from './errors.js';
import { parseJsonText } from './schema.js';

const Message = z.object({
  id: z.string().min(1).max(256),
  parentId: z.string().min(1).max(256).nullable(),
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  text: z.string(),
});
const Branch = z.object({ label: z.string().min(1).max(256), leafId: z.string().min(1).max(256) });

export const ItemContent = z.object({
  messages: z.array(Message).min(1).max(10_000),
  branches: z.array(Branch).max(64).default([]),
});
export type ItemContent = z.infer<typeof ItemContent>;
export type Turn = z.infer<typeof Message>;

export interface Candidate {
  /** The name the label uses for this response: the branch label, or the message id. */
  key: string;
  turns: Turn[];
}

export interface PairwiseView { task: 'pairwise'; prompt: Turn[]; a: Candidate; b: Candidate }
export interface RankingView { task: 'ranking'; prompt: Turn[]; candidates: Candidate[] }
/** Rubric, SFT rewrite and safety flags: one conversation and the response it ends with. */
export interface ConversationView { task: 'rubric' | 'sft-rewrite' | 'safety-flags'; turns: Turn[]; response: Candidate }
export type TaskView = PairwiseView | RankingView | ConversationView;

export function parseItemContent(plaintext: Uint8Array): ItemContent {
  let json: unknown;
  try {
    json = parseJsonText(fromUtf8(plaintext, 'item'), 'item');
  } catch {
    fail('BAD_FORMAT', 'The item is not valid JSON. Skip it as a broken item.');
  }
  const parsed = ItemContent.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail('BAD_FORMAT', `The item does not have the expected shape (${issue.path.join('.') || 'top level'}: ${issue.message}). Skip it as a broken item.`);
  }
  return parsed.data;
}

function pathTo(byId: Map<string, Turn>, leafId: string): Turn[] {
  const path: Turn[] = [];
  const seen = new Set<string>();
  let cursor = byId.get(leafId);
  while (cursor !== undefined && !seen.has(cursor.id)) {
    seen.add(cursor.id);
    path.push(cursor);
    cursor = cursor.parentId === null ? undefined : byId.get(cursor.parentId);
  }
  return path.reverse();
}

function commonPrefix(paths: Turn[][]): number {
  let n = 0;
  while (paths.every((p) => p[n] !== undefined && p[n]!.id === paths[0]![n]!.id)) n++;
  return n;
}

function firstChildPath(content: ItemContent, from: Turn | undefined): Turn[] {
  const out: Turn[] = [];
  const seen = new Set<string>();
  let cursor = from ?? content.messages.find((m) => m.parentId === null);
  while (cursor !== undefined && !seen.has(cursor.id)) {
    seen.add(cursor.id);
    out.push(cursor);
    const id: string = cursor.id;
    cursor = content.messages.find((m) => m.parentId === id);
  }
  return out;
}

function branchCandidates(content: ItemContent): { prompt: Turn[]; candidates: Candidate[] } | undefined {
  const byId = new Map(content.messages.map((m) => [m.id, m]));
  if (content.branches.length >= 2) {
    const paths = content.branches.map((b) => pathTo(byId, b.leafId));
    const shared = commonPrefix(paths);
    return { prompt: paths[0]!.slice(0, shared), candidates: content.branches.map((b, i) => ({ key: b.label, turns: paths[i]!.slice(shared) })) };
  }
  for (const parent of content.messages) {
    const children = content.messages.filter((m) => m.parentId === parent.id);
    if (children.length >= 2) {
      return { prompt: pathTo(byId, parent.id), candidates: children.map((c) => ({ key: c.id, turns: firstChildPath(content, c) })) };
    }
  }
  return undefined;
}

export function taskView(task: TaskType, content: ItemContent): TaskView {
  if (task === 'pairwise' || task === 'ranking') {
    const found = branchCandidates(content);
    if (found === undefined || found.candidates.some((c) => c.turns.length === 0)) {
      fail('BAD_FORMAT', `This item has no responses to compare, so it cannot be a ${task} task. Skip it as a broken item.`);
    }
    if (task === 'ranking') return { task, ...found };
    if (found.candidates.length !== 2) fail('BAD_FORMAT', `A pairwise item needs two responses; this one has ${found.candidates.length}. Skip it as a broken item.`);
    return { task, prompt: found.prompt, a: found.candidates[0]!, b: found.candidates[1]! };
  }
  const byId = new Map(content.messages.map((m) => [m.id, m]));
  const turns = content.branches.length > 0 ? pathTo(byId, content.branches[0]!.leafId) : firstChildPath(content, undefined);
  // No root (every message names a parent that is not there) or a branch to no message: nothing to show.
  if (turns.length === 0) fail('BAD_FORMAT', `This item has no conversation to show, so it cannot be a ${task} task. Skip it as a broken item.`);
  const last = [...turns].reverse().find((t) => t.role === 'assistant') ?? turns[turns.length - 1]!;
  return { task, turns, response: { key: content.branches[0]?.label ?? last.id, turns: [last] } };
}
