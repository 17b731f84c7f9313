/**
 * The root key in AWS KMS: it never leaves the KMS. Wrapping is KMS Encrypt
 * with the purpose as encryption context (KMS binds it as associated data),
 * unwrapping is Decrypt with the same context and the expected key id, so a
 * ciphertext from another key or for another purpose is refused by KMS.
 */
import { DecryptCommand, EncryptCommand, KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { fail } from '../../core/errors.js';
import type { RootKey } from './root-key.js';

const CONTEXT_KEY = 'keyhole/v1 root-wrap';

export interface KmsRootKeyOptions {
  /** Key id or ARN of a symmetric (SYMMETRIC_DEFAULT) KMS key. */
  keyId: string;
  client?: KMSClient;
  clientConfig?: KMSClientConfig;
}

export function kmsRootKey(options: KmsRootKeyOptions): RootKey {
  const client = options.client ?? new KMSClient(options.clientConfig ?? {});
  return {
    description: `AWS KMS key ${options.keyId}`,
    async wrap(purpose, plaintext) {
      try {
        const out = await client.send(new EncryptCommand({ KeyId: options.keyId, Plaintext: plaintext, EncryptionContext: { [CONTEXT_KEY]: purpose } }));
        if (!out.CiphertextBlob) fail('UNAVAILABLE', 'KMS Encrypt returned no ciphertext');
        return out.CiphertextBlob;
      } catch (err) {
        return fail('UNAVAILABLE', `KMS Encrypt with ${options.keyId} failed: ${(err as Error).name}`);
      }
    },
    async unwrap(purpose, wrapped) {
      let plaintext: Uint8Array | undefined;
      try {
        const out = await client.send(new DecryptCommand({ KeyId: options.keyId, CiphertextBlob: wrapped, EncryptionContext: { [CONTEXT_KEY]: purpose } }));
        plaintext = out.Plaintext;
      } catch (err) {
        const name = (err as Error).name;
        if (name === 'InvalidCiphertextException' || name === 'IncorrectKeyException') {
          return fail('DECRYPT_FAILED', `wrapped ${purpose} does not open under KMS key ${options.keyId} (another key, or the row was altered)`);
        }
        return fail('UNAVAILABLE', `KMS Decrypt with ${options.keyId} failed: ${name}`);
      }
      if (!plaintext) return fail('UNAVAILABLE', 'KMS Decrypt returned no plaintext');
      return plaintext;
    },
  };
}
