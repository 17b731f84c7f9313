/**
 * Issue 17: the attacker owns the vendor, so it can mint an annotator (a hub
 * account on the hub's roster) and register a device of its own for it, and
 * register another device under a real annotator the lab knows (the attack
 * on the running demo: a device inserted under a real person, approved on the
 * hub's word within 2 s). It marks both approved at its own hub, waits for the
 * lab's usual approval path (the demo's automatic approver, then an
 * operator's click), tries to redeem an invitation it does not have, and asks
 * for keys under assignments it signs with the hub's key. The lab approves
 * devices for this vendor only by its own invitations, delivered out of band
 * (manual approval off), so none of that may approve a device or release a key.
 *
 * Control: a person the lab invited enrolls through the same gatekeeper with
 * the invitation and gets a key, so the measurement can see a success.
 */
import { toBase64Url } from '../../core/bytes.js';
import { signEnrollmentRequest } from '../../core/enrollment-request.js';
import { KeyholeError } from '../../core/errors.js';
import type { Primitives } from '../../core/primitives.js';
import { addAnnotator, addToRoster } from '../../hub/accounts.js';
import { decideDevice as hubDecideDevice, registerDevice } from '../../hub/devices.js';
import { registration } from '../../workstation/device-keys.js';
import { newDevice } from '../../workstation/sdk/annotator.js';
import type { Exchange } from '../demo/exchange.js';
import { stolenDeviceAttack } from './stolen-device.js';

/** How long the attacker asks for keys with each device: every answer is a refusal, so a few seconds say it. */
const ATTEMPT_SECONDS = 3;

export interface MintedDevice {
  /** "minted annotator" or "device under a real annotator" */
  readonly how: string;
  readonly annotator: string;
  readonly approvedAtHub: boolean;
  /** What the lab's approval path answered (error code), or "approved". */
  readonly labApproval: string;
  readonly approvedAtGatekeeper: boolean;
  readonly requests: number;
  readonly keysObtained: number;
  readonly denials: Readonly<Record<string, number>>;
}

export interface VendorMintedResult {
  readonly manualApproval: boolean;
  readonly devices: readonly MintedDevice[];
  /** The gatekeeper's answer to a redemption with a code the attacker made up. */
  readonly madeUpInvitation: string;
  readonly vendorMintedDeviceApproved: boolean;
  readonly keysObtained: number;
  readonly control: { readonly invitedDeviceApproved: boolean; readonly keysObtained: number; readonly passed: boolean };
}

const codeOf = (err: unknown): string => (err instanceof KeyholeError ? err.code : err instanceof Error ? err.message.slice(0, 120) : String(err));

export async function vendorMintedAttack(o: {
  readonly p: Primitives;
  readonly x: Exchange;
  readonly realAnnotator: string;
  readonly resultKey: string;
  /** Keys the invited control got through the same gatekeeper (the caller signs it in with its invitation and works one item). */
  readonly control: { readonly device: string; readonly keysObtained: number };
}): Promise<VendorMintedResult> {
  const { p, x } = o;
  const minted = 'drill-minted';
  await addAnnotator(x.hub, { id: minted, username: minted, password: toBase64Url(p.randomBytes(12)) });
  await addToRoster(x.hub, x.lab, minted);
  const plan = [
    { how: 'minted annotator', annotator: minted, device: await newDevice(p) },
    { how: 'device under a real annotator', annotator: o.realAnnotator, device: await newDevice(p) },
  ];
  for (const d of plan) {
    await registerDevice(x.hub, d.annotator, registration(d.device));
    await hubDecideDevice(x.hub, x.lab, d.device.id, { state: 'approved' });
  }

  const labApproval = new Map<string, string>();
  // The demo's automatic approver (approves pending devices of annotators on the hub's roster), then an operator's click on each.
  await x.approvePending().catch((err: unknown) => codeOf(err));
  for (const d of plan) {
    labApproval.set(d.device.id, await x.admin.decideDevice(x.vendor, d.device.id, 'approve').then(() => 'approved', codeOf));
  }

  const madeUp = await signEnrollmentRequest(p, plan[0]!.device.signer, plan[0]!.device.keys.kex, toBase64Url(p.randomBytes(32)), minted);
  const redeem = await fetch(new URL('v1/enroll', x.urls.gatekeeper), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(madeUp) });
  const madeUpInvitation = ((await redeem.json()) as { error?: { code?: string } }).error?.code ?? `HTTP_${redeem.status}`;

  const devices: MintedDevice[] = [];
  for (const d of plan) {
    const attack = await stolenDeviceAttack({ p, hub: x.hub, gatekeeperUrl: x.urls.gatekeeper, lab: x.lab, campaign: x.campaign, annotator: d.annotator, device: d.device, labPublicKey: x.gk.labSigner.publicKey, resultKey: o.resultKey, seconds: ATTEMPT_SECONDS, submit: true });
    const row = await x.gatekeeperDb.db.selectFrom('devices').select('state').where('id', '=', d.device.id).executeTakeFirst();
    const atHub = await x.hubDb.db.selectFrom('device_decisions').select('state').where('lab', '=', x.lab).where('device', '=', d.device.id).executeTakeFirst();
    devices.push({
      how: d.how,
      annotator: d.annotator,
      approvedAtHub: atHub?.state === 'approved',
      labApproval: labApproval.get(d.device.id)!,
      approvedAtGatekeeper: row?.state === 'approved',
      requests: attack.requests,
      keysObtained: attack.itemsDecrypted,
      denials: attack.denials,
    });
    // The lab's answer once it saw them: refused, so its approver stops offering them.
    await x.admin.decideDevice(x.vendor, d.device.id, 'refuse').catch(() => undefined);
  }

  const manualApproval = await x.admin.manualApproval(x.vendor);
  const controlRow = await x.gatekeeperDb.db.selectFrom('devices').select(['state', 'invitation']).where('id', '=', o.control.device).executeTakeFirst();
  const invitedDeviceApproved = controlRow?.state === 'approved' && controlRow.invitation !== null;
  return {
    manualApproval,
    devices,
    madeUpInvitation,
    vendorMintedDeviceApproved: devices.some((d) => d.approvedAtGatekeeper),
    keysObtained: devices.reduce((n, d) => n + d.keysObtained, 0),
    control: { invitedDeviceApproved, keysObtained: o.control.keysObtained, passed: invitedDeviceApproved && o.control.keysObtained > 0 },
  };
}
