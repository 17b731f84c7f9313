/**
 * Annotator accounts, managed by the vendor: created with a password, put on
 * a lab's roster, suspended. Logging in gives a session: a random bearer
 * token of which the hub keeps only the SHA-256, valid until it expires or is
 * revoked, and refused while the account is suspended.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { toBase64Url } from '../core/bytes.js';
import { Identifier, parseWith } from '../core/schema.js';
import type { AdminContext, HubContext } from './hub-context.js';
import { refuse } from './hub-error.js';
import { revokeOpenLeases } from './lease-queue.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, decoyHash, hashPassword, verifyPassword } from './password-hash.js';

/** Sessions last a working day; a new login is needed after. */
export const SESSION_SECONDS = 12 * 3600;
const TOKEN_PREFIX = 'khs_';
const TOKEN = /^khs_[A-Za-z0-9_-]{43}$/;

export const Username = z.string().regex(/^[a-z0-9][a-z0-9._@-]{2,63}$/, 'must be 3-64 of a-z 0-9 . _ @ - starting with a letter or digit');
export const Password = z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH);

export const NewAnnotator = z.object({ id: Identifier, username: Username, password: Password, reviewer: z.boolean().default(false) }).strict();
export const Credentials = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) }).strict();

export interface Annotator {
  id: string;
  reviewer: boolean;
}

export interface Session {
  token: string;
  annotator: string;
  expires: number;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function addAnnotator(ctx: AdminContext, input: unknown): Promise<Annotator> {
  const a = parseWith(NewAnnotator, input, 'new annotator');
  const taken = await ctx.store.db.selectFrom('annotators').select('id').where((eb) => eb.or([eb('id', '=', a.id), eb('username', '=', a.username)])).executeTakeFirst();
  if (taken !== undefined) refuse('CONFLICT', `an annotator with id ${a.id} or username ${a.username} already exists`);
  await ctx.store.db
    .insertInto('annotators')
    .values({ id: a.id, username: a.username, password_hash: await hashPassword(a.password), reviewer: a.reviewer ? 1 : 0, suspended_at: null, created_at: ctx.clock() })
    .execute();
  return { id: a.id, reviewer: a.reviewer };
}

async function requireAnnotator(ctx: AdminContext, id: string): Promise<void> {
  const row = await ctx.store.db.selectFrom('annotators').select('id').where('id', '=', id).executeTakeFirst();
  if (row === undefined) refuse('NOT_FOUND', `annotator ${id} does not exist`);
}

/** Staffs an annotator on a lab's campaigns; the lab then sees the annotator's devices. */
export async function addToRoster(ctx: AdminContext, lab: string, annotator: string): Promise<void> {
  await requireAnnotator(ctx, annotator);
  const known = await ctx.store.db.selectFrom('labs').select('lab').where('lab', '=', lab).executeTakeFirst();
  if (known === undefined) refuse('NOT_FOUND', `lab ${lab} is not registered on this hub`);
  await ctx.store.db.insertInto('roster').values({ lab, annotator }).onConflict((oc) => oc.columns(['lab', 'annotator']).doNothing()).execute();
}

/**
 * Suspension takes effect on the next request: every session of the account
 * is refused while it lasts, and its open leases in every lab end at once.
 */
export async function setSuspended(ctx: AdminContext, annotator: string, suspended: boolean): Promise<void> {
  await requireAnnotator(ctx, annotator);
  await ctx.store.db.updateTable('annotators').set({ suspended_at: suspended ? ctx.clock() : null }).where('id', '=', annotator).execute();
  if (suspended) await revokeOpenLeases(ctx, { annotator });
}

/**
 * Where a login's password comparison runs: the hub's LoginGuard, which
 * throttles and queues it (src/hub/login-guard.ts). Returns the verdict.
 */
export type PasswordGate = (username: string, verify: () => Promise<boolean>) => Promise<boolean>;

export async function login(ctx: HubContext, input: unknown, gate: PasswordGate): Promise<Session> {
  const credentials = parseWith(Credentials, input, 'login');
  const row = await ctx.store.db.selectFrom('annotators').select(['id', 'password_hash', 'suspended_at']).where('username', '=', credentials.username).executeTakeFirst();
  // Hash even for an unknown username, so timing does not tell which usernames exist.
  const stored = row?.password_hash ?? (await decoyHash());
  const ok = await gate(credentials.username, () => verifyPassword(credentials.password, stored));
  if (row === undefined || !ok) refuse('UNAUTHENTICATED', 'username or password is wrong');
  if (row.suspended_at !== null) refuse('SUSPENDED', 'this annotator account is suspended; ask the vendor\'s operator');
  const token = TOKEN_PREFIX + toBase64Url(randomBytes(32));
  const now = ctx.clock();
  const expires = now + SESSION_SECONDS;
  await ctx.store.db.insertInto('sessions').values({ token_hash: tokenHash(token), annotator: row.id, created_at: now, expires_at: expires, revoked_at: null }).execute();
  return { token, annotator: row.id, expires };
}

/** The annotator behind a bearer token, or a refusal that says why (never which part of the token was wrong). */
export async function authenticateSession(ctx: HubContext, token: string | undefined): Promise<Annotator & { tokenHash: string }> {
  if (token === undefined || !TOKEN.test(token)) refuse('UNAUTHENTICATED', 'a session is required: send "Authorization: Bearer <token>" from POST /v1/sessions');
  const hash = tokenHash(token);
  const row = await ctx.store.db
    .selectFrom('sessions')
    .innerJoin('annotators', 'annotators.id', 'sessions.annotator')
    .select(['annotators.id', 'annotators.reviewer', 'annotators.suspended_at', 'sessions.expires_at', 'sessions.revoked_at'])
    .where('sessions.token_hash', '=', hash)
    .executeTakeFirst();
  if (row === undefined) refuse('UNAUTHENTICATED', 'the session token is not known; log in again');
  if (row.revoked_at !== null) refuse('UNAUTHENTICATED', 'the session was revoked; log in again');
  if (ctx.clock() >= row.expires_at) refuse('UNAUTHENTICATED', 'the session expired; log in again');
  if (row.suspended_at !== null) refuse('SUSPENDED', 'this annotator account is suspended; ask the vendor\'s operator');
  return { id: row.id, reviewer: row.reviewer === 1, tokenHash: hash };
}

export async function revokeSession(ctx: HubContext, hash: string): Promise<void> {
  await ctx.store.db.updateTable('sessions').set({ revoked_at: ctx.clock() }).where('token_hash', '=', hash).where('revoked_at', 'is', null).execute();
}

/** Revokes every session of an annotator (a stolen password, a departure). */
export async function revokeAllSessions(ctx: AdminContext, annotator: string): Promise<number> {
  const result = await ctx.store.db.updateTable('sessions').set({ revoked_at: ctx.clock() }).where('annotator', '=', annotator).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
