/**
 * HPKE, RFC 9180, with DHKEM(X25519, HKDF-SHA256) and HKDF-SHA256, for the
 * AEADs AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 (where the platform has
 * it) and export-only. All four modes are implemented so that every RFC
 * vector can be checked; keyhole's own formats use base mode only.
 *
 * Section numbers below are RFC 9180's.
 */
import { AEAD_KEY_LENGTH, AEAD_NONCE_LENGTH, type AeadAlgorithm, type Primitives, type X25519PrivateKey } from './primitives.js';
import { concat, expectLength, i2osp, utf8 } from './bytes.js';
import { fail } from './errors.js';
import { HASH_LENGTH, hkdfExpand, hkdfExtract } from './hkdf.js';

export type HpkeAead = AeadAlgorithm | 'ExportOnly';

/** §7.1, §7.2, §7.3 identifiers. */
export const KEM_ID_X25519_HKDF_SHA256 = 0x0020;
export const KDF_ID_HKDF_SHA256 = 0x0001;
export const AEAD_IDS: Record<HpkeAead, number> = {
  'AES-128-GCM': 0x0001,
  'AES-256-GCM': 0x0002,
  'ChaCha20-Poly1305': 0x0003,
  ExportOnly: 0xffff,
};

export function aeadFromId(id: number): HpkeAead {
  const found = (Object.keys(AEAD_IDS) as HpkeAead[]).find((k) => AEAD_IDS[k] === id);
  if (!found) fail('UNSUPPORTED', `HPKE AEAD id 0x${id.toString(16)} is not supported`);
  return found;
}

/** §5: mode identifiers. */
export const Mode = { Base: 0x00, Psk: 0x01, Auth: 0x02, AuthPsk: 0x03 } as const;
type ModeId = (typeof Mode)[keyof typeof Mode];

const N_SECRET = 32; // §7.1 Table 2: Nsecret for DHKEM(X25519, HKDF-SHA256)
const N_PK = 32;
const HPKE_V1 = utf8('HPKE-v1');
const KEM_SUITE_ID = concat(utf8('KEM'), i2osp(KEM_ID_X25519_HKDF_SHA256, 2));

function hpkeSuiteId(aead: HpkeAead): Uint8Array {
  return concat(utf8('HPKE'), i2osp(KEM_ID_X25519_HKDF_SHA256, 2), i2osp(KDF_ID_HKDF_SHA256, 2), i2osp(AEAD_IDS[aead], 2));
}

/** §4: LabeledExtract. */
function labeledExtract(p: Primitives, suiteId: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Promise<Uint8Array> {
  return hkdfExtract(p, salt, concat(HPKE_V1, suiteId, utf8(label), ikm));
}

/** §4: LabeledExpand. */
function labeledExpand(p: Primitives, suiteId: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number): Promise<Uint8Array> {
  return hkdfExpand(p, prk, concat(i2osp(length, 2), HPKE_V1, suiteId, utf8(label), info), length);
}

const EMPTY = new Uint8Array(0);

/** §7.1.3: DeriveKeyPair for X25519. The secret is used as is; X25519 clamps it. */
export async function deriveKeyPair(p: Primitives, ikm: Uint8Array): Promise<{ secretKey: Uint8Array; key: X25519PrivateKey }> {
  const dkpPrk = await labeledExtract(p, KEM_SUITE_ID, EMPTY, 'dkp_prk', ikm);
  const secretKey = await labeledExpand(p, KEM_SUITE_ID, dkpPrk, 'sk', EMPTY, 32);
  return { secretKey, key: await p.x25519FromSecret(secretKey) };
}

/** §4.1: ExtractAndExpand. */
async function extractAndExpand(p: Primitives, dh: Uint8Array, kemContext: Uint8Array): Promise<Uint8Array> {
  const eaePrk = await labeledExtract(p, KEM_SUITE_ID, EMPTY, 'eae_prk', dh);
  return labeledExpand(p, KEM_SUITE_ID, eaePrk, 'shared_secret', kemContext, N_SECRET);
}

interface Encapsulation {
  sharedSecret: Uint8Array;
  enc: Uint8Array;
}

/** §4.1: Encap, and AuthEncap when a sender key is given. */
async function encap(p: Primitives, pkR: Uint8Array, ephemeral: X25519PrivateKey, sender?: X25519PrivateKey): Promise<Encapsulation> {
  expectLength(pkR, N_PK, 'HPKE recipient public key');
  const enc = ephemeral.publicKey;
  let dh = await ephemeral.dh(pkR);
  let kemContext = concat(enc, pkR);
  if (sender) {
    dh = concat(dh, await sender.dh(pkR));
    kemContext = concat(kemContext, sender.publicKey);
  }
  return { sharedSecret: await extractAndExpand(p, dh, kemContext), enc };
}

/** §4.1: Decap, and AuthDecap when the sender's public key is given. */
async function decap(p: Primitives, enc: Uint8Array, recipient: X25519PrivateKey, pkS?: Uint8Array): Promise<Uint8Array> {
  expectLength(enc, N_PK, 'HPKE encapsulated key');
  let dh = await recipient.dh(enc);
  let kemContext = concat(enc, recipient.publicKey);
  if (pkS) {
    expectLength(pkS, N_PK, 'HPKE sender public key');
    dh = concat(dh, await recipient.dh(pkS));
    kemContext = concat(kemContext, pkS);
  }
  return extractAndExpand(p, dh, kemContext);
}

export interface PskInput {
  psk: Uint8Array;
  pskId: Uint8Array;
}

/** §5.1: KeySchedule, including VerifyPSKInputs. */
async function keySchedule(p: Primitives, aead: HpkeAead, mode: ModeId, sharedSecret: Uint8Array, info: Uint8Array, psk?: PskInput): Promise<HpkeContext> {
  const usesPsk = mode === Mode.Psk || mode === Mode.AuthPsk;
  if (usesPsk !== (psk !== undefined)) fail('BAD_FORMAT', 'HPKE: a PSK must be given in PSK modes and only there');
  if (psk && (psk.psk.length < 32 || psk.pskId.length === 0)) fail('BAD_LENGTH', 'HPKE: the PSK must be at least 32 bytes with a non-empty id');
  const suiteId = hpkeSuiteId(aead);
  const pskIdHash = await labeledExtract(p, suiteId, EMPTY, 'psk_id_hash', psk?.pskId ?? EMPTY);
  const infoHash = await labeledExtract(p, suiteId, EMPTY, 'info_hash', info);
  const context = concat(new Uint8Array([mode]), pskIdHash, infoHash);
  const secret = await labeledExtract(p, suiteId, sharedSecret, 'secret', psk?.psk ?? EMPTY);
  const exporterSecret = await labeledExpand(p, suiteId, secret, 'exp', context, HASH_LENGTH);
  if (aead === 'ExportOnly') return new HpkeContext(p, aead, suiteId, EMPTY, EMPTY, exporterSecret);
  const key = await labeledExpand(p, suiteId, secret, 'key', context, AEAD_KEY_LENGTH[aead]);
  const baseNonce = await labeledExpand(p, suiteId, secret, 'base_nonce', context, AEAD_NONCE_LENGTH);
  return new HpkeContext(p, aead, suiteId, key, baseNonce, exporterSecret);
}

/**
 * §5.2 and §5.3: an encryption context. A sender context only seals and a
 * recipient context only opens; both export.
 */
export class HpkeContext {
  #seq = 0;
  constructor(
    private readonly p: Primitives,
    readonly aead: HpkeAead,
    private readonly suiteId: Uint8Array,
    private readonly key: Uint8Array,
    private readonly baseNonce: Uint8Array,
    private readonly exporterSecret: Uint8Array,
  ) {}

  /** §5.2: ComputeNonce, then IncrementSeq (refusing to wrap). */
  #nextNonce(): Uint8Array {
    if (this.aead === 'ExportOnly') fail('UNSUPPORTED', 'HPKE: an export-only context cannot seal or open');
    if (this.#seq >= Number.MAX_SAFE_INTEGER) fail('BAD_LENGTH', 'HPKE: message limit reached');
    const seqBytes = i2osp(this.#seq, AEAD_NONCE_LENGTH);
    const nonce = new Uint8Array(AEAD_NONCE_LENGTH);
    for (let i = 0; i < nonce.length; i++) nonce[i] = this.baseNonce[i]! ^ seqBytes[i]!;
    this.#seq++;
    return nonce;
  }

  async seal(aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    const nonce = this.#nextNonce();
    return this.p.aeadSeal(this.aead as AeadAlgorithm, this.key, nonce, plaintext, aad);
  }

  async open(aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
    const seq = this.#seq;
    const nonce = this.#nextNonce();
    try {
      return await this.p.aeadOpen(this.aead as AeadAlgorithm, this.key, nonce, ciphertext, aad);
    } catch (err) {
      // §5.2: the sequence number only advances on success.
      this.#seq = seq;
      throw err;
    }
  }

  /** §5.3: Export. */
  export(exporterContext: Uint8Array, length: number): Promise<Uint8Array> {
    return labeledExpand(this.p, this.suiteId, this.exporterSecret, 'sec', exporterContext, length);
  }
}

export interface SenderOptions {
  aead: HpkeAead;
  recipientPublicKey: Uint8Array;
  info: Uint8Array;
  /** Auth modes: the sender's static key. */
  sender?: X25519PrivateKey;
  psk?: PskInput;
  /** Only for reproducing published vectors: a fixed ephemeral key instead of a fresh one. */
  ephemeral?: X25519PrivateKey;
}

export interface RecipientOptions {
  aead: HpkeAead;
  enc: Uint8Array;
  recipient: X25519PrivateKey;
  info: Uint8Array;
  /** Auth modes: the sender's static public key. */
  senderPublicKey?: Uint8Array;
  psk?: PskInput;
}

function modeOf(auth: boolean, psk: boolean): ModeId {
  return auth ? (psk ? Mode.AuthPsk : Mode.Auth) : psk ? Mode.Psk : Mode.Base;
}

function checkAeadAvailable(p: Primitives, aead: HpkeAead): void {
  if (aead !== 'ExportOnly' && !p.supportsAead(aead)) fail('UNSUPPORTED', `HPKE: ${aead} is not available on ${p.name}`);
}

/** §5.1.1-§5.1.4: SetupS for the mode that the options imply. */
export async function setupSender(p: Primitives, o: SenderOptions): Promise<{ enc: Uint8Array; context: HpkeContext }> {
  checkAeadAvailable(p, o.aead);
  const ephemeral = o.ephemeral ?? (await p.x25519Generate()).key;
  const { sharedSecret, enc } = await encap(p, o.recipientPublicKey, ephemeral, o.sender);
  const context = await keySchedule(p, o.aead, modeOf(o.sender !== undefined, o.psk !== undefined), sharedSecret, o.info, o.psk);
  return { enc, context };
}

/** §5.1.1-§5.1.4: SetupR for the mode that the options imply. */
export async function setupRecipient(p: Primitives, o: RecipientOptions): Promise<HpkeContext> {
  checkAeadAvailable(p, o.aead);
  const sharedSecret = await decap(p, o.enc, o.recipient, o.senderPublicKey);
  return keySchedule(p, o.aead, modeOf(o.senderPublicKey !== undefined, o.psk !== undefined), sharedSecret, o.info, o.psk);
}

/** §6.1: single-shot base-mode seal. */
export async function hpkeSeal(
  p: Primitives,
  aead: AeadAlgorithm,
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<{ enc: Uint8Array; ciphertext: Uint8Array }> {
  const { enc, context } = await setupSender(p, { aead, recipientPublicKey, info });
  return { enc, ciphertext: await context.seal(aad, plaintext) };
}

/** §6.1: single-shot base-mode open. */
export async function hpkeOpen(
  p: Primitives,
  aead: AeadAlgorithm,
  recipient: X25519PrivateKey,
  enc: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const context = await setupRecipient(p, { aead, enc, recipient, info });
  return context.open(aad, ciphertext);
}
