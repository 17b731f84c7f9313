/**
 * Rule: the assignment's digest names an item the lab registered, and the
 * assignment's lab, campaign and item ids are that item's. The hub's word is
 * taken for nothing else: batch, key slot and tripwire come from the registry.
 * Codes: ITEM_UNKNOWN, ITEM_MISMATCH.
 */
import { deny, type Denial } from '../reasons.js';
import type { ReleaseFacts } from './facts.js';

export function checkItemKnown(f: ReleaseFacts): Denial | undefined {
  const a = f.assignment;
  if (!f.item) return deny('ITEM_UNKNOWN', `no item with digest ${a.digest} is registered at this gatekeeper`);
  if (f.item.lab !== a.lab || f.item.campaign !== a.campaign || f.item.item !== a.item) {
    return deny('ITEM_MISMATCH', `digest ${a.digest} is item ${f.item.campaign}/${f.item.item}, the assignment says ${a.campaign}/${a.item}`);
  }
  return undefined;
}
