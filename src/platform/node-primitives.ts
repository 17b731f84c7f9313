/**
 * `Primitives` over node:crypto (OpenSSL), for the lab's and the vendor's
 * servers. Synchronous OpenSSL calls avoid WebCrypto's per-call thread-pool
 * hop, which dominates for small items (see bench/seal.ts). Adds
 * ChaCha20-Poly1305, which WebCrypto lacks.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type CipherGCMTypes,
  type KeyObject,
} from 'node:crypto';
import { AEAD_KEY_LENGTH, AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH, type AeadAlgorithm, type Ed25519Signer, type Primitives, type X25519PrivateKey } from '../core/primitives.js';
import { expectLength } from '../core/bytes.js';
import { fail } from '../core/errors.js';

// RFC 8410 §7 PKCS#8 prefixes for the raw 32-byte private keys.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Public keys are imported as RFC 8037 JWKs: OpenSSL decodes them about ten
 * times faster than the equivalent SPKI DER. Verification keys are cached,
 * since a server sees the same few device, hub and lab keys over and over.
 */
function importPublic(crv: 'Ed25519' | 'X25519', raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv, x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

const VERIFY_KEY_CACHE_LIMIT = 4096;
const verifyKeys = new Map<string, KeyObject>();

function ed25519VerifyKey(raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw).toString('hex');
  let key = verifyKeys.get(id);
  if (!key) {
    key = importPublic('Ed25519', raw);
    if (verifyKeys.size >= VERIFY_KEY_CACHE_LIMIT) verifyKeys.clear();
    verifyKeys.set(id, key);
  }
  return key;
}

// The GCM overloads of createCipheriv take the same options as chacha20-poly1305
// (an auth tag length and AAD), so one type serves all three names.
const CIPHER: Record<AeadAlgorithm, CipherGCMTypes> = {
  'AES-128-GCM': 'aes-128-gcm',
  'AES-256-GCM': 'aes-256-gcm',
  'ChaCha20-Poly1305': 'chacha20-poly1305' as CipherGCMTypes,
};

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function rawPublic(key: KeyObject): Uint8Array {
  return u8(Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url'));
}

function x25519Key(privateKey: KeyObject): X25519PrivateKey {
  const publicKey = rawPublic(createPublicKey(privateKey));
  return {
    publicKey,
    async dh(peer) {
      expectLength(peer, 32, 'X25519 public key');
      let shared: Buffer;
      try {
        shared = diffieHellman({ privateKey, publicKey: importPublic('X25519', peer) });
      } catch {
        return fail('BAD_FORMAT', 'X25519 key agreement failed (invalid or low-order public key)');
      }
      if (shared.every((b) => b === 0)) fail('BAD_FORMAT', 'X25519 produced the all-zero shared secret (low-order public key)');
      return u8(shared);
    },
  };
}

function ed25519Signer(privateKey: KeyObject): Ed25519Signer {
  return {
    publicKey: rawPublic(createPublicKey(privateKey)),
    async sign(message) {
      return u8(sign(null, message, privateKey));
    },
  };
}

function checkAead(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array): void {
  expectLength(key, AEAD_KEY_LENGTH[alg], `${alg} key`);
  expectLength(nonce, AEAD_NONCE_LENGTH, `${alg} nonce`);
}

export const nodePrimitives: Primitives = {
  name: 'node',
  randomBytes(length) {
    return u8(randomBytes(length));
  },
  async sha256(data) {
    return u8(createHash('sha256').update(data).digest());
  },
  async hmacSha256(key, data) {
    return u8(createHmac('sha256', key).update(data).digest());
  },
  supportsAead() {
    return true;
  },
  async aeadSeal(alg, key, nonce, plaintext, aad) {
    checkAead(alg, key, nonce);
    const cipher = createCipheriv(CIPHER[alg], key, nonce, { authTagLength: AEAD_TAG_LENGTH });
    cipher.setAAD(aad, { plaintextLength: plaintext.length });
    const head = cipher.update(plaintext);
    const tail = cipher.final();
    // Buffer.concat skips the zero-fill that a fresh Uint8Array pays for.
    return u8(Buffer.concat([head, tail, cipher.getAuthTag()]));
  },
  async aeadOpen(alg, key, nonce, ciphertext, aad) {
    checkAead(alg, key, nonce);
    if (ciphertext.length < AEAD_TAG_LENGTH) fail('DECRYPT_FAILED', `${alg} ciphertext is shorter than its tag`);
    const body = ciphertext.subarray(0, ciphertext.length - AEAD_TAG_LENGTH);
    const decipher = createDecipheriv(CIPHER[alg], key, nonce, { authTagLength: AEAD_TAG_LENGTH });
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - AEAD_TAG_LENGTH));
    decipher.setAAD(aad, { plaintextLength: body.length });
    try {
      const head = decipher.update(body);
      const tail = decipher.final();
      return tail.length === 0 ? u8(head) : u8(Buffer.concat([head, tail]));
    } catch {
      return fail('DECRYPT_FAILED', `${alg} authentication failed`);
    }
  },
  async x25519Generate() {
    const { privateKey } = generateKeyPairSync('x25519');
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    return { key: x25519Key(privateKey), secretKey: u8(Buffer.from(pkcs8.subarray(pkcs8.length - 32))) };
  },
  async x25519FromSecret(secretKey) {
    expectLength(secretKey, 32, 'X25519 secret key');
    return x25519Key(createPrivateKey({ key: Buffer.concat([PKCS8_X25519, secretKey]), format: 'der', type: 'pkcs8' }));
  },
  async ed25519Generate() {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    return { signer: ed25519Signer(privateKey), seed: u8(Buffer.from(pkcs8.subarray(pkcs8.length - 32))) };
  },
  async ed25519FromSeed(seed) {
    expectLength(seed, 32, 'Ed25519 seed');
    return ed25519Signer(createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' }));
  },
  async ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, ed25519VerifyKey(publicKey), signature);
    } catch {
      return false;
    }
  },
};
