/**
 * keyhole's own tlog-tiles vectors (docs/SPEC.md §8.3, §8.7): a log of 300
 * access records written by the product's LogWriter in four batches (sizes 1,
 * 100, 256, 300), so the directory holds full tiles, partial tiles of every
 * earlier size, a level-1 tile and the signed checkpoint. Made by
 * test/vectors/make-tile-vectors.ts, checked by test/core/log-tile-vectors.test.ts.
 */
import { encodeAccessRecord, recordChainHash, GENESIS_PREV, type AccessRecord } from '../../src/core/access-record.js';
import { toBase64Url, toHex, utf8 } from '../../src/core/bytes.js';
import { ed25519NoteSigner, formatSignerKey } from '../../src/core/note.js';
import type { StorageDriver, StoredObject } from '../../src/log/storage.js';
import { LogWriter } from '../../src/log/writer.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';

export const TILE_VECTOR_ORIGIN = 'lab.example/keyhole/audit/v1';
/** Batches the writer is given, in order; their running sums are the published sizes. */
export const TILE_VECTOR_BATCHES = [1, 99, 156, 44] as const;
const LOG_SEED = new Uint8Array(32).fill(0x10);
const START = Date.UTC(2026, 2, 1, 12, 0, 0);
const KINDS = ['release', 'submit', 'release', 'deny', 'release'] as const;

/** The manifest written beside the tiles (vectors/log-tiles/tiles.json). */
export interface TileVectorManifest {
  format: 'keyhole-log-tiles-v1';
  comment: string;
  origin: string;
  log_skey: string;
  log_vkey: string;
  batches: number[];
  /** The root after each batch: what the checkpoint of that size names. */
  roots: { size: number; root_hex: string }[];
  /** Every published file (checkpoint, tiles, entry bundles) and its SHA-256; nothing under .state/. */
  files: Record<string, string>;
}

/** The 300 records: five annotators with their own chains, one device each, a second per second. */
export async function tileVectorRecords(): Promise<Uint8Array[]> {
  const chains = new Map<string, { seq: number; prev: string }>();
  const out: Uint8Array[] = [];
  for (let i = 0; i < 300; i++) {
    const who = `vendor-hub:ann-${i % 5}`;
    const chain = chains.get(who) ?? { seq: 0, prev: GENESIS_PREV };
    const kind = KINDS[Math.floor(i / 5) % KINDS.length]!;
    const record: AccessRecord = {
      v: 1,
      kind,
      time: new Date(START + i * 1000).toISOString(),
      campaign: 'pref-2026-12',
      item: `item-${String(i).padStart(4, '0')}`,
      annotator: who,
      deviceKeyHash: toBase64Url(await p.sha256(utf8(`device ${i % 5}`))),
      decision: kind === 'deny' ? 'deny' : kind === 'submit' ? 'none' : 'allow',
      ...(kind === 'deny' ? { reason: 'PACE_LIMIT' } : {}),
      seq: chain.seq,
      prev: chain.prev,
    };
    const bytes = encodeAccessRecord(record);
    chains.set(who, { seq: chain.seq + 1, prev: await recordChainHash(p, bytes) });
    out.push(bytes);
  }
  return out;
}

class MemoryStorage implements StorageDriver {
  readonly files = new Map<string, Uint8Array>();
  async read(path: string): Promise<Uint8Array | undefined> {
    return this.files.get(path);
  }
  async writeAll(objects: readonly StoredObject[]): Promise<void> {
    for (const o of objects) this.files.set(o.path, Uint8Array.from(o.data));
  }
}

/** Runs the product's writer over the records in TILE_VECTOR_BATCHES; returns the published files and the roots. */
export async function writeTileVectorLog(records: readonly Uint8Array[]): Promise<{ files: Map<string, Uint8Array>; roots: { size: number; root_hex: string }[] }> {
  const storage = new MemoryStorage();
  const signer = await ed25519NoteSigner(p, TILE_VECTOR_ORIGIN, LOG_SEED);
  // One batch per call: every entry of a batch is queued before the writer's timer fires.
  const writer = await LogWriter.open({ primitives: p, storage, signer, batchSize: 256, batchDelayMs: 1 });
  const roots: { size: number; root_hex: string }[] = [];
  let next = 0;
  for (const n of TILE_VECTOR_BATCHES) {
    const batch = records.slice(next, next + n);
    next += n;
    const appended = await Promise.all(batch.map((e) => writer.append(e)));
    const size = appended.at(-1)!.index + 1;
    if (size !== next) throw new Error(`tile vectors: batch ended at size ${size}, expected ${next} (the writer split or merged a batch)`);
    const note = writer.checkpoint;
    const rootLine = note.split('\n')[2]!;
    roots.push({ size, root_hex: toHex(Uint8Array.from(Buffer.from(rootLine, 'base64'))) });
  }
  await writer.close();
  const published = new Map([...storage.files].filter(([path]) => !path.startsWith('.state/')).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { files: published, roots };
}

export async function tileVectorManifest(files: Map<string, Uint8Array>, roots: { size: number; root_hex: string }[]): Promise<TileVectorManifest> {
  const signer = await ed25519NoteSigner(p, TILE_VECTOR_ORIGIN, LOG_SEED);
  const hashes: Record<string, string> = {};
  for (const [path, data] of files) hashes[path] = toHex(await p.sha256(data));
  return {
    format: 'keyhole-log-tiles-v1',
    comment: 'A keyhole audit log of 300 access records (docs/SPEC.md §8.3-§8.4), written in batches of 1, 99, 156 and 44 entries. Test key only.',
    origin: TILE_VECTOR_ORIGIN,
    log_skey: formatSignerKey(signer.name, signer.keyId, LOG_SEED),
    log_vkey: signer.verifierKey,
    batches: [...TILE_VECTOR_BATCHES],
    roots,
    files: hashes,
  };
}
