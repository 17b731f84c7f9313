/**
 * Collect, `keyhole results pull` (DESIGN §3 step 5): fetch the campaign's
 * submissions from the hub after the stored cursor and, for each one, trust
 * nothing the hub says:
 *
 * - the device must be enrolled at the lab's own gatekeeper (its public keys
 *   come from there, not from the hub), for this vendor and this annotator;
 * - the device's signature over the sealed label must verify, and the label
 *   must open under the campaign's result key (HPKE info binds it to lab,
 *   campaign, item, digest, lease, annotator and device);
 * - every binding field must match the submission and the lab's own ledger
 *   (the item was ingested for this campaign, with this digest);
 * - the plaintext must parse as a label of the campaign's task whose response
 *   names exist in the item.
 *
 * A label that fails any check is refused with the reason and kept out of
 * the results. Accepted labels are un-blinded with the item's lab-only
 * section (the A/B mapping) and stored lab-side. Labels are never logged.
 */
import type { Kysely } from 'kysely';
import { fromBase64Url, fromUtf8 } from '../core/bytes.js';
import type { TaskType } from '../core/campaign-manifest.js';
import { openLabSection } from '../core/lab-section.js';
import { openLabel } from '../core/label.js';
import type { Primitives, X25519PrivateKey } from '../core/primitives.js';
import { z } from 'zod';
import { parseJsonText, parseWith } from '../core/schema.js';
import { annotatorRef } from '../gatekeeper/context.js';
import type { GatekeeperTables } from '../gatekeeper/db/tables.js';
import { parseItemContent, taskView } from '../core/item-content.js';
import { parseLabel, type LabelPlaintext } from '../core/label-plaintext.js';
import type { HubLabClient, PulledSubmission } from './hub-lab-client.js';
import type { AcceptedLabel, CampaignStore, LedgerItem, RefusedLabel } from './lab-store.js';

export interface CollectOptions {
  readonly p: Primitives;
  readonly lab: string;
  readonly vendor: string;
  readonly campaign: string;
  readonly task: TaskType;
  readonly hub: HubLabClient;
  /** The gatekeeper's database: enrolled devices and their public keys. */
  readonly gatekeeperDb: Kysely<GatekeeperTables>;
  readonly resultKey: X25519PrivateKey;
  readonly labSectionKey: X25519PrivateKey;
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
  const items = new Map(ledger.items.map((i) => [i.item, i]));
  const results = await o.store.results();
  const seenLeases = new Set(results.accepted.map((a) => a.lease));
  const refusedNow: RefusedLabel[] = [];
  const devices = new Map<string, { vendor: string; annotator: string; signing: string; kex: string } | undefined>();
  let pulled = 0;
  let accepted = 0;

  const device = async (id: string) => {
    if (!devices.has(id)) devices.set(id, await o.gatekeeperDb.selectFrom('devices').select(['vendor', 'annotator', 'signing_key as signing', 'kex_key as kex']).where('id', '=', id).executeTakeFirst());
    return devices.get(id);
  };

  const check = async (s: PulledSubmission): Promise<AcceptedLabel> => {
    const d = await device(s.device);
    if (d === undefined) refuse(`device ${s.device.slice(0, 16)}… is not enrolled at this lab's gatekeeper`);
    if (d.vendor !== o.vendor) refuse(`device is enrolled for vendor ${d.vendor}, not ${o.vendor}`);
    if (d.annotator !== s.annotator) refuse(`device belongs to annotator ${d.annotator}, but the hub says ${s.annotator}`);
    let opened: Awaited<ReturnType<typeof openLabel>>;
    try {
      opened = await openLabel(o.p, s.label, { signing: fromBase64Url(d.signing), kex: fromBase64Url(d.kex) }, o.resultKey);
    } catch (err) {
      return refuse(`signature or encryption does not verify: ${err instanceof Error ? err.message : String(err)}`);
    }
    const b = opened.label;
    const expect: Record<string, string> = { lab: o.lab, campaign: o.campaign, item: s.item, lease: s.lease, annotator: s.annotator, device: s.device };
    for (const [field, value] of Object.entries(expect)) if (b[field as keyof typeof b] !== value) refuse(`label's ${field} is ${String(b[field as keyof typeof b]).slice(0, 64)}, the submission's is ${value}`);
    const item = items.get(b.item);
    if (item === undefined) refuse(`item ${b.item} was not ingested by this lab for campaign ${o.campaign}`);
    if (item.digest !== b.digest) refuse(`label is bound to digest ${b.digest}, the lab sealed item ${b.item} as ${item.digest}`);
    let label: LabelPlaintext;
    try {
      label = parseLabel(fromUtf8(opened.plaintext, 'label'));
    } catch (err) {
      return refuse(`label plaintext is not a valid label: ${err instanceof Error ? err.message : String(err)}`);
    }
    checkKeys(o.task, label, item);
    const section = await openLabSection(o.p, o.labSectionKey, fromBase64Url(item.digest), fromBase64Url(item.labSection));
    const labOnly = parseWith(LabOnlySchema, parseJsonText(fromUtf8(section, 'lab section'), 'lab section'), `lab section of ${item.item}`);
    return {
      seq: s.seq,
      item: s.item,
      lease: s.lease,
      annotator: annotatorRef(o.vendor, s.annotator),
      device: s.device,
      stage: s.stage,
      submitted: s.submitted,
      label: label as unknown as Record<string, unknown>,
      unblinded: unblind(label, unblinder(item, labOnly)),
    };
  };

  let cursor = results.cursor;
  for (;;) {
    const page = await o.hub.submissions(o.campaign, cursor);
    for (const s of page.submissions) {
      pulled++;
      cursor = Math.max(cursor, s.seq);
      if (seenLeases.has(s.lease)) continue;
      try {
        results.accepted.push(await check(s));
        seenLeases.add(s.lease);
        accepted++;
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        const refused = { seq: s.seq, item: s.item, annotator: annotatorRef(o.vendor, s.annotator), reason: err.message };
        results.refused.push(refused);
        refusedNow.push(refused);
      }
    }
    if (page.next === null || page.submissions.length === 0) break;
    cursor = Math.max(cursor, page.next);
  }
  await o.store.writeResults({ ...results, cursor });
  return {
    campaign: o.campaign,
    pulled,
    accepted,
    refused: refusedNow,
    total: { accepted: results.accepted.length, refused: results.refused.length, items: ledger.items.length, itemsLabelled: new Set(results.accepted.map((a) => a.item)).size },
  };
}
