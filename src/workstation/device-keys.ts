/**
 * An annotator device's key pair as the task loop uses it: an Ed25519 signer
 * (release requests, labels) and an X25519 key (opens DEK grants), held as
 * handles. In the browser they wrap non-extractable WebCrypto keys kept in
 * IndexedDB (app/device-store.ts); the Node SDK makes them with any
 * `Primitives` (sdk/device.ts).
 */
import { toBase64Url } from '../core/bytes.js';
import { deviceId, type DevicePublicKeys } from '../core/device.js';
import type { Ed25519Signer, Primitives, X25519PrivateKey } from '../core/primitives.js';

export interface DeviceKeys {
  readonly id: string;
  readonly signer: Ed25519Signer;
  readonly kex: X25519PrivateKey;
  readonly keys: DevicePublicKeys;
}

export async function deviceKeys(p: Primitives, signer: Ed25519Signer, kex: X25519PrivateKey): Promise<DeviceKeys> {
  const keys = { signing: signer.publicKey, kex: kex.publicKey };
  return { id: await deviceId(p, keys), signer, kex, keys };
}

/** The registration body the hub takes (POST /v1/devices). */
export function registration(device: DeviceKeys): { signing: string; kex: string } {
  return { signing: toBase64Url(device.keys.signing), kex: toBase64Url(device.keys.kex) };
}
