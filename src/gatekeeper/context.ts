/** What every gatekeeper module works with: one lab's database, keys, log and clock. */
import type { Kysely } from 'kysely';
import { fromHex, toBase64Url } from '../core/bytes.js';
import type { Ed25519Signer, Primitives } from '../core/primitives.js';
import type { AlertSink } from './alerts.js';
import type { AuditTrail } from './audit-trail.js';
import type { GatekeeperDialect } from './db/database.js';
import type { GatekeeperTables } from './db/tables.js';
import type { KekStore } from './keystore/keks.js';
import type { SecretStore } from './keystore/secrets.js';

export interface GatekeeperContext {
  readonly p: Primitives;
  /** The lab this gatekeeper serves; one gatekeeper, one key hierarchy (DESIGN §4). */
  readonly lab: string;
  readonly db: Kysely<GatekeeperTables>;
  readonly dialect: GatekeeperDialect;
  readonly keks: KekStore;
  readonly secrets: SecretStore;
  readonly audit: AuditTrail;
  readonly labSigner: Ed25519Signer;
  readonly alert: AlertSink;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

export const seconds = (ms: number): number => Math.floor(ms / 1000);

/** An annotator's name in the log: pseudonyms are per hub, so the hub id qualifies them. */
export function annotatorRef(vendor: string, annotator: string): string {
  return `${vendor}:${annotator}`;
}

/** The access record's deviceKeyHash: the device id's 32 bytes (SPEC §2.1), base64url. */
export function deviceKeyHash(deviceId: string): string {
  return toBase64Url(fromHex(deviceId, 'device id'));
}

/** The access record's policyHash: the campaign's policy hash bytes, base64url. */
export function policyHashField(policyHex: string): string {
  return toBase64Url(fromHex(policyHex, 'policy hash'));
}
