/**
 * Device enrollment (issue 5): the lab imports a device's public keys from
 * the hub's list, then approves or refuses it at the gatekeeper. Approval is
 * what counts; the hub's own registration grants nothing.
 *
 * Ordering rule for every state change here and in suspension.ts:
 * restrictions (refuse, suspend) take effect before they are logged, so a
 * slow log never delays them; permissions (approve, reinstate) are logged
 * before they take effect, so nothing is ever permitted off the record.
 */
import { z } from 'zod';
import { fromBase64Url } from '../core/bytes.js';
import { deviceId } from '../core/device.js';
import { fail } from '../core/errors.js';
import { Identifier, Sha256Hex, base64UrlBytes, parseWith } from '../core/schema.js';
import type { LoggedRecord } from './audit-trail.js';
import { annotatorRef, deviceKeyHash, seconds, type GatekeeperContext } from './context.js';

export const DeviceImport = z.object({ vendor: Identifier, annotator: Identifier, signing: base64UrlBytes(32), kex: base64UrlBytes(32) }).strict();
export type DeviceImport = z.infer<typeof DeviceImport>;

/** Records a device as pending; returns its id (SPEC §2.1). Importing the same keys again is a no-op. */
export async function importDevice(ctx: GatekeeperContext, input: DeviceImport): Promise<string> {
  const d = parseWith(DeviceImport, input, 'device');
  const vendor = await ctx.db.selectFrom('vendors').select('vendor').where('vendor', '=', d.vendor).executeTakeFirst();
  if (!vendor) fail('NOT_FOUND', `vendor ${d.vendor} is not registered at this gatekeeper`);
  const id = await deviceId(ctx.p, { signing: fromBase64Url(d.signing), kex: fromBase64Url(d.kex) });
  const now = seconds(ctx.now());
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('devices').select(['vendor', 'annotator']).where('id', '=', id).executeTakeFirst();
    if (existing) {
      if (existing.vendor !== d.vendor || existing.annotator !== d.annotator) fail('CONFLICT', `device ${id} is already enrolled for ${existing.vendor}:${existing.annotator}`);
      return;
    }
    await trx.insertInto('annotators').values({ vendor: d.vendor, annotator: d.annotator, suspended_at: null }).onConflict((oc) => oc.columns(['vendor', 'annotator']).doNothing()).execute();
    await trx.insertInto('devices').values({ id, vendor: d.vendor, annotator: d.annotator, signing_key: d.signing, kex_key: d.kex, state: 'pending', suspended_at: null, updated_at: now }).execute();
  });
  return id;
}

async function deviceRow(ctx: GatekeeperContext, id: string) {
  parseWith(Sha256Hex, id, 'device id');
  const row = await ctx.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `device ${id} is not enrolled; import it first`);
  return row;
}

/**
 * An operator's approval. When the lab turned manual approval off for the device's vendor
 * (setManualApproval), only a device bound by a redeemed invitation (invitations.ts) may be
 * approved: the hub's word about whose device it is counts for nothing then (issue 17).
 */
export async function approveDevice(ctx: GatekeeperContext, id: string): Promise<LoggedRecord> {
  const row = await deviceRow(ctx, id);
  if (row.invitation === null) {
    const vendor = await ctx.db.selectFrom('vendors').select('manual_approval').where('vendor', '=', row.vendor).executeTakeFirstOrThrow();
    if (vendor.manual_approval === 0) fail('DENIED', `the lab approves ${row.vendor}'s devices only by invitation; issue ${row.annotator} an invitation (keyhole invite issue) instead`);
  }
  const logged = await ctx.audit.append({ kind: 'enroll', decision: 'allow', annotator: annotatorRef(row.vendor, row.annotator), deviceKeyHash: deviceKeyHash(id), reason: 'APPROVED' }, ctx.now());
  await ctx.db.updateTable('devices').set({ state: 'approved', updated_at: seconds(ctx.now()) }).where('id', '=', id).execute();
  return logged;
}

export async function refuseDevice(ctx: GatekeeperContext, id: string): Promise<LoggedRecord> {
  const row = await deviceRow(ctx, id);
  await ctx.db.updateTable('devices').set({ state: 'refused', updated_at: seconds(ctx.now()) }).where('id', '=', id).execute();
  return ctx.audit.append({ kind: 'enroll', decision: 'deny', annotator: annotatorRef(row.vendor, row.annotator), deviceKeyHash: deviceKeyHash(id), reason: 'REFUSED' }, ctx.now());
}

/**
 * Turns manual approval of un-invited devices on or off for a vendor. Logged before it takes
 * effect either way: the record says from when the hub's word stopped (or started) counting.
 */
export async function setManualApproval(ctx: GatekeeperContext, vendor: string, manual: boolean, by: string): Promise<LoggedRecord> {
  const row = await ctx.db.selectFrom('vendors').select('vendor').where('vendor', '=', vendor).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `vendor ${vendor} is not registered at this gatekeeper`);
  const logged = await ctx.audit.append({ kind: 'policy', decision: 'none', reason: `APPROVAL vendor=${vendor} manual=${manual ? 'on' : 'off'} by=${by}` }, ctx.now());
  await ctx.db.updateTable('vendors').set({ manual_approval: manual ? 1 : 0 }).where('vendor', '=', vendor).execute();
  return logged;
}

export async function manualApproval(ctx: GatekeeperContext, vendor: string): Promise<boolean> {
  const row = await ctx.db.selectFrom('vendors').select('manual_approval').where('vendor', '=', vendor).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `vendor ${vendor} is not registered at this gatekeeper`);
  return Number(row.manual_approval) !== 0;
}
