/**
 * The source dataset's own answer for an item, read from the minimized
 * content in the lab's ledger. Blinding (src/minimize/blind.ts) keeps the
 * branch labels in source order and moves only the responses under them, so
 * a pair format whose first label names the preferred side (hh-rlhf and TRL
 * "chosen", OpenAI DPO "preferred_output") tells the source's preference by
 * that label; un-blinded answers (collect.ts) use the same names.
 */
const PREFERRED_FIRST = new Set(['chosen', 'preferred_output']);

/** The original label of the response the source dataset preferred, or null when the format carries no preference. */
export function sourcePreferred(content: Readonly<Record<string, unknown>>): string | null {
  const branches = content.branches;
  if (!Array.isArray(branches) || branches.length !== 2) return null;
  const first = (branches[0] as { label?: unknown }).label;
  return typeof first === 'string' && PREFERRED_FIRST.has(first) ? first : null;
}
