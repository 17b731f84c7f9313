/**
 * `Primitives` over the W3C Web Cryptography API, as found in browsers and in
 * Node's globalThis.crypto. WebCrypto has no ChaCha20-Poly1305, so that AEAD
 * is reported unsupported here.
 *
 * Raw X25519 and Ed25519 secrets are imported through PKCS#8 (RFC 8410 §7),
 * the only private-key format WebCrypto accepts for them.
 */
import { AEAD_KEY_LENGTH, type AeadAlgorithm, type Ed25519Signer, type Primitives, type X25519PrivateKey } from './primitives.js';
import { concat, expectLength, fromBase64Url } from './bytes.js';
import { fail } from './errors.js';

// RFC 8410 §7: PrivateKeyInfo for id-X25519 (1.3.101.110) / id-Ed25519 (1.3.101.112) around a 32-byte CurvePrivateKey.
const PKCS8_X25519_PREFIX = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);
const PKCS8_ED25519_PREFIX = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

type Subtle = SubtleCrypto;

function subtle(): Subtle {
  const s = globalThis.crypto?.subtle;
  if (!s) fail('UNSUPPORTED', 'this platform has no WebCrypto (a secure context is required in browsers)');
  return s;
}

const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>;

async function publicFromPrivate(key: CryptoKey): Promise<Uint8Array> {
  const jwk = await subtle().exportKey('jwk', key);
  return fromBase64Url(jwk.x ?? '', 'public key');
}

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (const x of b) acc |= x;
  return acc === 0;
}

/** Wraps a WebCrypto X25519 private key (extractable or not) as an `X25519PrivateKey`. */
export function x25519KeyFromCryptoKey(privateKey: CryptoKey, publicKey: Uint8Array): X25519PrivateKey {
  return {
    publicKey,
    async dh(peer) {
      expectLength(peer, 32, 'X25519 public key');
      let shared: ArrayBuffer;
      try {
        const peerKey = await subtle().importKey('raw', buf(peer), { name: 'X25519' }, false, []);
        shared = await subtle().deriveBits({ name: 'X25519', public: peerKey }, privateKey, 256);
      } catch {
        return fail('BAD_FORMAT', 'X25519 key agreement failed (invalid or low-order public key)');
      }
      const out = new Uint8Array(shared);
      if (isAllZero(out)) fail('BAD_FORMAT', 'X25519 produced the all-zero shared secret (low-order public key)');
      return out;
    },
  };
}

/** Wraps a WebCrypto Ed25519 private key (extractable or not) as an `Ed25519Signer`. */
export function ed25519SignerFromCryptoKey(privateKey: CryptoKey, publicKey: Uint8Array): Ed25519Signer {
  return {
    publicKey,
    async sign(message) {
      return new Uint8Array(await subtle().sign({ name: 'Ed25519' }, privateKey, buf(message)));
    },
  };
}

export const webCryptoPrimitives: Primitives = {
  name: 'webcrypto',
  randomBytes(length) {
    const out = new Uint8Array(length);
    // getRandomValues fills at most 65536 bytes per call.
    for (let i = 0; i < length; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
    return out;
  },
  async sha256(data) {
    return new Uint8Array(await subtle().digest('SHA-256', buf(data)));
  },
  async hmacSha256(key, data) {
    // WebCrypto refuses zero-length HMAC keys; RFC 2104 pads keys with zeros, so
    // an empty key and a single zero byte give the same MAC.
    const k = key.length === 0 ? new Uint8Array(1) : key;
    const hk = await subtle().importKey('raw', buf(k), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return new Uint8Array(await subtle().sign('HMAC', hk, buf(data)));
  },
  supportsAead(alg) {
    return alg === 'AES-128-GCM' || alg === 'AES-256-GCM';
  },
  async aeadSeal(alg, key, nonce, plaintext, aad) {
    const k = await importAesKey(alg, key, 'encrypt');
    return new Uint8Array(
      await subtle().encrypt({ name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad), tagLength: 128 }, k, buf(plaintext)),
    );
  },
  async aeadOpen(alg, key, nonce, ciphertext, aad) {
    const k = await importAesKey(alg, key, 'decrypt');
    try {
      return new Uint8Array(
        await subtle().decrypt({ name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad), tagLength: 128 }, k, buf(ciphertext)),
      );
    } catch {
      return fail('DECRYPT_FAILED', `${alg} authentication failed`);
    }
  },
  async x25519Generate() {
    const pair = (await subtle().generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
    const pkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey));
    const secretKey = pkcs8.slice(pkcs8.length - 32);
    const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
    return { key: x25519KeyFromCryptoKey(pair.privateKey, publicKey), secretKey };
  },
  async x25519FromSecret(secretKey) {
    expectLength(secretKey, 32, 'X25519 secret key');
    const key = await subtle().importKey('pkcs8', buf(concat(PKCS8_X25519_PREFIX, secretKey)), { name: 'X25519' }, true, ['deriveBits']);
    return x25519KeyFromCryptoKey(key, await publicFromPrivate(key));
  },
  async ed25519Generate() {
    const pair = (await subtle().generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const pkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey));
    const seed = pkcs8.slice(pkcs8.length - 32);
    const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
    return { signer: ed25519SignerFromCryptoKey(pair.privateKey, publicKey), seed };
  },
  async ed25519FromSeed(seed) {
    expectLength(seed, 32, 'Ed25519 seed');
    const key = await subtle().importKey('pkcs8', buf(concat(PKCS8_ED25519_PREFIX, seed)), { name: 'Ed25519' }, true, ['sign']);
    return ed25519SignerFromCryptoKey(key, await publicFromPrivate(key));
  },
  async ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      const key = await subtle().importKey('raw', buf(publicKey), { name: 'Ed25519' }, false, ['verify']);
      return await subtle().verify({ name: 'Ed25519' }, key, buf(signature), buf(message));
    } catch {
      return false;
    }
  },
};

async function importAesKey(alg: AeadAlgorithm, key: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  if (alg === 'ChaCha20-Poly1305') fail('UNSUPPORTED', 'ChaCha20-Poly1305 is not available in WebCrypto');
  expectLength(key, AEAD_KEY_LENGTH[alg], `${alg} key`);
  return subtle().importKey('raw', buf(key), { name: 'AES-GCM' }, false, [usage]);
}
