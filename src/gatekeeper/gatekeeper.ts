/**
 * Opens a gatekeeper: database, root key, the lab's keys, the audit log
 * writer (witnessed when a witness policy is given) and the chains of the
 * audit trail. Everything else takes the returned context.
 */
import type { NoteSigner } from '../core/note.js';
import type { Primitives } from '../core/primitives.js';
import { Identifier, parseWith } from '../core/schema.js';
import type { StorageDriver } from '../log/storage.js';
import { LogWriter, type Witnessing } from '../log/writer.js';
import { stderrAlertSink, type AlertSink } from './alerts.js';
import { AuditTrail } from './audit-trail.js';
import { seconds, type GatekeeperContext } from './context.js';
import type { GatekeeperDatabase } from './db/database.js';
import { KekStore } from './keystore/keks.js';
import type { RootKey } from './keystore/root-key.js';
import { SecretStore } from './keystore/secrets.js';

export interface GatekeeperOptions {
  readonly primitives: Primitives;
  readonly lab: string;
  readonly database: GatekeeperDatabase;
  readonly root: RootKey;
  /** Where the audit log's tiles live (a directory, or S3 through src/log). */
  readonly logStorage: StorageDriver;
  /** The log origin, e.g. "lab.example/keyhole/audit/v1"; the log key is created under it once. */
  readonly logOrigin: string;
  readonly witnessing?: Witnessing;
  readonly batchSize?: number;
  readonly batchDelayMs?: number;
  readonly alert?: AlertSink;
  readonly now?: () => number;
  /** Told of each log batch (entries, milliseconds, success): the service's metrics. */
  readonly onLogBatch?: (entries: number, ms: number, ok: boolean) => void;
}

export interface Gatekeeper extends GatekeeperContext {
  readonly logKey: NoteSigner & { readonly verifierKey: string };
  close(): Promise<void>;
}

export async function openGatekeeper(o: GatekeeperOptions): Promise<Gatekeeper> {
  const lab = parseWith(Identifier, o.lab, 'lab id');
  const now = o.now ?? Date.now;
  const db = o.database.db;
  const secrets = new SecretStore(o.primitives, db, o.root);
  const logKey = await secrets.logKey(o.logOrigin, seconds(now()));
  const labSigner = await secrets.labSigner(seconds(now()));
  const writer = await LogWriter.open({
    primitives: o.primitives,
    storage: o.logStorage,
    signer: logKey,
    batchSize: o.batchSize ?? 256,
    batchDelayMs: o.batchDelayMs ?? 2,
    ...(o.witnessing ? { witnessing: o.witnessing } : {}),
    ...(o.onLogBatch ? { onBatch: o.onLogBatch } : {}),
  });
  const audit = await AuditTrail.open(o.primitives, writer, o.logStorage);
  return {
    p: o.primitives,
    lab,
    db,
    dialect: o.database.dialect,
    keks: new KekStore(o.primitives, db, o.root, () => seconds(now())),
    secrets,
    audit,
    labSigner,
    logKey,
    alert: o.alert ?? stderrAlertSink,
    now,
    async close() {
      await writer.close();
    },
  };
}
