/**
 * Typed errors. Every failure that crosses a trust boundary carries a stable
 * machine code and a message a person can act on. Messages name the field or
 * part that failed; they never contain key material or plaintext.
 */
export type ErrorCode =
  | 'BAD_ENCODING'
  | 'BAD_FORMAT'
  | 'BAD_LENGTH'
  | 'BAD_SIGNATURE'
  | 'DECRYPT_FAILED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'KEY_COMMITMENT_MISMATCH'
  | 'MISMATCH'
  | 'TRUNCATED'
  | 'TRAILING_DATA'
  | 'UNKNOWN_VERSION'
  | 'UNSUPPORTED'
  | 'REPLAY'
  | 'STALE'
  | 'DENIED'
  | 'UNAVAILABLE'
  | 'NOT_FOUND'
  | 'CONFLICT';

export class KeyholeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'KeyholeError';
    this.code = code;
  }
}

export function fail(code: ErrorCode, message: string): never {
  throw new KeyholeError(code, message);
}
