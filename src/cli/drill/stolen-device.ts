/**
 * The attacker holds one annotator's device keys (stolen from a laptop) and
 * the whole hub, so it can sign an assignment for any item to that device.
 * It pulls keys as fast as the gatekeeper answers, and, to keep its open
 * exposure low, "submits" a junk label for each item it opened. It stops
 * when the gatekeeper says the device, annotator or vendor is suspended, or
 * after `seconds`. Every grant it receives it really opens: what it counts as
 * decrypted is plaintext it held.
 */
import { randomBytes } from 'node:crypto';
import { utf8 } from '../../core/bytes.js';
import { signAssignment } from '../../core/assignment.js';
import { sealLabel } from '../../core/label.js';
import type { Primitives } from '../../core/primitives.js';
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
}

export interface StolenDeviceResult {
  readonly itemsTargeted: number;
  readonly requests: number;
  readonly itemsDecrypted: number;
  readonly denials: Readonly<Record<string, number>>;
  /** Epoch ms of the first grant, and of the first answer that said "suspended". */
  readonly firstGrantMs: number | undefined;
  readonly suspendedMs: number | undefined;
  readonly stoppedBy: 'suspended' | 'time' | 'no-items';
}

const SUSPENDED = new Set(['DEVICE_SUSPENDED', 'ANNOTATOR_SUSPENDED', 'VENDOR_SUSPENDED']);

export async function stolenDeviceAttack(o: StolenDeviceOptions): Promise<StolenDeviceResult> {
  const { p, hub } = o;
  // The hub's own counters say which items nobody has had yet: the attacker asks for those first.
  const rows = await hub.store.db.selectFrom('items').select(['item', 'digest', 'blob_key', 'active', 'submitted']).where('lab', '=', o.lab).where('campaign', '=', o.campaign).orderBy('active').orderBy('submitted').orderBy('item').execute();
  const denials: Record<string, number> = {};
  let requests = 0;
  let decrypted = 0;
  let firstGrantMs: number | undefined;
  let suspendedMs: number | undefined;
  const until = Date.now() + o.seconds * 1000;
  const pending = [...rows];
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
      expires: now + 900,
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
      if (code === 'REPEAT_ITEM' || code === 'OVERLAP_CAP' || code === 'ITEM_UNKNOWN') pending.shift();
      else await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    firstGrantMs ??= Date.now();
    pending.shift();
    const dek = await openGrant(p, answer.grant, request, o.device.kex);
    const sealed = await hub.blobs.get(row.blob_key);
    if (sealed) {
      const plaintext = await openItem(p, sealed, { labPublicKey: o.labPublicKey, dek, now });
      decrypted++;
      plaintext.fill(0);
    }
    dek.fill(0);
    const label = await sealLabel(p, { v: 1, lab: o.lab, campaign: o.campaign, item: row.item, digest: row.digest, lease: assignment.body.lease, annotator: o.annotator, device: o.device.id, resultKey: o.resultKey }, utf8('{}'), o.device.signer);
    await fetch(new URL('v1/submit', o.gatekeeperUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(label) }).then((r) => r.arrayBuffer());
  }
  return {
    itemsTargeted: rows.length,
    requests,
    itemsDecrypted: decrypted,
    denials,
    firstGrantMs,
    suspendedMs,
    stoppedBy: suspendedMs !== undefined ? 'suspended' : pending.length === 0 ? 'no-items' : 'time',
  };
}

