/**
 * Shared zod building blocks for keyhole's JSON formats, and the one place
 * where untrusted JSON becomes a typed value. Schemas are strict: unknown
 * fields are refused, so a verifier never passes over something it does not
 * understand.
 */
import { z } from 'zod';
import { fromBase64Url } from './bytes.js';
import { fail } from './errors.js';

/**
 * Identifiers (lab, dataset, batch, item, campaign, key and lease ids). The
 * alphabet keeps them safe as path segments and in logs: no slash, no leading
 * dot, no whitespace.
 */
export const Identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 of A-Z a-z 0-9 . _ - starting with a letter or digit');
export type Identifier = z.infer<typeof Identifier>;

/** Unpadded base64url of exactly `length` bytes (RFC 4648 §5). */
export function base64UrlBytes(length: number) {
  return z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'must be unpadded base64url')
    .refine((s) => {
      try {
        return fromBase64Url(s).length === length;
      } catch {
        return false;
      }
    }, `must encode exactly ${length} bytes`);
}

/** Unpadded base64url of between `min` and `max` bytes. */
export function base64UrlBytesBetween(min: number, max: number) {
  return z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'must be unpadded base64url')
    .refine((s) => {
      try {
        const n = fromBase64Url(s).length;
        return n >= min && n <= max;
      } catch {
        return false;
      }
    }, `must encode ${min} to ${max} bytes`);
}

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (SHA-256)');

/** Unix time in seconds or milliseconds, as a non-negative safe integer. */
export const UnixTime = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Parses untrusted data; the error names the format and the first failing field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return fail('BAD_FORMAT', `${what}: field ${field}: ${issue.message}`);
}

/** JSON.parse that reports which format failed instead of a bare SyntaxError. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    return fail('BAD_FORMAT', `${what}: not valid JSON (${(err as Error).message})`);
  }
}
