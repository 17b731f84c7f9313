/**
 * The cryptographic primitives keyhole's formats are built from, behind one
 * small interface. `core` never imports a platform crypto module: it is given a
 * `Primitives` (WebCrypto in the browser, node:crypto on servers, see
 * src/platform/node-primitives.ts) so the same format code runs everywhere and
 * both back ends are checked against the same vectors.
 *
 * Private keys are handles, not bytes: a device key made non-extractable in
 * the browser still satisfies `X25519PrivateKey` and `Ed25519Signer`.
 */
export type AeadAlgorithm = 'AES-128-GCM' | 'AES-256-GCM' | 'ChaCha20-Poly1305';

export const AEAD_KEY_LENGTH: Record<AeadAlgorithm, number> = {
  'AES-128-GCM': 16,
  'AES-256-GCM': 32,
  'ChaCha20-Poly1305': 32,
};
export const AEAD_NONCE_LENGTH = 12;
export const AEAD_TAG_LENGTH = 16;

/** An X25519 private key that can do Diffie-Hellman but need not expose its bytes. */
export interface X25519PrivateKey {
  readonly publicKey: Uint8Array;
  /** RFC 7748 §5 X25519(sk, peer). Rejects an all-zero shared secret (RFC 9180 §7.1.4). */
  dh(peerPublicKey: Uint8Array): Promise<Uint8Array>;
}

/** An Ed25519 signing key that need not expose its seed. */
export interface Ed25519Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface Primitives {
  readonly name: string;
  randomBytes(length: number): Uint8Array;
  sha256(data: Uint8Array): Promise<Uint8Array>;
  hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  supportsAead(alg: AeadAlgorithm): boolean;
  /** Returns ciphertext || 16-byte tag. */
  aeadSeal(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /** Throws KeyholeError DECRYPT_FAILED when the tag does not verify. */
  aeadOpen(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  x25519Generate(): Promise<{ key: X25519PrivateKey; secretKey: Uint8Array }>;
  /** An X25519 key from its 32 secret bytes (RFC 7748 §5 clamping is applied by X25519 itself). */
  x25519FromSecret(secretKey: Uint8Array): Promise<X25519PrivateKey>;
  ed25519Generate(): Promise<{ signer: Ed25519Signer; seed: Uint8Array }>;
  /** An Ed25519 key from its 32-byte seed (RFC 8032 §5.1.5). */
  ed25519FromSeed(seed: Uint8Array): Promise<Ed25519Signer>;
  /**
   * RFC 8032 §5.1.7 verification with the rules of Go's crypto/ed25519 and
   * OpenSSL: non-canonical S and R and cofactored-only signatures are refused.
   * Returns false on any malformed input rather than throwing.
   */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}
