/**
 * The attacker tries every key-shaped value in the vendor copy against
 * everything sealed there: as an item's DEK (the header's key commitment
 * decides, SPEC §3.5), as the batch KEK that unwraps an item's key slot
 * (SPEC §3.3), and as the X25519 result key that would open a sealed label
 * (SPEC §6). Key-shaped: any base64, base64url or hex token that decodes to
 * 32 bytes, in any file of the copy as it is or in what its encoded runs and
 * gzip members decode to (decoded-views.ts). Every attempt is a real open
 * with the same code the workstation and the lab use; any success counts.
 *
 * plantedKeyControl is the trial's control: it plants a real item key, a
 * real batch KEK and a real result key inside a file of the copy, each
 * stored a different way, and shows the candidate finder finds each and the
 * trial opens with it what it should.
 */
import { gzipSync } from 'node:zlib';
import { fromBase64Url, toBase64Url } from '../../core/bytes.js';
import { openLabel, type SealedLabel } from '../../core/label.js';
import type { DevicePublicKeys } from '../../core/device.js';
import type { Primitives } from '../../core/primitives.js';
import { inspectItem, openItem, unwrapDek, type ItemHead } from '../../core/sealed-item.js';
import { decodedViews } from './decoded-views.js';
import { plantInside } from './plaintext-search.js';
import type { CopiedFile } from './vendor-copy.js';

export interface TrialTarget {
  readonly items: readonly Uint8Array[];
  readonly labels: readonly { readonly label: SealedLabel; readonly device: DevicePublicKeys }[];
  readonly labPublicKey: Uint8Array;
}

export interface TrialResult {
  readonly candidates: number;
  readonly items: number;
  readonly labels: number;
  readonly attempts: number;
  readonly itemsOpened: number;
  readonly slotsUnwrapped: number;
  readonly labelsOpened: number;
}

/**
 * Whole runs of base64/hex characters, classified after matching: hex digits are base64 characters
 * too, so a pattern that tried base64 first would eat a hex key's first 44 characters.
 */
const TOKEN = /[A-Za-z0-9+/_-]+={0,2}/g;

function decodeCandidate(token: string): Uint8Array | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(token)) return Uint8Array.from(Buffer.from(token, 'hex'));
  const body = token.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  if (body.length !== 43) return undefined;
  try {
    return fromBase64Url(body);
  } catch {
    return undefined;
  }
}

/** Every distinct 32-byte value written as a token anywhere in the copy. */
export function keyCandidates(files: readonly CopiedFile[]): Uint8Array[] {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const seen = new Map<string, Uint8Array>();
  for (const file of files) {
    for (const view of decodedViews(file.bytes)) {
      for (const m of decoder.decode(view.bytes).matchAll(TOKEN)) {
        const key = decodeCandidate(m[0]);
        if (key?.length === 32) seen.set(Buffer.from(key).toString('hex'), key);
      }
    }
  }
  return [...seen.values()];
}

async function succeeds(attempt: () => Promise<unknown>): Promise<boolean> {
  try {
    await attempt();
    return true;
  } catch {
    return false;
  }
}

export async function tryKeys(p: Primitives, candidates: readonly Uint8Array[], target: TrialTarget, now: number): Promise<TrialResult> {
  const heads: { sealed: Uint8Array; head: ItemHead }[] = [];
  for (const sealed of target.items) heads.push({ sealed, head: await inspectItem(p, sealed) });
  let attempts = 0;
  let itemsOpened = 0;
  let slotsUnwrapped = 0;
  let labelsOpened = 0;
  for (const key of candidates) {
    for (const { sealed, head } of heads) {
      attempts += 2;
      if (await succeeds(() => openItem(p, sealed, { labPublicKey: target.labPublicKey, dek: key, now }))) itemsOpened++;
      if (await succeeds(() => unwrapDek(p, { id: head.slot.kek, key }, head))) slotsUnwrapped++;
    }
    if (target.labels.length > 0) {
      const resultKey = await p.x25519FromSecret(key);
      for (const { label, device } of target.labels) {
        attempts++;
        if (await succeeds(() => openLabel(p, label, device, resultKey))) labelsOpened++;
      }
    }
  }
  return { candidates: candidates.length, items: heads.length, labels: target.labels.length, attempts, itemsOpened, slotsUnwrapped, labelsOpened };
}

/** Real keys of the drill's instance, for the control to plant. */
export interface KeysToPlant {
  readonly dek: Uint8Array;
  readonly kek: Uint8Array;
  /** The X25519 secret of the campaign's result key, when a label was submitted to open. */
  readonly resultSecret?: Uint8Array;
}

export interface PlantedKeyControl {
  /** The file of the copy the keys were planted in. */
  readonly plantedIn: string;
  readonly candidates: number;
  /** The DEK, planted as hex, found and opening its item. */
  readonly dekOpensItem: boolean;
  /** The KEK, planted as padded base64, found and unwrapping the item's key slot. */
  readonly kekUnwrapsSlot: boolean;
  /** The result key, planted as base64url inside a gzip member, found and opening a label; null without a label. */
  readonly resultKeyOpensLabel: boolean | null;
  readonly passed: boolean;
}

/**
 * Plants `keys` inside `file` (a file of the vendor copy), then runs the candidate finder over the
 * planted file and the trial over what it found, against one real item and label.
 */
export async function plantedKeyControl(p: Primitives, file: CopiedFile, keys: KeysToPlant, target: TrialTarget, now: number): Promise<PlantedKeyControl> {
  const planted = [Buffer.from(`"dek":"${Buffer.from(keys.dek).toString('hex')}"\nkek=${Buffer.from(keys.kek).toString('base64')};\n`)];
  if (keys.resultSecret) planted.push(gzipSync(`result key ${toBase64Url(keys.resultSecret)}`));
  const bytes = plantInside(file.bytes, Buffer.concat(planted));
  const candidates = keyCandidates([{ source: file.source, bytes }]);
  const trial = await tryKeys(p, candidates, target, now);
  const resultKeyOpensLabel = keys.resultSecret && target.labels.length > 0 ? trial.labelsOpened > 0 : null;
  const dekOpensItem = trial.itemsOpened > 0;
  const kekUnwrapsSlot = trial.slotsUnwrapped > 0;
  return { plantedIn: file.source, candidates: candidates.length, dekOpensItem, kekUnwrapsSlot, resultKeyOpensLabel, passed: dekOpensItem && kekUnwrapsSlot && resultKeyOpensLabel !== false };
}
