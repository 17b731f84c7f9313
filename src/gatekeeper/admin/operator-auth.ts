/**
 * Authenticates an admin API request (SPEC §12): the operator's signature
 * over lab, method, path, time, nonce and body; a time window; a nonce seen
 * once (kept in the database, so several gatekeeper processes refuse the same
 * replay); then the route's role. Unknown operator, revoked operator and bad
 * signature get one answer, so the API does not tell who exists.
 *
 * The header is checked (format, operator, time) before the body is read;
 * the body is read only up to the route's limit.
 */
import { fromBase64Url } from '../../core/bytes.js';
import { ADMIN_REQUEST_WINDOW_SECONDS, OPERATOR_SIGNATURE_HEADER, adminSignedMessage, parseOperatorSignatureHeader, type AdminMethod } from '../../core/admin-request.js';
import { KeyholeError } from '../../core/errors.js';
import { seconds, type GatekeeperContext } from '../context.js';
import { findOperator, roleAllows, type Operator, type Role } from './operators.js';

export interface AdminRequestParts {
  readonly header: string | undefined;
  readonly method: AdminMethod;
  readonly path: string;
  readonly body: () => Promise<Uint8Array>;
}

/** Why a request was refused, for metrics; the client sees only the error's code and message. */
export type AuthRefusal = 'no-signature' | 'bad-signature' | 'stale' | 'replay' | 'role';

export class AdminAuthError extends KeyholeError {
  constructor(readonly refusal: AuthRefusal, code: 'BAD_SIGNATURE' | 'STALE' | 'REPLAY' | 'DENIED', message: string, readonly operator?: string) {
    super(code, message);
  }
}

const NOT_VALID = 'not a valid operator signature for this gatekeeper, method, path and body (unknown or revoked operator, or a bad signature)';

export async function authenticateOperator(ctx: GatekeeperContext, r: AdminRequestParts, need: Role): Promise<{ operator: Operator; body: Uint8Array }> {
  if (r.header === undefined) throw new AdminAuthError('no-signature', 'BAD_SIGNATURE', `admin requests must carry a ${OPERATOR_SIGNATURE_HEADER} header (docs/GATEKEEPER.md §Admin API)`);
  const h = parseOperatorSignatureHeader(r.header);
  if (h === undefined) throw new AdminAuthError('bad-signature', 'BAD_SIGNATURE', `${OPERATOR_SIGNATURE_HEADER} is malformed; expected "v1 operator=<id>,time=<unix>,nonce=<22 chars>,sig=<86 chars>"`);
  const now = seconds(ctx.now());
  if (Math.abs(now - h.time) > ADMIN_REQUEST_WINDOW_SECONDS) {
    throw new AdminAuthError('stale', 'STALE', `signed request time ${h.time} is more than ${ADMIN_REQUEST_WINDOW_SECONDS} s from the gatekeeper's clock ${now}; check this machine's clock`);
  }
  const operator = await findOperator(ctx, h.operator);
  const body = await r.body();
  const message = await adminSignedMessage(ctx.p, { lab: ctx.lab, operator: h.operator, method: r.method, path: r.path, body }, h.time, h.nonce);
  const ok = operator !== undefined && operator.revokedAt === null && (await ctx.p.ed25519Verify(fromBase64Url(operator.publicKey), message, fromBase64Url(h.sig)));
  if (!ok) throw new AdminAuthError('bad-signature', 'BAD_SIGNATURE', NOT_VALID);
  const inserted = await ctx.db
    .insertInto('nonces')
    .values({ nonce: `a:${h.operator}:${h.nonce}`, expires_at: h.time + 2 * ADMIN_REQUEST_WINDOW_SECONDS })
    .onConflict((oc) => oc.column('nonce').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) throw new AdminAuthError('replay', 'REPLAY', 'this signed request was already used (replay); sign each request afresh', operator.id);
  if (!roleAllows(operator.role, need)) throw new AdminAuthError('role', 'DENIED', `operator ${operator.id} has role ${operator.role}; this needs ${need}`, operator.id);
  return { operator, body };
}
