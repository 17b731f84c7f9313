/**
 * The gatekeeper's half of ingest (DESIGN §8): a lab machine minimizes a
 * dataset and encrypts each item itself, but the lab's signing key and the
 * batch KEKs never leave this process. For each item the ingest asks for keys
 * (a fresh DEK, the signed header, the DEK wrapped under the batch KEK), seals
 * the item, and uploads it back through here to the vendor's hub.
 *
 * Resumable by construction: an item is registered when its keys are issued
 * and marked uploaded when the hub acknowledged it. Asking again for an item
 * that never reached the hub replaces its registration (the crashed run's
 * sealed copy went nowhere); an item that did reach the hub is reported as
 * uploaded and never re-keyed. Nothing reaches the hub that is not registered
 * here first, so the hub never holds an item the gatekeeper does not know.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { toBase64Url, fromBase64Url } from '../../core/bytes.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { fail } from '../../core/errors.js';
import { Identifier, Sha256Hex, UnixTime, base64UrlBytesBetween, parseWith } from '../../core/schema.js';
import { DEK_LENGTH, inspectItem, issueItemKeys, itemHeaderFor } from '../../core/sealed-item.js';
import { seconds, type GatekeeperContext } from '../context.js';
import { campaignVendor, hubFor } from './hub-link.js';

/** Secret under which ingest derives each campaign's surrogates and item ids (kept wrapped under the root key). */
const PSEUDONYM_SECRET = 'pseudonym-secret';
export const MAX_ITEMS_PER_CALL = 256;
/** An item's plaintext may be up to 64 MiB (the policy's own limit is usually far lower). */
const MAX_ITEM_SIZE = 64 * 1024 * 1024;

export const ItemKeyRequest = z
  .object({
    batch: Identifier,
    dataset: Identifier,
    policy: Sha256Hex,
    expires: UnixTime,
    items: z.array(z.object({ item: Identifier, size: z.number().int().min(0).max(MAX_ITEM_SIZE) }).strict()).min(1).max(MAX_ITEMS_PER_CALL),
  })
  .strict();
export type ItemKeyRequest = z.infer<typeof ItemKeyRequest>;

export type IssuedKeys =
  | { item: string; status: 'issued'; header: string; signature: string; slot: { kek: string; dek: string }; dek: string }
  | { item: string; status: 'uploaded'; digest: string };

/**
 * The campaign's ingest secret: HMAC of the lab's pseudonym secret, so one
 * campaign's surrogates and item ids reveal nothing about another's.
 */
export async function ingestSecret(ctx: GatekeeperContext, campaign: string, by: string): Promise<Uint8Array> {
  await liveCampaign(ctx, campaign);
  await ctx.audit.append({ kind: 'policy', decision: 'none', campaign, reason: `INGEST_SECRET by=${by}` }, ctx.now());
  const secret = await ctx.secrets.getOrCreate(PSEUDONYM_SECRET, () => ctx.p.randomBytes(32), seconds(ctx.now()));
  return new Uint8Array(createHmac('sha256', secret).update(`keyhole/v1 ingest-secret\u0000${campaign}`).digest());
}

async function liveCampaign(ctx: GatekeeperContext, campaign: string): Promise<{ policy: string }> {
  const row = await ctx.db.selectFrom('campaigns').select(['policy', 'closed_at']).where('campaign', '=', campaign).executeTakeFirst();
  if (row === undefined) fail('NOT_FOUND', `campaign ${campaign} is not registered at this gatekeeper (keyhole campaign create)`);
  if (row.closed_at !== null) fail('CONFLICT', `campaign ${campaign} is closed; nothing more can be ingested into it`);
  return row;
}

export async function issueKeysFor(ctx: GatekeeperContext, campaign: string, input: ItemKeyRequest, by: string): Promise<IssuedKeys[]> {
  const req = parseWith(ItemKeyRequest, input, 'item key request');
  const c = await liveCampaign(ctx, campaign);
  if (req.policy !== c.policy) fail('MISMATCH', `policy ${req.policy.slice(0, 12)}… is not campaign ${campaign}'s policy ${c.policy.slice(0, 12)}…; minimize with the campaign's policy`);
  if (req.expires <= seconds(ctx.now())) fail('EXPIRED', `items would expire at ${req.expires}, which is not in the future`);
  if (new Set(req.items.map((i) => i.item)).size !== req.items.length) fail('BAD_FORMAT', 'item key request names an item twice');
  const batch = await ctx.db.selectFrom('batches').select(['campaign', 'state']).where('batch', '=', req.batch).executeTakeFirst();
  if (batch !== undefined && batch.campaign !== campaign) fail('CONFLICT', `batch ${req.batch} belongs to campaign ${batch.campaign}`);
  if (batch !== undefined && batch.state !== 'live') fail('CONFLICT', `batch ${req.batch} is shredded; ingest into a new batch`);

  await ctx.audit.append({ kind: 'policy', decision: 'none', campaign, reason: `ITEM_KEYS batch=${req.batch} count=${req.items.length} by=${by}` }, ctx.now());
  const kek = batch === undefined ? await ctx.keks.createBatch(req.batch, campaign) : await ctx.keks.currentKek(req.batch);

  const known = await ctx.db.selectFrom('items').select(['item', 'digest', 'uploaded_at']).where('campaign', '=', campaign).where('item', 'in', req.items.map((i) => i.item)).execute();
  const uploaded = new Map(known.filter((k) => k.uploaded_at !== null).map((k) => [k.item, k.digest]));
  const out: IssuedKeys[] = [];
  const rows: { digest: string; item: string; slot: string }[] = [];
  for (const { item, size } of req.items) {
    const digest = uploaded.get(item);
    if (digest !== undefined) {
      out.push({ item, status: 'uploaded', digest });
      continue;
    }
    const dek = ctx.p.randomBytes(DEK_LENGTH);
    const { headerBytes } = await itemHeaderFor(ctx.p, { lab: ctx.lab, dataset: req.dataset, batch: req.batch, item, campaign, policy: req.policy, expires: req.expires }, dek, size);
    const keys = await issueItemKeys(ctx.p, headerBytes, dek, ctx.labSigner, kek);
    rows.push({ digest: toBase64Url(await ctx.p.sha256(headerBytes)), item, slot: canonicalJson(keys.slot) });
    out.push({ item, status: 'issued', header: toBase64Url(headerBytes), signature: toBase64Url(keys.signature), slot: keys.slot, dek: toBase64Url(dek) });
  }
  const replaced = rows.map((r) => r.item);
  const now = seconds(ctx.now());
  await ctx.db.transaction().execute(async (trx) => {
    if (replaced.length > 0) await trx.deleteFrom('items').where('campaign', '=', campaign).where('item', 'in', replaced).where('uploaded_at', 'is', null).execute();
    for (const r of rows) {
      await trx.insertInto('items').values({ digest: r.digest, lab: ctx.lab, campaign, batch: req.batch, item: r.item, slot: r.slot, tripwire: 0, registered_at: now, uploaded_at: null }).execute();
    }
  });
  return out;
}

export const UploadRequest = z
  .object({ items: z.array(z.object({ sealed: z.string().min(1), labSection: base64UrlBytesBetween(1, 1024 * 1024), gold: z.boolean().default(false) }).strict()).min(1).max(MAX_ITEMS_PER_CALL) })
  .strict();
export type UploadRequest = z.infer<typeof UploadRequest>;

/**
 * Forwards sealed items to the campaign's hub, each only if this gatekeeper
 * issued its keys for this campaign (the digest is recomputed from the bytes),
 * then marks them uploaded. Uploading again is harmless: the hub answers "exists".
 */
export async function uploadItems(ctx: GatekeeperContext, campaign: string, input: UploadRequest): Promise<{ stored: number }> {
  const req = parseWith(UploadRequest, input, 'upload request');
  const hub = await hubFor(ctx, await campaignVendor(ctx, campaign));
  const digests: string[] = [];
  for (const [i, entry] of req.items.entries()) {
    const head = await inspectItem(ctx.p, fromBase64Url(entry.sealed, `items[${i}].sealed`));
    const digest = toBase64Url(head.digest);
    const row = await ctx.db.selectFrom('items').select(['campaign', 'item']).where('digest', '=', digest).executeTakeFirst();
    if (row === undefined || row.campaign !== campaign || row.item !== head.header.item) {
      fail('NOT_FOUND', `items[${i}] (item ${head.header.item}): its keys were not issued by this gatekeeper for campaign ${campaign} (or were replaced by a later run); ingest again`);
    }
    digests.push(digest);
  }
  await hub.upload(campaign, req.items);
  await ctx.db.updateTable('items').set({ uploaded_at: seconds(ctx.now()) }).where('digest', 'in', digests).where('uploaded_at', 'is', null).execute();
  return { stored: digests.length };
}
