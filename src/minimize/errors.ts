/**
 * Errors of the minimizer. They reuse the core error codes so callers can branch on `code`;
 * messages name the line, field, rule or format that failed and never quote record content.
 */
import { KeyholeError, type ErrorCode } from '../core/errors.js';

export class MinimizeError extends KeyholeError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'MinimizeError';
  }
}

export function refuse(code: ErrorCode, message: string): never {
  throw new MinimizeError(code, message);
}

/** Describes a zod failure by field path only: zod messages can quote input values. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code: string }>): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(record)'}: ${i.code === 'invalid_type' || i.code === 'invalid_union' ? i.message.replace(/, received .*/, '') : i.code}`)
    .join('; ');
}
