/**
 * A real witnessed log on loopback for the monitor's tests: a LogWriter over
 * a temp directory, cosigned by two witness servers (quorum 2), served by the
 * tlog-tiles read API; and a record appender that keeps each annotator's
 * seq/prev chain the way the gatekeeper does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { encodeAccessRecord, GENESIS_PREV, type AccessRecord } from '../../../src/core/access-record.js';
import { cosignatureVerifier, ed25519Cosigner, type Cosigner } from '../../../src/core/cosignature.js';
import { ed25519NoteSigner, ed25519NoteVerifier, type Ed25519NoteKey } from '../../../src/core/note.js';
import { nodePrimitives as p } from '../../../src/platform/node-primitives.js';
import { FileSystemStorage } from '../../../src/log/fs-storage.js';
import { logReadApi } from '../../../src/log/http-read-api.js';
import { WitnessQuorum } from '../../../src/log/witness-client.js';
import { witnessApp } from '../../../src/log/witness-server.js';
import { LogWriter } from '../../../src/log/writer.js';
import { listen, type Running } from '../../log/support/serve.js';

export const ORIGIN = 'lab.example/keyhole/audit/monitor-test';

export type RecordInput = Omit<AccessRecord, 'v' | 'seq' | 'prev' | 'time' | 'decision'> & { decision?: AccessRecord['decision']; time?: string };

export interface WitnessedLog {
  readonly dir: string;
  readonly url: string;
  readonly logKey: Ed25519NoteKey;
  readonly witnesses: readonly Cosigner[];
  readonly writer: LogWriter;
  readonly storage: FileSystemStorage;
  /** Appends records in order, filling in v, time (now unless given), decision, seq and prev. */
  append(...records: RecordInput[]): Promise<number[]>;
  close(): Promise<void>;
}

export const seed = (b: number): Uint8Array => new Uint8Array(32).fill(b);

export async function startWitnessedLog(options: { witnessed?: boolean; batchDelayMs?: number } = {}): Promise<WitnessedLog> {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-monitor-'));
  const logKey = await ed25519NoteSigner(p, ORIGIN, seed(1));
  const witnesses = [await ed25519Cosigner(p, 'w1.example/witness', seed(11)), await ed25519Cosigner(p, 'w2.example/witness', seed(12))];
  const servers: Running[] = [];
  let witnessing: WitnessQuorum | undefined;
  if (options.witnessed !== false) {
    const logs = new Map([[ORIGIN, await ed25519NoteVerifier(p, logKey.verifierKey)]]);
    const endpoints = [];
    for (const [i, w] of witnesses.entries()) {
      const server = await listen(witnessApp({ primitives: p, cosigner: w, logs, state: new FileSystemStorage(join(dir, `witness-${i}`)), now: () => Math.floor(Date.now() / 1000) }));
      servers.push(server);
      endpoints.push({ url: server.url, verifier: await cosignatureVerifier(p, w.verifierKey) });
    }
    witnessing = new WitnessQuorum({ witnesses: endpoints, quorum: 2 });
  }
  const storage = new FileSystemStorage(join(dir, 'log'));
  const writer = await LogWriter.open({ primitives: p, storage, signer: logKey, batchSize: 256, batchDelayMs: options.batchDelayMs ?? 5, ...(witnessing ? { witnessing } : {}) });
  const api = await listen(logReadApi(storage));
  servers.push(api);
  const chains = new Map<string, { seq: number; prev: string }>();
  return {
    dir,
    url: api.url,
    logKey,
    witnesses,
    writer,
    storage,
    async append(...records) {
      const pending = records.map((input) => {
        const key = input.annotator ?? '';
        const head = chains.get(key) ?? { seq: 0, prev: GENESIS_PREV };
        const record: AccessRecord = { v: 1, decision: 'none', time: new Date().toISOString(), ...input, seq: head.seq, prev: head.prev } as AccessRecord;
        const entry = encodeAccessRecord(record);
        chains.set(key, { seq: head.seq + 1, prev: createHash('sha256').update(entry).digest('base64url') });
        return writer.append(entry);
      });
      return (await Promise.all(pending)).map((a) => a.index);
    },
    async close() {
      await writer.close();
      for (const s of servers) await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
