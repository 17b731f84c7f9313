/**
 * Labels the log says exist but the hub did not deliver. A workstation
 * submits a label to the hub first and then sends the same sealed label to
 * the gatekeeper as its submit receipt (src/workstation/task-loop.ts), which
 * logs it (SPEC §11.4). So every release the gatekeeper marked submitted is a
 * label the hub held; if the lab's collected results have no label for that
 * release, the hub lost it, withheld it, or was rolled back. The lab cannot
 * be shown a consistent past by a hub that rewinds its database.
 */
import type { SubmitReceipt } from './admin-client.js';
import type { Results } from './lab-store.js';

export interface MissingLabel {
  readonly item: string;
  readonly lease: string;
  /** "<vendor>:<annotator>", the log's form. */
  readonly annotator: string;
  /** Unix seconds of the submit receipt. */
  readonly receiptAt: number;
}

/** `receipts`: the gatekeeper's logged submit receipts for the campaign (admin API). */
export function labelsMissingAtHub(receipts: readonly SubmitReceipt[], results: Results): MissingLabel[] {
  const delivered = new Set(results.accepted.map((a) => a.lease));
  const refused = new Set(results.refused.map((r) => `${r.item}\0${r.annotator}`));
  return receipts.filter((r) => !delivered.has(r.lease) && !refused.has(`${r.item}\0${r.annotator}`));
}
