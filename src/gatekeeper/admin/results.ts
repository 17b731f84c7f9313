/**
 * The key-holding half of `keyhole results pull` (DESIGN §3 step 5): the
 * campaign's result key and the lab-section key never leave the gatekeeper,
 * so labels and lab-only sections are opened here and handed to the lab's
 * operator, who does the rest (its ledger, the task's answer keys,
 * un-blinding) in src/lab/collect.ts.
 *
 * Per submission, trusting nothing the hub says: the device must be enrolled
 * here for this vendor and this annotator (keys from this database, not the
 * hub's); the device's signature must verify and the label open under the
 * result key; every binding field must match the submission; the item must
 * be registered here for this campaign under the label's digest. A
 * submission that fails is returned refused, with the reason.
 */
import { z } from 'zod';
import { fromBase64Url, fromUtf8, toBase64Url } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import { openLabSection } from '../../core/lab-section.js';
import { openLabel } from '../../core/label.js';
import { base64UrlBytesBetween, parseWith } from '../../core/schema.js';
import { annotatorRef, seconds, type GatekeeperContext } from '../context.js';
import { campaignVendor, hubFor } from './hub-link.js';

export type OpenedSubmission =
  | {
      readonly seq: number;
      readonly status: 'opened';
      readonly item: string;
      readonly digest: string;
      readonly lease: string;
      /** "<vendor>:<annotator>", as the log names annotators. */
      readonly annotator: string;
      readonly device: string;
      readonly stage: 'annotate' | 'review';
      readonly submitted: number;
      /** The label plaintext (UTF-8 JSON, src/core/label-plaintext.ts), unparsed. */
      readonly label: string;
    }
  | { readonly seq: number; readonly status: 'refused'; readonly item: string; readonly annotator: string; readonly reason: string };

export interface OpenedPage {
  readonly submissions: OpenedSubmission[];
  readonly next: number | null;
}

export async function openSubmissions(ctx: GatekeeperContext, campaign: string, after: number, by: string): Promise<OpenedPage> {
  const vendor = await campaignVendor(ctx, campaign);
  const page = await (await hubFor(ctx, vendor)).submissions(campaign, after);
  const resultKey = await ctx.secrets.resultKey(campaign, seconds(ctx.now()));
  const out: OpenedSubmission[] = [];
  for (const s of page.submissions) {
    const annotator = annotatorRef(vendor, s.annotator);
    const refuse = (reason: string): void => void out.push({ seq: s.seq, status: 'refused', item: s.item, annotator, reason });
    const d = await ctx.db.selectFrom('devices').select(['vendor', 'annotator', 'signing_key', 'kex_key']).where('id', '=', s.device).executeTakeFirst();
    if (d === undefined) {
      refuse(`device ${s.device.slice(0, 16)}… is not enrolled at this lab's gatekeeper`);
      continue;
    }
    if (d.vendor !== vendor || d.annotator !== s.annotator) {
      refuse(`device belongs to ${d.vendor}:${d.annotator}, but the hub says ${annotator}`);
      continue;
    }
    let opened: Awaited<ReturnType<typeof openLabel>>;
    try {
      opened = await openLabel(ctx.p, s.label, { signing: fromBase64Url(d.signing_key), kex: fromBase64Url(d.kex_key) }, resultKey);
    } catch (err) {
      refuse(`signature or encryption does not verify: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const b = opened.label;
    const expect: Record<string, string> = { lab: ctx.lab, campaign, item: s.item, lease: s.lease, annotator: s.annotator, device: s.device };
    const wrong = Object.entries(expect).find(([field, value]) => b[field as keyof typeof b] !== value);
    if (wrong !== undefined) {
      refuse(`label's ${wrong[0]} is ${String(b[wrong[0] as keyof typeof b]).slice(0, 64)}, the submission's is ${wrong[1]}`);
      continue;
    }
    const item = await ctx.db.selectFrom('items').select(['item', 'campaign']).where('digest', '=', b.digest).executeTakeFirst();
    if (item === undefined || item.campaign !== campaign || item.item !== b.item) {
      refuse(`label is bound to digest ${b.digest}, which this gatekeeper did not register as item ${b.item} of campaign ${campaign}`);
      continue;
    }
    let label: string;
    try {
      label = fromUtf8(opened.plaintext, 'label');
    } catch {
      refuse('label plaintext is not UTF-8');
      continue;
    }
    out.push({ seq: s.seq, status: 'opened', item: s.item, digest: b.digest, lease: s.lease, annotator, device: s.device, stage: s.stage, submitted: s.submitted, label });
  }
  if (out.length > 0) await ctx.audit.append({ kind: 'policy', decision: 'none', campaign, reason: `RESULTS_OPENED count=${out.filter((o) => o.status === 'opened').length} by=${by}` }, ctx.now());
  return { submissions: out, next: page.next };
}

export const SectionRequest = z.object({ sections: z.array(z.object({ digest: base64UrlBytesBetween(32, 32), section: base64UrlBytesBetween(1, 1024 * 1024) }).strict()).min(1).max(500) }).strict();
export type SectionRequest = z.infer<typeof SectionRequest>;

/** Opens lab-only sections (source ids, A/B mapping, pseudonym tables) of items this gatekeeper registered for the campaign. */
export async function openLabSections(ctx: GatekeeperContext, campaign: string, input: SectionRequest, by: string): Promise<string[]> {
  const req = parseWith(SectionRequest, input, 'lab section request');
  const key = await ctx.secrets.labSectionKey(seconds(ctx.now()));
  await ctx.audit.append({ kind: 'policy', decision: 'none', campaign, reason: `LAB_SECTIONS_OPENED count=${req.sections.length} by=${by}` }, ctx.now());
  const out: string[] = [];
  for (const [i, s] of req.sections.entries()) {
    const row = await ctx.db.selectFrom('items').select('campaign').where('digest', '=', s.digest).executeTakeFirst();
    if (row === undefined || row.campaign !== campaign) fail('NOT_FOUND', `sections[${i}]: no item of campaign ${campaign} has digest ${s.digest}`);
    out.push(fromUtf8(await openLabSection(ctx.p, key, fromBase64Url(s.digest), fromBase64Url(s.section)), `sections[${i}]`));
  }
  return out;
}

export interface SubmitReceipt {
  readonly item: string;
  readonly lease: string;
  readonly annotator: string;
  /** Unix seconds the gatekeeper logged the submit receipt. */
  readonly receiptAt: number;
}

/** Every release of the campaign with a logged submit receipt: the labels the hub must be able to deliver (src/lab/reconcile.ts). */
export async function submitReceipts(ctx: GatekeeperContext, campaign: string): Promise<SubmitReceipt[]> {
  const rows = await ctx.db
    .selectFrom('releases')
    .innerJoin('items', 'items.digest', 'releases.digest')
    .select(['items.item', 'releases.lease', 'releases.vendor', 'releases.annotator', 'releases.submitted_at'])
    .where('releases.campaign', '=', campaign)
    .where('releases.submitted_at', 'is not', null)
    .orderBy('releases.submitted_at')
    .execute();
  return rows.map((r) => ({ item: r.item, lease: r.lease, annotator: annotatorRef(r.vendor, r.annotator), receiptAt: r.submitted_at! }));
}

/** What the lab's tools need to know of this gatekeeper's public keys. */
export async function labFacts(ctx: GatekeeperContext): Promise<{ lab: string; signingKey: string; labSectionKey: string }> {
  const section = await ctx.secrets.labSectionKey(seconds(ctx.now()));
  return { lab: ctx.lab, signingKey: toBase64Url(ctx.labSigner.publicKey), labSectionKey: toBase64Url(section.publicKey) };
}
