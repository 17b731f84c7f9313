/**
 * Blinding: the annotator must not learn which side was preferred or how replies were ranked.
 * Pair labels (chosen/rejected, preferred/non-preferred, mapped responses) are reassigned to a
 * random permutation of the branches, and sibling replies in trees are shuffled. The mapping that
 * undoes it goes to the lab-only section. Randomness comes from the CSPRNG: the vendor cannot
 * predict it, and the lab does not need to recompute it.
 */
import { randomInt } from 'node:crypto';
import type { Conversation, Message } from './conversation.js';
import type { BlindMapping } from './lab-only.js';

function permutation(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export function blind(conversation: Conversation): { conversation: Conversation; mapping: BlindMapping[] } {
  const mapping: BlindMapping[] = [];
  if (conversation.branches.length >= 2) {
    const order = permutation(conversation.branches.length);
    const labels = conversation.branches.map((b) => b.label);
    const branches = labels.map((label, i) => ({ label, leafId: conversation.branches[order[i]!]!.leafId }));
    mapping.push({ kind: 'branches', labels, originalLabels: order.map((k) => labels[k]!) });
    return { conversation: { ...conversation, branches }, mapping };
  }
  const byParent = new Map<string, Message[]>();
  for (const m of conversation.messages) {
    if (m.parentId === null) continue;
    const list = byParent.get(m.parentId) ?? [];
    list.push(m);
    byParent.set(m.parentId, list);
  }
  const position = new Map<string, number>();
  for (const [parentId, children] of byParent) {
    if (children.length < 2) continue;
    const order = permutation(children.length);
    order.forEach((original, i) => position.set(children[original]!.id, i));
    mapping.push({ kind: 'siblings', parentId, originalOrder: order });
  }
  if (mapping.length === 0) return { conversation, mapping };
  // Stable sort by new sibling position; messages without siblings keep their place.
  const indexed = conversation.messages.map((m, i) => ({ m, key: position.has(m.id) ? position.get(m.id)! : -1, i }));
  const sortedSlots = [...indexed].filter((x) => x.key >= 0);
  const groups = new Map<string | null, typeof sortedSlots>();
  for (const x of sortedSlots) groups.set(x.m.parentId, [...(groups.get(x.m.parentId) ?? []), x]);
  const messages = [...conversation.messages];
  for (const group of groups.values()) {
    const slots = group.map((x) => x.i).sort((a, b) => a - b);
    const ordered = [...group].sort((a, b) => a.key - b.key);
    slots.forEach((slot, k) => (messages[slot] = ordered[k]!.m));
  }
  return { conversation: { ...conversation, messages }, mapping };
}
