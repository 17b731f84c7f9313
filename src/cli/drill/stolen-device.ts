/**
 * The attacker holds one annotator's device keys (stolen from a laptop) and
 * the whole hub, so it can sign an assignment for any item to that device.
 * It pulls keys as fast as the gatekeeper answers, under leases it signs for
 * `leaseSeconds`: long ones, "submitting" a junk label for each item it opened
 * to keep its open exposure low; or one-second ones without submitting, so
 * that if the gatekeeper trusted the vendor's expiry nothing would stay open
 * (issue 14 finding 2). It stops when the gatekeeper says the device,
 * annotator or vendor is suspended, or after `seconds`. Every grant it
 * receives it really opens: what it counts as decrypted is plaintext it held.
 *
 * `forgedRequestFlood` is the same vendor without a device: requests naming
 * a real annotator and her device, signed by keys the gatekeeper never
 * enrolled, under assignments the real hub key signs (issue 14 finding 1).
 */
import { randomBytes } from 'node:crypto';
import { utf8 } from '../../core/bytes.js';
import { signAssignment } from '../../core/assignment.js';
import { sealLabel } from '../../core/label.js';
import type { Primitives } from '../../core/primitives.js';
import { deviceId } from '../../core/device.js';
import { openGrant, signReleaseRequest } from '../../core/release.js';
import { openItem } from '../../core/sealed-item.js';
import type { HubContext } from '../../hub/hub-context.js';
import type { DeviceKeys } from '../../workstation/device-keys.js';

export interface StolenDeviceOptions {
  readonly p: Primitives;
  readonly hub: HubContext;
  readonly gatekeeperUrl: string;
  readonly lab: string;
  readonly campaign: string;
  readonly annotator: string;
  readonly device: DeviceKeys;
  readonly labPublicKey: Uint8Array;
  readonly resultKey: string;
  readonly seconds: number;
  /** How long the leases the attacker signs run (default 900 s, the demo's lease). */
  readonly leaseSeconds?: number;
  /** Submit a junk label for each item opened (frees outstanding places; the default), or leave every release open. */
  readonly submit?: boolean;
  /** Items the attacker already knows are taken (from an earlier run): not asked for again. */
  readonly avoid?: ReadonlySet<string>;
}

export interface StolenDeviceResult {
  readonly leaseSeconds: number;
  readonly submitted: boolean;
  readonly itemsTargeted: number;
  readonly requests: number;
  readonly itemsDecrypted: number;
  readonly denials: Readonly<Record<string, number>>;
  /** Epoch ms of the first grant, and of the first answer that said "suspended". */
  readonly firstGrantMs: number | undefined;
  readonly suspendedMs: number | undefined;
  readonly stoppedBy: 'suspended' | 'time' | 'no-items';
  /** Items it opened, or was told another annotator or itself already had: what a later run avoids. */
  readonly itemsTaken: readonly string[];
}

const SUSPENDED = new Set(['DEVICE_SUSPENDED', 'ANNOTATOR_SUSPENDED', 'VENDOR_SUSPENDED']);

export async function stolenDeviceAttack(o: StolenDeviceOptions): Promise<StolenDeviceResult> {
  const { p, hub } = o;
  const leaseSeconds = o.leaseSeconds ?? 900;
  const submit = o.submit ?? true;
  // The hub's own counters say which items nobody has had yet: the attacker asks for those first.
  const rows = await hub.store.db.selectFrom('items').select(['item', 'digest', 'blob_key', 'active', 'submitted']).where('lab', '=', o.lab).where('campaign', '=', o.campaign).orderBy('active').orderBy('submitted').orderBy('item').execute();
  const denials: Record<string, number> = {};
  let requests = 0;
  let decrypted = 0;
  let firstGrantMs: number | undefined;
  let suspendedMs: number | undefined;
  const until = Date.now() + o.seconds * 1000;
  const pending = rows.filter((r) => !o.avoid?.has(r.item));
  const taken: string[] = [];
  while (pending.length > 0 && Date.now() < until) {
    const row = pending[0]!;
    const now = Math.floor(Date.now() / 1000);
    const assignment = await signAssignment(hub.identity.signer, {
      v: 1,
      hub: hub.identity.id,
      lab: o.lab,
      campaign: o.campaign,
      item: row.item,
      digest: row.digest,
      lease: `stolen-${randomBytes(6).toString('hex')}`,
      annotator: o.annotator,
      device: o.device.id,
      issued: now,
      expires: now + leaseSeconds,
    });
    const request = await signReleaseRequest(p, o.device, assignment, now);
    requests++;
    const res = await fetch(new URL('v1/release', o.gatekeeperUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    const answer = (await res.json()) as { grant?: unknown; error?: { code: string } };
    if (answer.grant === undefined) {
      const code = answer.error?.code ?? `HTTP_${res.status}`;
      denials[code] = (denials[code] ?? 0) + 1;
      if (SUSPENDED.has(code)) {
        suspendedMs = Date.now();
        break;
      }
      if (code === 'REPEAT_ITEM' || code === 'OVERLAP_CAP' || code === 'ITEM_UNKNOWN') taken.push(pending.shift()!.item);
      else await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    firstGrantMs ??= Date.now();
    taken.push(pending.shift()!.item);
    const dek = await openGrant(p, answer.grant, request, o.device.kex);
    const sealed = await hub.blobs.get(row.blob_key);
    if (sealed) {
      const plaintext = await openItem(p, sealed, { labPublicKey: o.labPublicKey, dek, now });
      decrypted++;
      plaintext.fill(0);
    }
    dek.fill(0);
    if (!submit) continue;
    const label = await sealLabel(p, { v: 1, lab: o.lab, campaign: o.campaign, item: row.item, digest: row.digest, lease: assignment.body.lease, annotator: o.annotator, device: o.device.id, resultKey: o.resultKey }, utf8('{}'), o.device.signer);
    await fetch(new URL('v1/submit', o.gatekeeperUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(label) }).then((r) => r.arrayBuffer());
  }
  return {
    leaseSeconds,
    submitted: submit,
    itemsTargeted: rows.length,
    requests,
    itemsDecrypted: decrypted,
    denials,
    firstGrantMs,
    suspendedMs,
    stoppedBy: suspendedMs !== undefined ? 'suspended' : pending.length === 0 ? 'no-items' : 'time',
    itemsTaken: taken,
  };
}


export interface ForgedFloodOptions {
  readonly p: Primitives;
  readonly hub: HubContext;
  readonly gatekeeperUrl: string;
  readonly lab: string;
  readonly campaign: string;
  /** The real annotator and device the forgeries name. */
  readonly annotator: string;
  readonly deviceId: string;
  readonly count: number;
}

export interface ForgedFloodResult {
  readonly sent: number;
  /** Answers by HTTP status and code, e.g. "401 BAD_SIGNATURE". */
  readonly answers: Readonly<Record<string, number>>;
  readonly granted: number;
}

/**
 * Sends `count` release requests naming the victim, every item in turn (the
 * tripwires too): half claim her device id with a signature by the attacker's
 * own key, half come from the attacker's unenrolled device; all carry
 * assignments signed with the real hub key. None proves its sender.
 */
export async function forgedRequestFlood(o: ForgedFloodOptions): Promise<ForgedFloodResult> {
  const { p, hub } = o;
  const items = await hub.store.db.selectFrom('items').select(['item', 'digest']).where('lab', '=', o.lab).where('campaign', '=', o.campaign).orderBy('item').execute();
  const { signer } = await p.ed25519Generate();
  const { key } = await p.x25519Generate();
  const attacker = { signer, keys: { signing: signer.publicKey, kex: key.publicKey } };
  const attackerId = await deviceId(p, attacker.keys);
  const answers: Record<string, number> = {};
  let granted = 0;
  const one = async (i: number): Promise<void> => {
    const row = items[i % items.length]!;
    const claimVictim = i % 2 === 0;
    const now = Math.floor(Date.now() / 1000);
    const assignment = await signAssignment(hub.identity.signer, {
      v: 1,
      hub: hub.identity.id,
      lab: o.lab,
      campaign: o.campaign,
      item: row.item,
      digest: row.digest,
      lease: `forged-${randomBytes(6).toString('hex')}`,
      annotator: o.annotator,
      device: claimVictim ? o.deviceId : attackerId,
      issued: now,
      expires: now + 900,
    });
    const signed = await signReleaseRequest(p, attacker, assignment, now);
    const request = claimVictim ? { ...signed, body: { ...signed.body, device: o.deviceId } } : signed;
    const res = await fetch(new URL('v1/release', o.gatekeeperUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    const answer = (await res.json()) as { grant?: unknown; error?: { code: string } };
    if (answer.grant !== undefined) granted++;
    const key = `${res.status} ${answer.error?.code ?? 'granted'}`;
    answers[key] = (answers[key] ?? 0) + 1;
  };
  for (let i = 0; i < o.count; i += 50) await Promise.all(Array.from({ length: Math.min(50, o.count - i) }, (_, k) => one(i + k)));
  return { sent: o.count, answers, granted };
}
