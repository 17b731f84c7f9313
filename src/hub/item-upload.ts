/**
 * Sealed-item upload from a lab. A batch is checked whole before anything is
 * written: each item must parse (inspectItem), carry the lab's valid
 * signature, name this lab and campaign, be unexpired, and have exactly the
 * length its padding bucket implies. Uploads are idempotent by
 * (lab, campaign, item, digest): the same sealed item again is reported as
 * already stored; another item under a stored id is a conflict. Blobs are
 * written before their rows, so an interrupted batch leaves at most
 * unreferenced blobs that the retry overwrites; `missingItems` tells a
 * resuming client what is still to send.
 */
import { z } from 'zod';
import { fromBase64Url, toBase64Url, toHex } from '../core/bytes.js';
import { KeyholeError, fail } from '../core/errors.js';
import { CHUNK_SIZE, encodeHead, inspectItem, verifyItemHead } from '../core/sealed-item.js';
import { Identifier, base64UrlBytes, base64UrlBytesBetween, parseWith } from '../core/schema.js';
import type { ItemsTable } from '../storage/hub-tables.js';
import type { HubContext } from './hub-context.js';
import { refuse } from './hub-error.js';
import { findCampaign, labSigningKey } from './tenancy.js';

/** Largest sealed item the hub accepts; larger ones belong in several items. */
export const MAX_SEALED_ITEM_BYTES = 4 * 1024 * 1024;
/** A lab-only section is a pseudonym table and an A/B mapping: small. 48 bytes is HPKE's enc plus a tag. */
export const MAX_LAB_SECTION_BYTES = 64 * 1024;
export const MIN_LAB_SECTION_BYTES = 48;
export const MAX_BATCH_ITEMS = 256;
const GCM_TAG_BYTES = 16;

export const UploadEntry = z
  .object({
    sealed: base64UrlBytesBetween(1, MAX_SEALED_ITEM_BYTES),
    labSection: base64UrlBytesBetween(MIN_LAB_SECTION_BYTES, MAX_LAB_SECTION_BYTES),
    gold: z.boolean().default(false),
  })
  .strict();
export const UploadBatch = z.object({ items: z.array(UploadEntry).min(1).max(MAX_BATCH_ITEMS) }).strict();

export const UploadOutcome = z.object({ item: Identifier, digest: z.string(), status: z.enum(['stored', 'exists']) }).strict();
export type UploadOutcome = z.infer<typeof UploadOutcome>;

export const ItemRef = z.object({ item: Identifier, digest: base64UrlBytes(32) }).strict();
export const MissingQuery = z.object({ items: z.array(ItemRef).min(1).max(1000) }).strict();

interface CheckedItem {
  row: ItemsTable;
  sealed: Uint8Array;
  labSection: Uint8Array;
}

function expectedLength(headLength: number, bucket: number): number {
  return headLength + bucket + GCM_TAG_BYTES * Math.ceil(bucket / CHUNK_SIZE);
}

async function checkItem(ctx: HubContext, labKey: Uint8Array, lab: string, campaign: string, entry: z.infer<typeof UploadEntry>, index: number): Promise<CheckedItem> {
  const what = `items[${index}]`;
  const sealed = fromBase64Url(entry.sealed);
  try {
    const head = await inspectItem(ctx.p, sealed);
    await verifyItemHead(ctx.p, head, labKey, ctx.clock(), { lab, campaign });
    const want = expectedLength(encodeHead(head).length, head.header.bucket);
    if (sealed.length !== want) fail('BAD_LENGTH', `sealed item is ${sealed.length} bytes; its header's bucket implies ${want} (truncated or padded)`);
    const item = head.header.item;
    const digestHex = toHex(head.digest);
    return {
      sealed,
      labSection: fromBase64Url(entry.labSection),
      row: {
        lab,
        campaign,
        item,
        digest: toBase64Url(head.digest),
        gold: entry.gold ? 1 : 0,
        status: 'open',
        active: 0,
        submitted: 0,
        size: sealed.length,
        expires: head.header.expires,
        blob_key: `items/${lab}/${campaign}/${item}/${digestHex}`,
        lab_section_key: `lab-sections/${lab}/${campaign}/${item}/${digestHex}`,
        uploaded_at: ctx.clock(),
      },
    };
  } catch (err) {
    if (err instanceof KeyholeError) throw new KeyholeError(err.code, `${what}: ${err.message}`);
    throw err;
  }
}

export async function uploadItems(ctx: HubContext, lab: string, campaign: string, input: unknown): Promise<UploadOutcome[]> {
  const batch = parseWith(UploadBatch, input, 'upload batch');
  await findCampaign(ctx, lab, campaign);
  const labKey = await labSigningKey(ctx, lab);
  if (labKey === undefined) refuse('NOT_FOUND', `lab ${lab} is not registered on this hub`);

  const checked: CheckedItem[] = [];
  const seen = new Map<string, string>();
  for (const [index, entry] of batch.items.entries()) {
    const c = await checkItem(ctx, labKey, lab, campaign, entry, index);
    const earlier = seen.get(c.row.item);
    if (earlier !== undefined && earlier !== c.row.digest) refuse('CONFLICT', `items[${index}]: item ${c.row.item} appears twice in the batch with different contents`);
    seen.set(c.row.item, c.row.digest);
    checked.push(c);
  }

  const stored = await storedDigests(ctx, lab, campaign, [...seen.keys()]);
  for (const c of checked) {
    const digest = stored.get(c.row.item);
    if (digest !== undefined && digest !== c.row.digest) refuse('CONFLICT', `item ${c.row.item} is already stored with another digest; an item id names one sealed item`);
  }

  const fresh = checked.filter((c, i) => !stored.has(c.row.item) && checked.findIndex((d) => d.row.item === c.row.item) === i);
  for (const c of fresh) {
    await ctx.blobs.put(c.row.blob_key, c.sealed);
    await ctx.blobs.put(c.row.lab_section_key, c.labSection);
  }
  if (fresh.length > 0) {
    await ctx.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values(fresh.map((c) => c.row)).onConflict((oc) => oc.columns(['lab', 'campaign', 'item']).doNothing()).execute();
      // A concurrent batch may have stored one of these ids first: same digest is fine, another is a conflict.
      const now = await trx.selectFrom('items').select(['item', 'digest']).where('lab', '=', lab).where('campaign', '=', campaign).where('item', 'in', fresh.map((c) => c.row.item)).execute();
      const byItem = new Map(now.map((r) => [r.item, r.digest]));
      for (const c of fresh) {
        if (byItem.get(c.row.item) !== c.row.digest) refuse('CONFLICT', `item ${c.row.item} was stored concurrently with another digest`);
      }
    });
  }
  return checked.map((c) => ({ item: c.row.item, digest: c.row.digest, status: stored.has(c.row.item) ? ('exists' as const) : ('stored' as const) }));
}

async function storedDigests(ctx: HubContext, lab: string, campaign: string, items: string[]): Promise<Map<string, string>> {
  if (items.length === 0) return new Map();
  const rows = await ctx.store.db.selectFrom('items').select(['item', 'digest']).where('lab', '=', lab).where('campaign', '=', campaign).where('item', 'in', items).execute();
  return new Map(rows.map((r) => [r.item, r.digest]));
}

/** Of the given (item, digest) pairs, those the hub does not hold: what a resumed upload still has to send. */
export async function missingItems(ctx: HubContext, lab: string, campaign: string, input: unknown): Promise<string[]> {
  const query = parseWith(MissingQuery, input, 'missing-items query');
  await findCampaign(ctx, lab, campaign);
  const stored = await storedDigests(ctx, lab, campaign, query.items.map((i) => i.item));
  return query.items.filter((i) => stored.get(i.item) !== i.digest).map((i) => i.item);
}

export async function readLabSection(ctx: HubContext, lab: string, campaign: string, item: string): Promise<Uint8Array> {
  const row = await ctx.store.db.selectFrom('items').select('lab_section_key').where('lab', '=', lab).where('campaign', '=', campaign).where('item', '=', item).executeTakeFirst();
  if (row === undefined) refuse('NOT_FOUND', `item ${item} of campaign ${campaign} is not stored`);
  const bytes = await ctx.blobs.get(row.lab_section_key);
  if (bytes === undefined) refuse('INTERNAL', `the lab section of item ${item} is missing from the blob store`);
  return bytes;
}
