/**
 * The attacker tries every key-shaped value in the vendor copy against
 * everything sealed there: as an item's DEK (the header's key commitment
 * decides, SPEC §3.5), as the batch KEK that unwraps an item's key slot
 * (SPEC §3.3), and as the X25519 result key that would open a sealed label
 * (SPEC §6). Key-shaped: any base64, base64url or hex token that decodes to
 * 32 bytes. Every attempt is a real open with the same code the
 * workstation and the lab use; any success counts.
 */
import { fromBase64Url } from '../../core/bytes.js';
import { openLabel, type SealedLabel } from '../../core/label.js';
import type { DevicePublicKeys } from '../../core/device.js';
import type { Primitives } from '../../core/primitives.js';
import { inspectItem, openItem, unwrapDek, type ItemHead } from '../../core/sealed-item.js';
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

const TOKEN = /[A-Za-z0-9+/_-]{43,44}={0,2}|[0-9a-fA-F]{64}/g;

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
    for (const m of decoder.decode(file.bytes).matchAll(TOKEN)) {
      const key = decodeCandidate(m[0]);
      if (key?.length === 32) seen.set(Buffer.from(key).toString('hex'), key);
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
