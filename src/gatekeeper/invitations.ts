/**
 * One-time enrollment invitations (issue 17; docs/GATEKEEPER.md §Enrollment,
 * SPEC §2.3). The lab issues one to a roster entry and delivers its code out
 * of band; the workstation redeems it at the gatekeeper with a signature by
 * the device's keys, and that binds the device to the person and approves it.
 * The hub takes no part, so a vendor that owns its hub cannot bind a device
 * of its own to anyone.
 *
 * Only the code's hash is stored. An invitation expires, works once (the
 * claim is one conditional UPDATE, so two concurrent redemptions cannot both
 * win), and can be revoked. Issuing and redeeming are permissions, logged
 * before they take effect; revoking is a restriction, effective first.
 */
import { z } from 'zod';
import { toBase64Url, toHex } from '../core/bytes.js';
import { invitationHash, verifyEnrollmentRequest } from '../core/enrollment-request.js';
import { fail } from '../core/errors.js';
import { Identifier, parseWith } from '../core/schema.js';
import type { LoggedRecord } from './audit-trail.js';
import { annotatorRef, deviceKeyHash, seconds, type GatekeeperContext } from './context.js';
import { importDevice } from './enrollment.js';
import { onRoster } from './roster.js';

export const DEFAULT_INVITATION_SECONDS = 7 * 86_400;
export const MAX_INVITATION_SECONDS = 30 * 86_400;

export const InvitationRequest = z.object({ annotator: Identifier, expiresInSeconds: z.number().int().min(60).max(MAX_INVITATION_SECONDS).default(DEFAULT_INVITATION_SECONDS) }).strict();
export type InvitationRequest = z.input<typeof InvitationRequest>;

export const InvitationId = z.string().regex(/^inv-[0-9a-f]{16}$/, 'must be inv- and 16 hex digits');

export interface IssuedInvitation {
  readonly id: string;
  readonly vendor: string;
  readonly annotator: string;
  /** The secret: shown once, to be delivered by the lab; never stored. */
  readonly code: string;
  readonly expiresAt: number;
  readonly logIndex: number;
}

export interface InvitationView {
  readonly id: string;
  readonly vendor: string;
  readonly annotator: string;
  readonly issuedAt: number;
  readonly issuedBy: string;
  readonly expiresAt: number;
  /** issued (redeemable), redeemed, expired, revoked */
  readonly state: 'issued' | 'redeemed' | 'expired' | 'revoked';
  readonly device: string | null;
}

export async function issueInvitation(ctx: GatekeeperContext, vendor: string, input: InvitationRequest, by: string): Promise<IssuedInvitation> {
  parseWith(Identifier, vendor, 'vendor');
  const r = parseWith(InvitationRequest, input, 'invitation request');
  if (!(await onRoster(ctx, vendor, r.annotator))) fail('NOT_FOUND', `${r.annotator} is not on the lab's roster for ${vendor}; add them first (keyhole invite roster-add)`);
  const code = toBase64Url(ctx.p.randomBytes(32));
  const id = `inv-${toHex(ctx.p.randomBytes(8))}`;
  const now = seconds(ctx.now());
  const expiresAt = now + r.expiresInSeconds;
  const logged = await ctx.audit.append({ kind: 'enroll', decision: 'none', annotator: annotatorRef(vendor, r.annotator), reason: `INVITE_ISSUED id=${id} expires=${expiresAt} by=${by}` }, ctx.now());
  await ctx.db
    .insertInto('invitations')
    .values({ id, code_hash: toBase64Url(await invitationHash(ctx.p, code)), vendor, annotator: r.annotator, issued_at: now, issued_by: by, expires_at: expiresAt, redeemed_at: null, device: null, revoked_at: null })
    .execute();
  return { id, vendor, annotator: r.annotator, code, expiresAt, logIndex: logged.index };
}

export async function listInvitations(ctx: GatekeeperContext, vendor: string): Promise<InvitationView[]> {
  const now = seconds(ctx.now());
  const rows = await ctx.db.selectFrom('invitations').selectAll().where('vendor', '=', vendor).orderBy('issued_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    vendor: r.vendor,
    annotator: r.annotator,
    issuedAt: Number(r.issued_at),
    issuedBy: r.issued_by,
    expiresAt: Number(r.expires_at),
    state: r.revoked_at !== null ? 'revoked' : r.redeemed_at !== null ? 'redeemed' : Number(r.expires_at) <= now ? 'expired' : 'issued',
    device: r.device,
  }));
}

/** Revokes an invitation not yet redeemed; a redeemed one bound a device, which is suspended or refused instead. */
export async function revokeInvitation(ctx: GatekeeperContext, id: string, by: string): Promise<LoggedRecord> {
  parseWith(InvitationId, id, 'invitation id');
  const row = await ctx.db.selectFrom('invitations').select(['vendor', 'annotator', 'redeemed_at']).where('id', '=', id).executeTakeFirst();
  if (row === undefined) fail('NOT_FOUND', `no invitation ${id}`);
  if (row.redeemed_at !== null) fail('CONFLICT', `invitation ${id} was already redeemed; suspend or refuse the device it enrolled instead`);
  const updated = await ctx.db.updateTable('invitations').set({ revoked_at: seconds(ctx.now()) }).where('id', '=', id).where('redeemed_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) fail('CONFLICT', `invitation ${id} is already revoked or was just redeemed`);
  return ctx.audit.append({ kind: 'enroll', decision: 'none', annotator: annotatorRef(row.vendor, row.annotator), reason: `INVITE_REVOKED id=${id} by=${by}` }, ctx.now());
}

export interface Redeemed {
  readonly vendor: string;
  readonly annotator: string;
  readonly device: string;
  readonly invitation: string;
  readonly logged: LoggedRecord;
}

/**
 * Redeems an enrollment request (SPEC §2.3): binds the signing device to the invitation's roster
 * entry and approves it. Refusals name what to ask the lab for, never the code.
 */
export async function redeemInvitation(ctx: GatekeeperContext, request: unknown): Promise<Redeemed> {
  const v = await verifyEnrollmentRequest(ctx.p, request);
  const inv = await ctx.db.selectFrom('invitations').selectAll().where('code_hash', '=', toBase64Url(v.invitation)).executeTakeFirst();
  if (inv === undefined) fail('NOT_FOUND', 'no such invitation at this gatekeeper; check the link or code, or ask the lab for a new one');
  const now = seconds(ctx.now());
  if (inv.revoked_at !== null) fail('DENIED', 'this invitation was revoked by the lab; ask the lab for a new one');
  if (inv.redeemed_at !== null) fail('CONFLICT', 'this invitation was already used; each works once, so ask the lab for a new one');
  if (Number(inv.expires_at) <= now) fail('EXPIRED', 'this invitation has expired; ask the lab for a new one');
  if (inv.annotator !== v.annotator) fail('MISMATCH', `this invitation is for another person than ${v.annotator}; sign in as the person the lab invited, or ask the lab`);
  if (!(await onRoster(ctx, inv.vendor, inv.annotator))) fail('DENIED', "the person this invitation was issued to is no longer on the lab's roster");

  // Records the device as pending (or finds it, refusing one already bound to someone else).
  const device = await importDevice(ctx, { vendor: inv.vendor, annotator: inv.annotator, signing: toBase64Url(v.keys.signing), kex: toBase64Url(v.keys.kex) });
  const state = await ctx.db.selectFrom('devices').select('state').where('id', '=', device).executeTakeFirstOrThrow();
  if (state.state === 'refused') fail('DENIED', 'the lab refused this device; an invitation does not overturn that, so ask the lab');
  const claimed = await ctx.db
    .updateTable('invitations')
    .set({ redeemed_at: now, device })
    .where('id', '=', inv.id)
    .where('redeemed_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) fail('CONFLICT', 'this invitation was just used or revoked; ask the lab for a new one');
  const logged = await ctx.audit.append({ kind: 'enroll', decision: 'allow', annotator: annotatorRef(inv.vendor, inv.annotator), deviceKeyHash: deviceKeyHash(device), reason: `INVITED id=${inv.id}` }, ctx.now());
  await ctx.db.updateTable('devices').set({ state: 'approved', invitation: inv.id, updated_at: now }).where('id', '=', device).execute();
  return { vendor: inv.vendor, annotator: inv.annotator, device, invitation: inv.id, logged };
}

