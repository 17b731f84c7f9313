/**
 * C2SP signed-note (c2sp.org/signed-note, the golang.org/x/mod/sumdb/note
 * format): notes, signature lines, key ids, verifier keys ("vkeys") and the
 * Ed25519 signature type 0x01.
 *
 *   note      = text "\n" signature-line+
 *   text      = UTF-8, no control characters but U+000A, ending in U+000A
 *   signature = "— " key-name " " base64(uint32_be(key id) || signature) "\n"
 *   key id    = SHA-256(key name || 0x0A || type || public key)[:4]
 *   vkey      = key-name "+" hex8(key id) "+" base64(type || public key)
 *   skey      = "PRIVATE+KEY+" key-name "+" hex8(key id) "+" base64(type || seed)
 *
 * Other signature types (0x04 cosignatures, c2sp.org/tlog-cosignature) plug in
 * as `NoteVerifier`s; see cosignature.ts.
 */
import { concat, fromBase64, fromUtf8, toBase64, utf8 } from './bytes.js';
import { fail } from './errors.js';
import type { Primitives } from './primitives.js';

/** signed-note §Signature types. */
export const SIGNATURE_TYPE_ED25519 = 0x01;
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;

/** signed-note §Format: verifiers must accept at least 16 signatures; more than this is refused. */
export const MAX_SIGNATURES = 100;
/** Refuse notes larger than this before parsing them. */
export const MAX_NOTE_BYTES = 1 << 20;

const SIG_PREFIX = '\u2014 ';

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** Verifies the bytes after the 4-byte key id against the note text. */
  verify(text: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** Returns the bytes that follow the key id in the signature line. */
  sign(text: Uint8Array): Promise<Uint8Array>;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes after the key id. */
  readonly signature: Uint8Array;
}

export interface Note {
  /** The note text, including its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface OpenedNote extends Note {
  /** Signatures from known keys, all verified. */
  readonly verified: readonly NoteSignature[];
  /** Signatures from keys the caller did not name (ignored, signed-note §Signatures). */
  readonly unverified: readonly NoteSignature[];
}

/** signed-note §Format: key names are non-empty and contain no Unicode space and no '+'. */
export function checkKeyName(name: string): void {
  if (name.length === 0) fail('BAD_FORMAT', 'note: key name is empty');
  if (/[\s+]/u.test(name)) fail('BAD_FORMAT', `note: key name "${name}" contains a space or '+'`);
  if (hasControl(name)) fail('BAD_FORMAT', 'note: key name contains a control character');
}

function hasControl(text: string): boolean {
  return /[\u0000-\u0009\u000b-\u001f]/.test(text);
}

/** signed-note §Signatures: SHA-256(key name || 0x0A || type || public key)[:4] as a big-endian uint32. */
export async function computeKeyId(p: Primitives, name: string, type: number, publicKey: Uint8Array): Promise<number> {
  const h = await p.sha256(concat(utf8(name), new Uint8Array([0x0a, type]), publicKey));
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function parseKeyIdHex(text: string, what: string): number {
  if (!/^[0-9a-f]{8}$/.test(text)) fail('BAD_FORMAT', `${what}: key id "${text}" is not 8 lower-case hex digits`);
  return parseInt(text, 16);
}

export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Uint8Array;
}

/** Parses a vkey and checks that its key id is the one its name, type and key imply. */
export async function parseVerifierKey(p: Primitives, vkey: string): Promise<VerifierKey> {
  // The base64 key may itself contain '+': split at the first two only.
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey);
  if (!m) fail('BAD_FORMAT', 'verifier key: expected name+keyid+key');
  const [, name, idHex, keyB64] = m as unknown as [string, string, string, string];
  checkKeyName(name);
  const keyId = parseKeyIdHex(idHex, 'verifier key');
  const raw = fromBase64(keyB64, 'verifier key');
  if (raw.length < 1) fail('BAD_FORMAT', 'verifier key: no key material');
  const type = raw[0]!;
  const publicKey = raw.slice(1);
  if (type === SIGNATURE_TYPE_ED25519 || type === SIGNATURE_TYPE_COSIGNATURE_V1) {
    if (publicKey.length !== 32) fail('BAD_LENGTH', `verifier key: Ed25519 public key is ${publicKey.length} bytes, expected 32`);
  } else {
    fail('UNSUPPORTED', `verifier key: unsupported signature type 0x${type.toString(16).padStart(2, '0')}`);
  }
  const expected = await computeKeyId(p, name, type, publicKey);
  if (expected !== keyId) fail('MISMATCH', `verifier key: wrong key id ${idHex}, the key implies ${keyIdHex(expected)}`);
  return { name, keyId, type, publicKey };
}

export function formatVerifierKey(name: string, keyId: number, type: number, publicKey: Uint8Array): string {
  checkKeyName(name);
  return `${name}+${keyIdHex(keyId)}+${toBase64(concat(new Uint8Array([type]), publicKey))}`;
}

/** A NoteVerifier for an Ed25519 (type 0x01) vkey. */
export async function ed25519NoteVerifier(p: Primitives, vkey: string): Promise<NoteVerifier & { readonly publicKey: Uint8Array }> {
  const key = await parseVerifierKey(p, vkey);
  if (key.type !== SIGNATURE_TYPE_ED25519) fail('UNSUPPORTED', `verifier key ${key.name}: type 0x0${key.type} is not an Ed25519 note key`);
  return {
    name: key.name,
    keyId: key.keyId,
    publicKey: key.publicKey,
    verify: (text, signature) => p.ed25519Verify(key.publicKey, text, signature),
  };
}

export interface Ed25519NoteKey extends NoteSigner {
  readonly publicKey: Uint8Array;
  readonly verifierKey: string;
}

/** An Ed25519 note signer from its 32-byte seed. */
export async function ed25519NoteSigner(p: Primitives, name: string, seed: Uint8Array): Promise<Ed25519NoteKey> {
  checkKeyName(name);
  const signer = await p.ed25519FromSeed(seed);
  const keyId = await computeKeyId(p, name, SIGNATURE_TYPE_ED25519, signer.publicKey);
  return {
    name,
    keyId,
    publicKey: signer.publicKey,
    verifierKey: formatVerifierKey(name, keyId, SIGNATURE_TYPE_ED25519, signer.publicKey),
    sign: (text) => signer.sign(text),
  };
}

/** Parses "PRIVATE+KEY+name+keyid+base64(0x01 || seed)" (the sumdb/note signer key format). */
export async function parseSignerKey(p: Primitives, skey: string): Promise<Ed25519NoteKey> {
  const m = /^PRIVATE\+KEY\+([^+]*)\+([^+]*)\+(.*)$/s.exec(skey);
  if (!m) fail('BAD_FORMAT', 'signer key: expected PRIVATE+KEY+name+keyid+key');
  const [, name, idHex, keyB64] = m as unknown as [string, string, string, string];
  const keyId = parseKeyIdHex(idHex, 'signer key');
  const raw = fromBase64(keyB64, 'signer key');
  if (raw[0] !== SIGNATURE_TYPE_ED25519) fail('UNSUPPORTED', 'signer key: only Ed25519 (type 0x01) signer keys are supported');
  if (raw.length !== 33) fail('BAD_LENGTH', `signer key: Ed25519 seed is ${raw.length - 1} bytes, expected 32`);
  const key = await ed25519NoteSigner(p, name, raw.slice(1));
  if (key.keyId !== keyId) fail('MISMATCH', `signer key: wrong key id ${idHex}, the key implies ${keyIdHex(key.keyId)}`);
  return key;
}

export function formatSignerKey(name: string, keyId: number, seed: Uint8Array): string {
  checkKeyName(name);
  return `PRIVATE+KEY+${name}+${keyIdHex(keyId)}+${toBase64(concat(new Uint8Array([SIGNATURE_TYPE_ED25519]), seed))}`;
}

/** signed-note §Format: valid UTF-8, no control characters but newline, ending in newline. */
export function checkNoteText(text: string): void {
  if (!text.endsWith('\n')) fail('BAD_FORMAT', 'note: text does not end in a newline');
  if (hasControl(text)) fail('BAD_FORMAT', 'note: text contains a control character');
}

export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  const idBytes = new Uint8Array([keyId >>> 24, (keyId >>> 16) & 0xff, (keyId >>> 8) & 0xff, keyId & 0xff]);
  return `${SIG_PREFIX}${name} ${toBase64(concat(idBytes, signature))}\n`;
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIG_PREFIX)) fail('BAD_FORMAT', 'note: signature line does not start with an em dash and a space');
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) fail('BAD_FORMAT', 'note: signature line has no space between key name and signature');
  const name = rest.slice(0, space);
  checkKeyName(name);
  const raw = fromBase64(rest.slice(space + 1), `note: signature by ${name}`);
  if (raw.length < 5) fail('BAD_LENGTH', `note: signature by ${name} is ${raw.length} bytes, too short for a key id and a signature`);
  const keyId = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
  return { name, keyId, signature: raw.slice(4) };
}

/** Splits a signed note into its text and signature lines (signed-note §Format), without verifying. */
export function parseNote(note: string | Uint8Array): Note {
  const bytes = typeof note === 'string' ? utf8(note) : note;
  if (bytes.length > MAX_NOTE_BYTES) fail('BAD_LENGTH', `note: ${bytes.length} bytes is over the ${MAX_NOTE_BYTES}-byte limit`);
  const s = typeof note === 'string' ? note : fromUtf8(note, 'note');
  if (hasControl(s)) fail('BAD_FORMAT', 'note: contains a control character other than newline');
  // The text is separated from the signatures by the last empty line.
  const split = s.lastIndexOf('\n\n');
  if (split < 0) fail('BAD_FORMAT', 'note: no blank line before the signatures');
  const text = s.slice(0, split + 1);
  const sigBlock = s.slice(split + 2);
  if (!sigBlock.endsWith('\n')) fail('BAD_FORMAT', 'note: signature block does not end in a newline');
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) fail('BAD_LENGTH', `note: ${lines.length} signatures, more than the limit of ${MAX_SIGNATURES}`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

/**
 * Verifies a note (signed-note §Signatures): signatures from unknown keys are
 * ignored; a known key (same name and key id) whose signature fails rejects the
 * whole note; at least one known key must have signed.
 */
export async function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): Promise<OpenedNote> {
  const parsed = parseNote(note);
  const textBytes = utf8(parsed.text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const sig of parsed.signatures) {
    const verifier = verifiers.find((v) => v.name === sig.name && v.keyId === sig.keyId);
    if (!verifier) {
      unverified.push(sig);
      continue;
    }
    const id = `${sig.name}+${keyIdHex(sig.keyId)}`;
    if (seen.has(id)) fail('BAD_FORMAT', `note: two signatures by ${id}`);
    seen.add(id);
    if (!(await verifier.verify(textBytes, sig.signature))) fail('BAD_SIGNATURE', `note: signature by ${id} does not verify`);
    verified.push(sig);
  }
  if (verified.length === 0) {
    const names = verifiers.map((v) => `${v.name}+${keyIdHex(v.keyId)}`).join(', ');
    fail('BAD_SIGNATURE', `note: no signature by a known key (${names})`);
  }
  return { ...parsed, verified, unverified };
}

/** Signs `text` with each signer and returns the signed note. */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  checkNoteText(text);
  if (signers.length === 0) fail('BAD_FORMAT', 'note: at least one signer is required');
  const bytes = utf8(text);
  let out = `${text}\n`;
  for (const s of signers) out += formatSignatureLine(s.name, s.keyId, await s.sign(bytes));
  return out;
}

/** Appends signature lines to an already signed note (e.g. cosignatures). */
export function addSignatures(note: string, signatures: readonly NoteSignature[]): string {
  parseNote(note);
  return note + signatures.map((s) => formatSignatureLine(s.name, s.keyId, s.signature)).join('');
}

export function describeKey(name: string, keyId: number): string {
  return `${name}+${keyIdHex(keyId)}`;
}
