/**
 * The lab's operators (DESIGN §8): people and tools that administer this
 * gatekeeper through its admin API, each with an Ed25519 key and one role.
 *
 *   auditor   reads: status, devices, campaigns, operators
 *   operator  + runs the campaigns: ingest, results, devices, suspension
 *   admin     + changes who and what: vendors, campaigns, operators, shred,
 *               KEK rotation, root rewrap, monitor keys
 *
 * Adding or revoking an operator is logged before it takes effect.
 */
import { z } from 'zod';
import { fail } from '../../core/errors.js';
import { base64UrlBytes, parseWith } from '../../core/schema.js';
import { seconds, type GatekeeperContext } from '../context.js';

export const ROLES = ['auditor', 'operator', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Operator ids appear in log reasons and headers: short, no separators the header format uses. */
export const OperatorId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 of [A-Za-z0-9._-], starting with a letter or digit');

export const OperatorInput = z.object({ id: OperatorId, publicKey: base64UrlBytes(32), role: Role }).strict();
export type OperatorInput = z.infer<typeof OperatorInput>;

export interface Operator {
  readonly id: string;
  readonly publicKey: string;
  readonly role: Role;
  readonly addedAt: number;
  readonly revokedAt: number | null;
}

/** Whether `role` may do what `need` allows (roles are ordered). */
export function roleAllows(role: Role, need: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(need);
}

export async function findOperator(ctx: GatekeeperContext, id: string): Promise<Operator | undefined> {
  const row = await ctx.db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  return { id: row.id, publicKey: row.public_key, role: parseWith(Role, row.role, `operator ${row.id} role`), addedAt: row.added_at, revokedAt: row.revoked_at };
}

export async function listOperators(ctx: GatekeeperContext): Promise<Operator[]> {
  const rows = await ctx.db.selectFrom('operators').select('id').orderBy('id').execute();
  return (await Promise.all(rows.map((r) => findOperator(ctx, r.id)))).filter((o): o is Operator => o !== undefined);
}

/** Adds an operator, or changes an existing one's key and role; `by` is who did it ("init" at setup). */
export async function putOperator(ctx: GatekeeperContext, input: OperatorInput, by: string): Promise<void> {
  const o = parseWith(OperatorInput, input, 'operator');
  await ctx.audit.append({ kind: 'policy', decision: 'none', reason: `OPERATOR id=${o.id} role=${o.role} by=${by}` }, ctx.now());
  const now = seconds(ctx.now());
  await ctx.db
    .insertInto('operators')
    .values({ id: o.id, public_key: o.publicKey, role: o.role, added_at: now, revoked_at: null })
    .onConflict((oc) => oc.column('id').doUpdateSet({ public_key: o.publicKey, role: o.role, revoked_at: null }))
    .execute();
}

/** Revokes an operator: a restriction, so it takes effect before it is logged (enrollment.ts's rule). */
export async function revokeOperator(ctx: GatekeeperContext, id: string, by: string): Promise<void> {
  parseWith(OperatorId, id, 'operator id');
  const updated = await ctx.db.updateTable('operators').set({ revoked_at: seconds(ctx.now()) }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) fail('NOT_FOUND', `operator ${id} is not an active operator`);
  await ctx.audit.append({ kind: 'policy', decision: 'none', reason: `OPERATOR_REVOKED id=${id} by=${by}` }, ctx.now());
}
