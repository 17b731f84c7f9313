/**
 * RFC 8785 JSON Canonicalization Scheme (JCS). Everything keyhole signs or
 * hashes as JSON goes through here, so two parties that agree on a value agree
 * on its bytes.
 *
 * - §3.2.2.3: numbers are serialized as ECMAScript's Number.prototype.toString
 *   does (which is what JSON.stringify uses for finite numbers).
 * - §3.2.2.2: strings use JSON.stringify's escaping, which matches the RFC's
 *   rules (only `"`, `\`, and U+0000..U+001F are escaped; \b \t \n \f \r short forms).
 * - §3.2.3: object members are sorted by their names as UTF-16 code units.
 * - §3.1 (I-JSON, RFC 7493): lone surrogates, NaN and infinities are refused.
 */
import { fail } from './errors.js';
import { utf8 } from './bytes.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serializeString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) fail('BAD_ENCODING', `${path} holds a lone UTF-16 surrogate`);
  return JSON.stringify(s);
}

function serialize(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) fail('BAD_FORMAT', `${path} is not a finite number`);
      return JSON.stringify(value);
    case 'string':
      return serializeString(value, path);
    case 'object': {
      if (Array.isArray(value)) {
        return '[' + value.map((v, i) => serialize(v, `${path}[${i}]`)).join(',') + ']';
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) fail('BAD_FORMAT', `${path} is not a plain JSON object`);
      const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
      // Default sort compares UTF-16 code units, as §3.2.3 requires.
      keys.sort();
      return (
        '{' +
        keys
          .map((k) => serializeString(k, `${path} key`) + ':' + serialize((value as Record<string, unknown>)[k], `${path}.${k}`))
          .join(',') +
        '}'
      );
    }
    default:
      return fail('BAD_FORMAT', `${path} is a ${typeof value}, which JSON cannot hold`);
  }
}

/** The canonical text of a JSON value. Members whose value is `undefined` are left out. */
export function canonicalJson(value: unknown): string {
  return serialize(value, '$');
}

export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}
