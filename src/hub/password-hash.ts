/**
 * Annotator passwords, hashed with scrypt (RFC 7914) from node:crypto:
 * N = 2^15, r = 8, p = 1 (32 MiB and roughly 50-100 ms per hash on a server
 * core), a 32-byte random salt and a 32-byte output, compared in constant
 * time. The parameters are stored with each hash so they can be raised later
 * without invalidating existing ones.
 *
 *   scrypt$<log2 N>$<r>$<p>$<salt base64url>$<hash base64url>
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../core/bytes.js';
import { fail } from '../core/errors.js';

const LOG2_N = 15;
const R = 8;
const P = 1;
const SALT_BYTES = 32;
const HASH_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

function derive(password: string, salt: Uint8Array, log2N: number, r: number, p: number): Promise<Buffer> {
  // maxmem must exceed 128 * N * r, or node refuses the parameters.
  const options: ScryptOptions = { N: 2 ** log2N, r, p, maxmem: 256 * 2 ** log2N * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, HASH_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    fail('BAD_LENGTH', `password must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters`);
  }
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, LOG2_N, R, P);
  return ['scrypt', LOG2_N, R, P, toBase64Url(salt), toBase64Url(hash)].join('$');
}

const STORED = /^scrypt\$(\d{2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (m === null) fail('BAD_FORMAT', 'stored password hash is not in the scrypt$... form');
  const [, log2N, r, p, salt, hash] = m;
  const expected = fromBase64Url(hash!);
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const actual = await derive(password, fromBase64Url(salt!), Number(log2N), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash of a password nobody knows, checked when the username does not
 * exist, so a login takes as long for an unknown user as for a wrong password.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(toBase64Url(randomBytes(24)));
  return decoy;
}
