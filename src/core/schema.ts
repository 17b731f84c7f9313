/**
 * Shared zod building blocks for keyhole's JSON formats, and the one place
 * where untrusted JSON becomes a typed value. Schemas are strict: unknown
 * fields are refused, so a verifier never passes over something it does not
 * understand.
 *
 * Error codes follow docs/SPEC.md §10: a field whose bytes are not valid
 * base64url or hex is BAD_ENCODING, one that decodes to the wrong number of
 * bytes is BAD_LENGTH, a `v` that is another integer is UNKNOWN_VERSION, and
 * everything else is BAD_FORMAT. When one value has several faults, the code
 * that wins is the first of PRECEDENCE that applies (§10, "which code wins").
 */
import { z } from 'zod';
import { fromBase64Url } from './bytes.js';
import { canonicalJson } from './canonical-json.js';
import { fail, type ErrorCode } from './errors.js';

/** §10: within one parsed value, the more specific code wins over BAD_FORMAT. */
const PRECEDENCE: readonly ErrorCode[] = ['UNKNOWN_VERSION', 'BAD_ENCODING', 'BAD_LENGTH', 'BAD_FORMAT'];

type IssueCtx = { addIssue(issue: { code: 'custom'; message: string; params: { keyhole: ErrorCode } }): void };
function issue(ctx: IssueCtx, code: ErrorCode, message: string): void {
  ctx.addIssue({ code: 'custom', message, params: { keyhole: code } });
}

/**
 * The `v` member of every versioned object: exactly 1. Another integer is a
 * version this implementation does not know (UNKNOWN_VERSION); anything else
 * is BAD_FORMAT.
 */
export const VersionOne = z.custom<1>().superRefine((v, ctx) => {
  if (v === 1) return;
  if (typeof v === 'number' && Number.isInteger(v)) issue(ctx, 'UNKNOWN_VERSION', `unknown version ${v}; this implementation knows version 1`);
  else issue(ctx, 'BAD_FORMAT', 'must be the version number 1');
});

/**
 * Identifiers (lab, dataset, batch, item, campaign, key and lease ids). The
 * alphabet keeps them safe as path segments and in logs: no slash, no leading
 * dot, no whitespace.
 */
export const Identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 of A-Z a-z 0-9 . _ - starting with a letter or digit');
export type Identifier = z.infer<typeof Identifier>;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decoded length of a base64url field, or a BAD_ENCODING issue (alphabet, padding, impossible length, non-zero unused bits). */
function decodedLength(s: string, ctx: IssueCtx): number | undefined {
  if (!BASE64URL.test(s)) {
    issue(ctx, 'BAD_ENCODING', 'must be unpadded base64url');
    return undefined;
  }
  try {
    return fromBase64Url(s).length;
  } catch {
    issue(ctx, 'BAD_ENCODING', 'is not canonical base64url');
    return undefined;
  }
}

/** Unpadded base64url of exactly `length` bytes (RFC 4648 §5). */
export function base64UrlBytes(length: number) {
  return z.string().superRefine((s, ctx) => {
    const n = decodedLength(s, ctx);
    if (n !== undefined && n !== length) issue(ctx, 'BAD_LENGTH', `must encode exactly ${length} bytes, not ${n}`);
  });
}

/** Unpadded base64url of between `min` and `max` bytes. */
export function base64UrlBytesBetween(min: number, max: number) {
  return z.string().superRefine((s, ctx) => {
    const n = decodedLength(s, ctx);
    if (n !== undefined && (n < min || n > max)) issue(ctx, 'BAD_LENGTH', `must encode ${min} to ${max} bytes, not ${n}`);
  });
}

/** 64 lower-case hex digits: other characters are BAD_ENCODING, another length BAD_LENGTH. */
export const Sha256Hex = z.string().superRefine((s, ctx) => {
  if (!/^[0-9a-f]*$/.test(s)) issue(ctx, 'BAD_ENCODING', 'must be lower-case hex (SHA-256)');
  else if (s.length !== 64) issue(ctx, 'BAD_LENGTH', `must be 64 hex digits (SHA-256), not ${s.length}`);
});

/** Unix time in seconds or milliseconds, as a non-negative safe integer. */
export const UnixTime = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

function codeOf(i: z.core.$ZodIssue): ErrorCode {
  const params = (i as { params?: { keyhole?: ErrorCode } }).params;
  return params?.keyhole ?? 'BAD_FORMAT';
}

/**
 * Parses untrusted data; the error names the format and the failing field. Of
 * several faults, the one whose code comes first in PRECEDENCE is reported
 * (zod reports nested issues flattened, so this spans the whole value).
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  let chosen = issues[0]!;
  for (const i of issues) if (PRECEDENCE.indexOf(codeOf(i)) < PRECEDENCE.indexOf(codeOf(chosen))) chosen = i;
  const field = chosen.path.length > 0 ? chosen.path.join('.') : '(top level)';
  return fail(codeOf(chosen), `${what}: field ${field}: ${chosen.message}`);
}

/** Deeper JSON than this is refused: keyhole's formats nest a few levels, datasets a few dozen. */
export const MAX_JSON_DEPTH = 512;

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Number of object member names in JSON text that JSON.parse accepted: every
 * string followed by ':' outside a string. A linear scan with indexOf, no
 * allocation: the closing quote of a string is the first '"' preceded by an
 * even number of backslashes.
 */
function memberNamesInText(text: string): number {
  let names = 0;
  let open = text.indexOf('"');
  while (open >= 0) {
    let close = open;
    for (;;) {
      close = text.indexOf('"', close + 1);
      let k = close - 1;
      while (text.charCodeAt(k) === 0x5c) k--;
      if ((close - 1 - k) % 2 === 0) break;
    }
    let next = close + 1;
    while (isJsonSpace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === 0x3a) names++;
    open = text.indexOf('"', next);
  }
  return names;
}

/** Number of members in all objects of a parsed value, iteratively (no recursion to overflow); BAD_FORMAT beyond MAX_JSON_DEPTH. */
function membersInValue(value: unknown, what: string): number {
  let members = 0;
  // Two parallel stacks rather than one of {value, depth} records: no allocation per node.
  const values: object[] = [];
  const depths: number[] = [];
  if (value !== null && typeof value === 'object') {
    values.push(value);
    depths.push(1);
  }
  while (values.length > 0) {
    const v = values.pop()!;
    const depth = depths.pop()!;
    if (depth > MAX_JSON_DEPTH) fail('BAD_FORMAT', `${what}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (Array.isArray(v)) {
      for (const c of v) {
        if (c !== null && typeof c === 'object') {
          values.push(c);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const k in v) {
        members++;
        const c = (v as Record<string, unknown>)[k];
        if (c !== null && typeof c === 'object') {
          values.push(c);
          depths.push(depth + 1);
        }
      }
    }
  }
  return members;
}

/**
 * JSON.parse for untrusted text (docs/SPEC.md §1.2): refuses invalid JSON, an
 * object with the same member name twice (JSON.parse would keep the last, so
 * two verifiers could disagree on what was signed) and nesting beyond
 * MAX_JSON_DEPTH. Duplicates are found by counting: the member names in the
 * text equal the members of the parsed objects exactly when no name repeats
 * within an object, so the check is two linear passes and no second parser.
 * Messages never quote the input.
 */
export function parseJsonText(text: string, what: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const at = /at position (\d+)/.exec((err as Error).message);
    return fail('BAD_FORMAT', `${what}: not valid JSON${at ? ` (at position ${at[1]})` : ''}`);
  }
  const members = membersInValue(value, what);
  if (members > 0 && memberNamesInText(text) !== members) fail('BAD_FORMAT', `${what}: an object has the same member name twice (docs/SPEC.md §1.2)`);
  return value;
}

/**
 * JSON that must be exactly its RFC 8785 form (docs/SPEC.md §1.2), so each
 * value has one encoding. Codes by §10's precedence: an unknown version wins,
 * then a non-canonical spelling (BAD_ENCODING), then the schema's own faults.
 */
export function parseCanonicalJson<S extends z.ZodType>(schema: S, text: string, what: string): z.infer<S> {
  const raw = parseJsonText(text, what);
  const result = schema.safeParse(raw);
  const unknownVersion = result.error?.issues.some((i) => codeOf(i) === 'UNKNOWN_VERSION') ?? false;
  if (!unknownVersion && !isCanonical(raw, text)) fail('BAD_ENCODING', `${what}: not in canonical (RFC 8785) form`);
  return parseWith(schema, raw, what);
}

function isCanonical(value: unknown, text: string): boolean {
  try {
    return canonicalJson(value) === text;
  } catch {
    return false;
  }
}
