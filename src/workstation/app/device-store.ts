/**
 * The browser's device keys: an Ed25519 and an X25519 key pair made by
 * WebCrypto with `extractable: false`, so no script (ours included) can ever
 * read the private halves, only use them. The CryptoKey objects themselves
 * are kept in IndexedDB (structured clone keeps them non-extractable), one
 * pair per annotator on this browser profile.
 */
import { webCryptoPrimitives, ed25519SignerFromCryptoKey, x25519KeyFromCryptoKey } from '../../core/webcrypto-primitives.js';
import { deviceKeys, type DeviceKeys } from '../device-keys.js';

const DB_NAME = 'keyhole-workstation';
const STORE = 'devices';

interface StoredDevice {
  signing: CryptoKeyPair;
  kex: CryptoKeyPair;
  created: number;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

async function openDb(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

async function withStore<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await request(fn(db.transaction(STORE, mode).objectStore(STORE)));
  } finally {
    db.close();
  }
}

async function rawPublic(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey('raw', key));
}

async function wrap(stored: StoredDevice): Promise<DeviceKeys> {
  const signer = ed25519SignerFromCryptoKey(stored.signing.privateKey, await rawPublic(stored.signing.publicKey));
  const kex = x25519KeyFromCryptoKey(stored.kex.privateKey, await rawPublic(stored.kex.publicKey));
  return deviceKeys(webCryptoPrimitives, signer, kex);
}

/** This browser's device keys for the annotator, made (non-extractable) and stored on first use. */
export async function loadOrCreateDevice(annotator: string): Promise<{ device: DeviceKeys; created: boolean }> {
  const key = `annotator:${annotator}`;
  const existing = await withStore<StoredDevice | undefined>('readonly', (s) => s.get(key) as IDBRequest<StoredDevice | undefined>);
  if (existing !== undefined) return { device: await wrap(existing), created: false };
  const signing = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const kex = (await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits'])) as CryptoKeyPair;
  const stored: StoredDevice = { signing, kex, created: Date.now() };
  await withStore('readwrite', (s) => s.put(stored, key));
  return { device: await wrap(stored), created: true };
}
