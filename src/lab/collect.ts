/**
 * Collect, `keyhole results pull` (DESIGN §3 step 5): the campaign's
 * submissions after the stored cursor, trusting nothing the hub says. The
 * gatekeeper, which holds the keys, pulls them from the hub and checks the
 * device (enrolled there, for this vendor and annotator), the signature, the
 * HPKE opening under the campaign's result key and every binding field
 * (src/gatekeeper/admin/results.ts). Here, on the lab's side:
 *
 * - the item must be in this lab's own ledger for the campaign, with the
 *   label's digest;
 * - the plaintext must parse as a label of the campaign's task whose response
 *   names exist in the item.
 *
 * A label that fails any check is refused with the reason and kept out of
 * the results. Accepted labels are un-blinded with the item's lab-only
 * section (the A/B mapping) and stored lab-side. Labels are never logged.
 */
import { z } from 'zod';
import type { TaskType } from '../core/campaign-manifest.js';
import { parseJsonText, parseWith } from '../core/schema.js';
import { parseItemContent, taskView } from '../core/item-content.js';
import { parseLabel, type LabelPlaintext } from '../core/label-plaintext.js';
import type { GatekeeperAdminClient, OpenedSubmission } from './admin-client.js';
import type { AcceptedLabel, CampaignStore, LedgerItem, RefusedLabel } from './lab-store.js';

export interface CollectOptions {
  readonly task: TaskType;
  /** The lab's gatekeeper (admin API): pulls from the hub, checks devices and signatures, opens labels and lab sections. */
  readonly admin: GatekeeperAdminClient;
  readonly store: CampaignStore;
}

export interface CollectReport {
  readonly campaign: string;
  /** Submissions read from the hub by this pull. */
  readonly pulled: number;
  readonly accepted: number;
  readonly refused: readonly RefusedLabel[];
  /** Totals over every pull so far. */
  readonly total: { readonly accepted: number; readonly refused: number; readonly items: number; readonly itemsLabelled: number };
}

/** The lab-only section (src/minimize/lab-only.ts LabOnlySection) as collect and export read it. */
export const LabOnlySchema = z.object({
  blind: z.array(
    z.union([
      z.object({ kind: z.literal('branches'), labels: z.array(z.string()), originalLabels: z.array(z.string()) }),
      z.object({ kind: z.literal('siblings'), parentId: z.string(), originalOrder: z.array(z.number().int()) }),
    ]),
  ),
  pseudonyms: z.array(z.object({ entity: z.string(), ruleId: z.string(), surrogate: z.string(), original: z.string() })),
});
export type LabOnlyView = z.infer<typeof LabOnlySchema>;

class Refusal extends Error {}
function refuse(reason: string): never {
  throw new Refusal(reason);
}

/** The keys a label uses for the item's responses (branch labels or message ids), by task view. */
function responseKeys(task: TaskType, item: LedgerItem): string[] {
  const view = taskView(task, parseItemContent(new TextEncoder().encode(JSON.stringify(item.content))));
  if (view.task === 'pairwise') return [view.a.key, view.b.key];
  if (view.task === 'ranking') return view.candidates.map((c) => c.key);
  return [view.response.key];
}

function checkKeys(task: TaskType, label: LabelPlaintext, item: LedgerItem): void {
  if (label.task !== task) refuse(`label is for task ${label.task}, the campaign's task is ${task}`);
  const keys = responseKeys(task, item);
  const used = label.task === 'pairwise' ? [label.a, label.b] : label.task === 'ranking' ? (label.rankable ? label.order : []) : label.task === 'safety-flags' ? [] : [label.response];
  for (const k of used) if (!keys.includes(k)) refuse(`label names a response "${k.slice(0, 40)}" that item ${item.item} does not have`);
  if (label.task === 'pairwise' && label.a === label.b) refuse('label names the same response as A and B');
  if (label.task === 'ranking' && label.rankable && new Set(label.order).size !== label.order.length) refuse('ranking names a response twice');
}

/** Position key (as the annotator saw it) → the source dataset's name for that response. */
function unblinder(item: LedgerItem, labOnly: LabOnlyView): (key: string) => string {
  const branches = labOnly.blind.find((b): b is Extract<LabOnlyView['blind'][number], { kind: 'branches' }> => b.kind === 'branches');
  if (branches !== undefined) return (key) => branches.originalLabels[branches.labels.indexOf(key)] ?? key;
  const siblings = labOnly.blind.filter((b): b is Extract<LabOnlyView['blind'][number], { kind: 'siblings' }> => b.kind === 'siblings');
  if (siblings.length === 0) return (key) => key;
  const messages = (item.content.messages ?? []) as Array<{ id: string; parentId: string | null }>;
  return (key) => {
    const m = messages.find((x) => x.id === key);
    const map = m === undefined ? undefined : siblings.find((s) => s.parentId === m.parentId);
    if (m === undefined || map === undefined) return key;
    const position = messages.filter((x) => x.parentId === m.parentId).findIndex((x) => x.id === key);
    return `reply-${map.originalOrder[position] ?? position}`;
  };
}

function unblind(label: LabelPlaintext, original: (key: string) => string): AcceptedLabel['unblinded'] {
  if (label.task === 'pairwise') return { preferred: label.choice === 'tie' ? 'tie' : original(label.choice === 'A' ? label.a : label.b) };
  if (label.task === 'ranking' && label.rankable) return { order: label.order.map(original) };
  return {};
}

export async function collectResults(o: CollectOptions): Promise<CollectReport> {
  const ledger = await o.store.requireLedger();
  const campaign = o.store.campaign;
  const items = new Map(ledger.items.map((i) => [i.item, i]));
  const results = await o.store.results();
  const seenLeases = new Set(results.accepted.map((a) => a.lease));
  const refusedNow: RefusedLabel[] = [];
  let pulled = 0;
  let accepted = 0;

  /** The lab-side checks on a label the gatekeeper opened: the ledger, the task's answer keys, un-blinding. */
  const check = async (s: Extract<OpenedSubmission, { status: 'opened' }>): Promise<AcceptedLabel> => {
    const item = items.get(s.item);
    if (item === undefined) refuse(`item ${s.item} was not ingested by this lab for campaign ${campaign}`);
    if (item.digest !== s.digest) refuse(`label is bound to digest ${s.digest}, the lab sealed item ${s.item} as ${item.digest}`);
    let label: LabelPlaintext;
    try {
      label = parseLabel(s.label);
    } catch (err) {
      return refuse(`label plaintext is not a valid label: ${err instanceof Error ? err.message : String(err)}`);
    }
    checkKeys(o.task, label, item);
    const [section] = await o.admin.labSections(campaign, [{ digest: item.digest, section: item.labSection }]);
    const labOnly = parseWith(LabOnlySchema, parseJsonText(section!, 'lab section'), `lab section of ${item.item}`);
    return {
      seq: s.seq,
      item: s.item,
      lease: s.lease,
      annotator: s.annotator,
      device: s.device,
      stage: s.stage,
      submitted: s.submitted,
      label: label as unknown as Record<string, unknown>,
      unblinded: unblind(label, unblinder(item, labOnly)),
    };
  };

  let cursor = results.cursor;
  for (;;) {
    const page = await o.admin.submissions(campaign, cursor);
    for (const s of page.submissions) {
      pulled++;
      cursor = Math.max(cursor, s.seq);
      if (s.status === 'opened' && seenLeases.has(s.lease)) continue;
      try {
        if (s.status === 'refused') refuse(s.reason);
        results.accepted.push(await check(s));
        seenLeases.add(s.lease);
        accepted++;
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        const refused = { seq: s.seq, item: s.item, annotator: s.annotator, reason: err.message };
        results.refused.push(refused);
        refusedNow.push(refused);
      }
    }
    if (page.next === null || page.submissions.length === 0) break;
    cursor = Math.max(cursor, page.next);
  }
  await o.store.writeResults({ ...results, cursor });
  return {
    campaign,
    pulled,
    accepted,
    refused: refusedNow,
    total: { accepted: results.accepted.length, refused: results.refused.length, items: ledger.items.length, itemsLabelled: new Set(results.accepted.map((a) => a.item)).size },
  };
}
