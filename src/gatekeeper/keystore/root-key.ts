/**
 * The lab's root key (DESIGN §4: root → batch KEK → DEK). Everything the
 * gatekeeper keeps secret at rest (batch KEKs, the lab's signing and section
 * keys, result keys, the log key) is stored wrapped under it. Two providers:
 * a passphrase-sealed file (passphrase-keystore.ts), where the root key is in
 * this process's memory, and AWS KMS (kms-root-key.ts), where it never
 * leaves the KMS.
 *
 * Every wrap is bound to a `purpose` string ("kek:<id>", "secret:<name>"), so
 * a wrapped value moved to another row does not unwrap.
 */
import { concat, utf8 } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import type { Primitives } from '../../core/primitives.js';

export interface RootKey {
  /** Where the root key lives, for status output; never the key itself. */
  readonly description: string;
  wrap(purpose: string, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Fails with DECRYPT_FAILED when the value was not wrapped by this root key for this purpose. */
  unwrap(purpose: string, wrapped: Uint8Array): Promise<Uint8Array>;
}

const NONCE = 12;

export function rootWrapAad(purpose: string): Uint8Array {
  return concat(utf8('keyhole/v1 root-wrap'), new Uint8Array([0]), utf8(purpose));
}

/** AES-256-GCM under a root key held in memory: nonce(12) || ciphertext || tag(16). */
export function localRootKey(p: Primitives, key: Uint8Array, description: string): RootKey {
  if (key.length !== 32) fail('BAD_LENGTH', `root key is ${key.length} bytes, expected 32`);
  return {
    description,
    async wrap(purpose, plaintext) {
      const nonce = p.randomBytes(NONCE);
      return concat(nonce, await p.aeadSeal('AES-256-GCM', key, nonce, plaintext, rootWrapAad(purpose)));
    },
    async unwrap(purpose, wrapped) {
      if (wrapped.length < NONCE + 16) fail('BAD_LENGTH', `wrapped ${purpose}: ${wrapped.length} bytes is too short`);
      try {
        return await p.aeadOpen('AES-256-GCM', key, wrapped.subarray(0, NONCE), wrapped.subarray(NONCE), rootWrapAad(purpose));
      } catch {
        return fail('DECRYPT_FAILED', `wrapped ${purpose} does not open under this root key (another keystore, or the row was altered)`);
      }
    },
  };
}
