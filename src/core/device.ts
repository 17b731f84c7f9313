/**
 * An annotator device's identity: an Ed25519 key (signs requests and labels)
 * and an X25519 key (receives DEKs by HPKE). Its id is the hash of both, so a
 * device id names one exact pair (docs/SPEC.md §2.4).
 */
import { concat, expectLength, toHex, utf8 } from './bytes.js';
import type { Primitives } from './primitives.js';

export interface DevicePublicKeys {
  signing: Uint8Array;
  kex: Uint8Array;
}

export async function deviceId(p: Primitives, keys: DevicePublicKeys): Promise<string> {
  expectLength(keys.signing, 32, 'device Ed25519 public key');
  expectLength(keys.kex, 32, 'device X25519 public key');
  return toHex(await p.sha256(concat(utf8('keyhole/v1 device'), new Uint8Array([0]), keys.signing, keys.kex)));
}
