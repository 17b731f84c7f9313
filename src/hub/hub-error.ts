/**
 * Refusals the hub sends to clients. Each carries a stable code, the HTTP
 * status it maps to, and a message that says what to fix; none carries a
 * stack, a token or anything from the stored data beyond ids.
 */
import { KeyholeError } from '../core/errors.js';

export type HubErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'SUSPENDED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'LEASE_NOT_OPEN'
  | 'NO_ITEM_AVAILABLE'
  | 'CAMPAIGN_CLOSED'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'BUSY'
  | 'INTERNAL';

const STATUS: Record<HubErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  SUSPENDED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LEASE_NOT_OPEN: 409,
  NO_ITEM_AVAILABLE: 404,
  CAMPAIGN_CLOSED: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  BUSY: 503,
  INTERNAL: 500,
};

export class HubError extends Error {
  readonly code: HubErrorCode;
  readonly status: (typeof STATUS)[HubErrorCode];
  /** Seconds after which a retry may succeed (sent as Retry-After), for throttling and load refusals. */
  readonly retryAfter: number | undefined;
  constructor(code: HubErrorCode, message: string, retryAfter?: number) {
    super(message);
    this.name = 'HubError';
    this.code = code;
    this.status = STATUS[code];
    this.retryAfter = retryAfter;
  }
}

export function refuse(code: HubErrorCode, message: string, retryAfter?: number): never {
  throw new HubError(code, message, retryAfter);
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * What a client may learn about a failure. Format errors from core
 * (BAD_FORMAT, BAD_SIGNATURE, UNKNOWN_VERSION, ...) are the client's to fix
 * and keep their code; anything else is reported as INTERNAL without detail.
 */
export function describeError(err: unknown): { status: number; body: ErrorBody; retryAfter?: number } {
  if (err instanceof HubError) {
    const body = { error: { code: err.code, message: err.message } };
    return err.retryAfter === undefined ? { status: err.status, body } : { status: err.status, body, retryAfter: Math.max(1, Math.ceil(err.retryAfter)) };
  }
  if (err instanceof KeyholeError) return { status: 400, body: { error: { code: err.code, message: err.message } } };
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error; the hub operator can find details in the server log' } } };
}
