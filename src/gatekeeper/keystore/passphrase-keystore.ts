/**
 * The root key in a file sealed by a passphrase (docs/SPEC.md §11.1).
 * The file is JSON:
 *
 *   {"v":1,"format":"keyhole-gatekeeper-keystore",
 *    "kdf":{"name":"scrypt","N":131072,"r":8,"p":1,"salt":b64u(16)},
 *    "nonce":b64u(12),"ct":b64u(48)}
 *
 *   kek = scrypt(NFC(passphrase), salt, N, r, p, 32)
 *   ct  = AES-256-GCM(kek, nonce, root_key, aad = "keyhole/v1 keystore" || 0x00 || JCS(file without "ct"))
 *
 * The associated data covers the KDF parameters, so they cannot be weakened
 * in the file without the open failing. scrypt with N = 2^17, r = 8, p = 1
 * (128 MiB, OWASP's recommendation); files asking for less are refused.
 */
import { scrypt as scryptCallback } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { concat, fromBase64Url, toBase64Url, utf8 } from '../../core/bytes.js';
import { canonicalJson, canonicalJsonBytes } from '../../core/canonical-json.js';
import { fail } from '../../core/errors.js';
import type { Primitives } from '../../core/primitives.js';
import { VersionOne, base64UrlBytes, parseJsonText, parseWith } from '../../core/schema.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import { localRootKey, type RootKey } from './root-key.js';

export const KEYSTORE_FORMAT = 'keyhole-gatekeeper-keystore';
export const SCRYPT_DEFAULTS = { N: 2 ** 17, r: 8, p: 1 } as const;
const MIN_N = 2 ** 17;
const MAX_N = 2 ** 22;
const MIN_PASSPHRASE = 12;

const KdfParams = z
  .object({
    name: z.literal('scrypt'),
    N: z.number().int().refine((n) => n >= MIN_N && n <= MAX_N && (n & (n - 1)) === 0, `must be a power of two from 2^17 to 2^22`),
    r: z.number().int().min(8).max(32),
    p: z.number().int().min(1).max(16),
    salt: base64UrlBytes(16),
  })
  .strict();

const KeystoreFile = z
  .object({ v: VersionOne, format: z.literal(KEYSTORE_FORMAT), kdf: KdfParams, nonce: base64UrlBytes(12), ct: base64UrlBytes(48) })
  .strict();
type KeystoreFile = z.infer<typeof KeystoreFile>;

function deriveKek(passphrase: string, kdf: z.infer<typeof KdfParams>): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    scryptCallback(utf8(passphrase.normalize('NFC')), fromBase64Url(kdf.salt), 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r }, (err, key) =>
      err ? reject(err) : resolve(new Uint8Array(key)),
    );
  });
}

function fileAad(file: Omit<KeystoreFile, 'ct'>): Uint8Array {
  return concat(utf8('keyhole/v1 keystore'), new Uint8Array([0]), canonicalJsonBytes(file));
}

/** docs/SPEC.md §1.3: characters are Unicode code points, counted in the NFC form that scrypt is given. */
function checkPassphrase(passphrase: string): void {
  if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE) fail('BAD_FORMAT', `keystore passphrase: at least ${MIN_PASSPHRASE} characters`);
}

/** Creates a new keystore file with a fresh random root key. Refuses to overwrite an existing file. */
export async function createKeystoreFile(p: Primitives, path: string, passphrase: string): Promise<RootKey> {
  checkPassphrase(passphrase);
  const rootKey = p.randomBytes(32);
  const header = { v: 1 as const, format: KEYSTORE_FORMAT as typeof KEYSTORE_FORMAT, kdf: { name: 'scrypt' as const, ...SCRYPT_DEFAULTS, salt: toBase64Url(p.randomBytes(16)) }, nonce: toBase64Url(p.randomBytes(12)) };
  const kek = await deriveKek(passphrase, header.kdf);
  const ct = await p.aeadSeal('AES-256-GCM', kek, fromBase64Url(header.nonce), rootKey, fileAad(header));
  kek.fill(0);
  try {
    await writeFileAtomic(path, `${canonicalJson({ ...header, ct: toBase64Url(ct) })}\n`, { exclusive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') fail('CONFLICT', `keystore ${path} already exists; refusing to overwrite a root key`);
    throw err;
  }
  return localRootKey(p, rootKey, `keystore file ${path}`);
}

/** Opens a keystore file; a wrong passphrase (or an altered file) is DECRYPT_FAILED with a message saying so. */
export async function openKeystoreFile(p: Primitives, path: string, passphrase: string): Promise<RootKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return fail('NOT_FOUND', `keystore ${path} cannot be read; create one with "keyhole gatekeeper init"`);
  }
  const file = parseWith(KeystoreFile, parseJsonText(text, `keystore ${path}`), `keystore ${path}`);
  const { ct, ...header } = file;
  const kek = await deriveKek(passphrase, header.kdf);
  let rootKey: Uint8Array;
  try {
    rootKey = await p.aeadOpen('AES-256-GCM', kek, fromBase64Url(header.nonce), fromBase64Url(ct), fileAad(header));
  } catch {
    return fail('DECRYPT_FAILED', `keystore ${path}: wrong passphrase, or the file was altered`);
  } finally {
    kek.fill(0);
  }
  return localRootKey(p, rootKey, `keystore file ${path}`);
}
