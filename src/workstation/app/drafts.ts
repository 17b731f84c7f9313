/**
 * Drafts by lease, in memory only. A draft outlives every failure of the
 * loop (hub unreachable, key refused, lease expired, a re-render after an
 * error), so nothing typed is lost while the tab is open. Drafts are never
 * written to sessionStorage or IndexedDB: a rationale or a rewrite can quote
 * the item, and the item's plaintext must not reach storage.
 */
const drafts = new Map<string, unknown>();

export function draftFor<D>(lease: string, initial: () => D): D {
  if (!drafts.has(lease)) drafts.set(lease, initial());
  return drafts.get(lease) as D;
}

export function saveDraft(lease: string, draft: unknown): void {
  drafts.set(lease, draft);
}

export function dropDraft(lease: string): void {
  drafts.delete(lease);
}
