/**
 * Annotator devices. A workstation registers its Ed25519 and X25519 public
 * keys; the hub records them under the annotator and names the device by
 * deviceId (the hash of both). Each lab the annotator works for sees the
 * device as pending until the lab's gatekeeper side decides, through the
 * signed lab API, to approve or suspend it. Leases are only issued to devices
 * the lab approved; the gatekeeper checks its own enrolment again before any
 * key is released.
 */
import { z } from 'zod';
import { fromBase64Url } from '../core/bytes.js';
import { deviceId, type DevicePublicKeys } from '../core/device.js';
import { Sha256Hex, base64UrlBytes, parseWith } from '../core/schema.js';
import type { HubContext } from './hub-context.js';
import { refuse } from './hub-error.js';

export const DeviceRegistration = z.object({ signing: base64UrlBytes(32), kex: base64UrlBytes(32) }).strict();
export const DeviceState = z.enum(['pending', 'approved', 'suspended']);
export type DeviceState = z.infer<typeof DeviceState>;
export const DeviceDecision = z.object({ state: z.enum(['approved', 'suspended']) }).strict();

export const LabDeviceView = z
  .object({ device: Sha256Hex, annotator: z.string(), signing: z.string(), kex: z.string(), registered: z.number().int(), state: DeviceState })
  .strict();
export type LabDeviceView = z.infer<typeof LabDeviceView>;

export async function registerDevice(ctx: HubContext, annotator: string, input: unknown): Promise<{ device: string }> {
  const keys = parseWith(DeviceRegistration, input, 'device registration');
  const id = await deviceId(ctx.p, { signing: fromBase64Url(keys.signing), kex: fromBase64Url(keys.kex) });
  const existing = await ctx.store.db.selectFrom('devices').select('annotator').where('id', '=', id).executeTakeFirst();
  if (existing !== undefined) {
    if (existing.annotator === annotator) return { device: id };
    refuse('CONFLICT', 'this device is registered to another annotator; a device key pair belongs to one person');
  }
  await ctx.store.db.insertInto('devices').values({ id, annotator, signing_key: keys.signing, kex_key: keys.kex, registered_at: ctx.clock() }).execute();
  return { device: id };
}

/** Devices of the lab's rostered annotators, optionally only those in one state. */
export async function devicesForLab(ctx: HubContext, lab: string, state: DeviceState | undefined): Promise<LabDeviceView[]> {
  const rows = await ctx.store.db
    .selectFrom('devices')
    .innerJoin('roster', (j) => j.onRef('roster.annotator', '=', 'devices.annotator').on('roster.lab', '=', lab))
    .leftJoin('device_decisions', (j) => j.onRef('device_decisions.device', '=', 'devices.id').on('device_decisions.lab', '=', lab))
    .select(['devices.id', 'devices.annotator', 'devices.signing_key', 'devices.kex_key', 'devices.registered_at', 'device_decisions.state'])
    .orderBy('devices.registered_at')
    .orderBy('devices.id')
    .execute();
  return rows
    .map((r) => ({ device: r.id, annotator: r.annotator, signing: r.signing_key, kex: r.kex_key, registered: r.registered_at, state: r.state ?? ('pending' as const) }))
    .filter((d) => state === undefined || d.state === state);
}

export async function decideDevice(ctx: HubContext, lab: string, device: string, input: unknown): Promise<{ device: string; state: 'approved' | 'suspended' }> {
  const decision = parseWith(DeviceDecision, input, 'device decision');
  const visible = await ctx.store.db
    .selectFrom('devices')
    .innerJoin('roster', (j) => j.onRef('roster.annotator', '=', 'devices.annotator').on('roster.lab', '=', lab))
    .select('devices.id')
    .where('devices.id', '=', device)
    .executeTakeFirst();
  if (visible === undefined) refuse('NOT_FOUND', `device ${device} does not belong to an annotator on lab ${lab}'s roster`);
  await ctx.store.db
    .insertInto('device_decisions')
    .values({ lab, device, state: decision.state, decided_at: ctx.clock() })
    .onConflict((oc) => oc.columns(['lab', 'device']).doUpdateSet({ state: decision.state, decided_at: ctx.clock() }))
    .execute();
  return { device, state: decision.state };
}

/** The device's public keys if it belongs to the annotator and the lab approved it; otherwise a refusal that says which. */
export async function approvedDevice(ctx: HubContext, lab: string, annotator: string, device: string): Promise<DevicePublicKeys> {
  const row = await ctx.store.db
    .selectFrom('devices')
    .leftJoin('device_decisions', (j) => j.onRef('device_decisions.device', '=', 'devices.id').on('device_decisions.lab', '=', lab))
    .select(['devices.annotator', 'devices.signing_key', 'devices.kex_key', 'device_decisions.state'])
    .where('devices.id', '=', device)
    .executeTakeFirst();
  if (row === undefined || row.annotator !== annotator) refuse('FORBIDDEN', `device ${device} is not registered to this annotator`);
  if (row.state !== 'approved') refuse('FORBIDDEN', `device ${device} is ${row.state ?? 'pending'} for lab ${lab}; the lab must approve it first`);
  return { signing: fromBase64Url(row.signing_key), kex: fromBase64Url(row.kex_key) };
}
