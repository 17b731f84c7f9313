/**
 * The canonical conversation model every reader produces and every writer consumes.
 *
 * A record is a tree of messages (so pairs, rankings and multi-turn chats all fit) plus the
 * record-level fields that are not conversation (`metadata`). Branches name leaves: a preference
 * pair is two branches ("chosen", "rejected") that share their prompt prefix.
 */
export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface Message {
  /** Unique within the record. Readers keep a source id when the format has one (OASST). */
  readonly id: string;
  readonly parentId: string | null;
  readonly role: Role;
  readonly text: string;
  /** Format-specific fields of the message other than its role and text, in source order. */
  readonly attrs: Readonly<Record<string, unknown>>;
}

export interface Branch {
  /** The position's name in the source format, e.g. "chosen", "rejected", "preferred_output". */
  readonly label: string;
  readonly leafId: string;
}

/**
 * Where the prompt ends for formats that store prompt and completions apart (TRL explicit prompt,
 * OpenAI DPO). `null` is an empty prompt; "implicit" formats repeat the prompt in every branch.
 */
export type Layout = { readonly kind: 'implicit' } | { readonly kind: 'explicit'; readonly promptEndId: string | null };

export interface Conversation {
  /** The source format's sub-shape (e.g. TRL "conversational"), so the writer can emit the same shape. */
  readonly variant: string;
  readonly messages: readonly Message[];
  readonly branches: readonly Branch[];
  readonly layout: Layout;
  /** Record-level fields that are not part of the conversation, in source order. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Messages from the root down to `leafId`, root first. */
export function pathTo(conversation: Conversation, leafId: string | null): Message[] {
  const byId = new Map(conversation.messages.map((m) => [m.id, m]));
  const path: Message[] = [];
  let cursor = leafId === null ? undefined : byId.get(leafId);
  while (cursor !== undefined) {
    path.push(cursor);
    cursor = cursor.parentId === null ? undefined : byId.get(cursor.parentId);
  }
  return path.reverse();
}

/** Children of `parentId` in message order (the order writers emit). */
export function childrenOf(conversation: Conversation, parentId: string | null): Message[] {
  return conversation.messages.filter((m) => m.parentId === parentId);
}

/**
 * Builds the tree for formats that repeat the shared prompt in every branch (hh-rlhf, TRL implicit):
 * equal leading turns become one node, so a detector sees a shared turn once and both sides of a
 * pair get the same surrogates.
 */
export class TreeBuilder {
  private readonly messages: Message[] = [];
  private readonly childIndex = new Map<string, string>();

  /** Adds one path, sharing equal prefixes with earlier paths; returns the leaf's id (null if empty). */
  addPath(turns: ReadonlyArray<{ role: Role; text: string; attrs?: Record<string, unknown> }>, share: boolean): string | null {
    let parentId: string | null = null;
    let diverged = !share;
    for (const turn of turns) {
      const attrs = turn.attrs ?? {};
      const key: string = `${parentId ?? ''}\u0000${turn.role}\u0000${turn.text}\u0000${JSON.stringify(attrs)}`;
      const existing: string | undefined = diverged ? undefined : this.childIndex.get(key);
      if (existing !== undefined) {
        parentId = existing;
        continue;
      }
      diverged = true;
      const id = `m${this.messages.length}`;
      this.messages.push({ id, parentId, role: turn.role, text: turn.text, attrs });
      this.childIndex.set(key, id);
      parentId = id;
    }
    return parentId;
  }

  /** Adds one message under a given parent without sharing; returns its id. */
  addChild(parentId: string | null, role: Role, text: string, attrs: Record<string, unknown> = {}): string {
    const id = `m${this.messages.length}`;
    this.messages.push({ id, parentId, role, text, attrs });
    return id;
  }

  build(): Message[] {
    return [...this.messages];
  }
}
