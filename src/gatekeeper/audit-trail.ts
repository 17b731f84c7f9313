/**
 * The gatekeeper's side of the audit log: turns decisions into access
 * records (src/core/access-record.ts), keeps each annotator's chain (seq and
 * prev), appends them to the log and builds the offline proof bundle that
 * travels with the answer.
 *
 * Chain order equals log order because `seq`/`prev` are assigned and the
 * entry queued with the writer in the same synchronous step (the writer keeps
 * queue order). Records that concern no annotator (shreds, vendor
 * suspensions) chain on the lab's own chain, keyed "". If an append fails,
 * its record is missing from the log while the next one of the same chain
 * still points at it: a monitor sees the gap, which is the truth (a decision
 * was attempted and not recorded, and no key left). After a restart the
 * chains are rebuilt from the log itself.
 */
import { createHash } from 'node:crypto';
import { toBase64Url } from '../core/bytes.js';
import { decodeAccessRecord, encodeAccessRecord, GENESIS_PREV, type AccessRecord } from '../core/access-record.js';
import { parseCheckpointBody } from '../core/checkpoint.js';
import { inclusionProof } from '../core/merkle.js';
import { parseNote } from '../core/note.js';
import type { Primitives } from '../core/primitives.js';
import { formatProofBundle } from '../core/proof-bundle.js';
import { decodeEntryBundle } from '../core/tile-data.js';
import { TILE_WIDTH, entriesPath, partialTileSize } from '../core/tile-paths.js';
import { TileNodeSource, type ObjectReader } from '../log/tile-reader.js';
import type { LogWriter } from '../log/writer.js';

export type RecordInput = Omit<AccessRecord, 'v' | 'time' | 'seq' | 'prev'>;

export interface LoggedRecord {
  readonly record: AccessRecord;
  readonly entry: Uint8Array;
  readonly index: number;
  readonly checkpoint: string;
}

interface ChainHead {
  seq: number;
  prev: string;
}

const PROOF_SOURCES_KEPT = 8;

function chainHash(entry: Uint8Array): string {
  // Same value as core recordChainHash (SHA-256, b64u), computed synchronously so that
  // assigning seq/prev and queueing the entry happen in one step (see above).
  return toBase64Url(createHash('sha256').update(entry).digest());
}

export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

export class AuditTrail {
  private readonly chains = new Map<string, ChainHead>();
  private readonly sources = new Map<string, TileNodeSource>();

  private constructor(
    private readonly p: Primitives,
    private readonly writer: LogWriter,
    private readonly reader: ObjectReader,
  ) {}

  /** Opens the trail over a writer, rebuilding every chain head from the log's entries. */
  static async open(p: Primitives, writer: LogWriter, reader: ObjectReader): Promise<AuditTrail> {
    const trail = new AuditTrail(p, writer, reader);
    const size = writer.size;
    for (let bundle = 0; bundle * TILE_WIDTH < size; bundle++) {
      const partial = partialTileSize(0, bundle, size);
      const path = entriesPath(bundle, partial);
      const bytes = await reader.read(path);
      if (!bytes) throw new Error(`log: entry bundle ${path} is missing`);
      for (const entry of decodeEntryBundle(bytes, partial === 0 ? TILE_WIDTH : partial)) {
        const record = decodeAccessRecord(entry);
        trail.chains.set(record.annotator ?? '', { seq: record.seq + 1, prev: chainHash(entry) });
      }
    }
    return trail;
  }

  get origin(): string {
    return this.writer.origin;
  }

  get size(): number {
    return this.writer.size;
  }

  /** Resolves once the record is durable and covered by a published (cosigned) checkpoint. */
  append(input: RecordInput, nowMs: number): Promise<LoggedRecord> {
    let record: AccessRecord;
    let entry: Uint8Array;
    const key = input.annotator ?? '';
    const head = this.chains.get(key) ?? { seq: 0, prev: GENESIS_PREV };
    try {
      record = { v: 1, time: isoMillis(nowMs), ...input, seq: head.seq, prev: head.prev };
      entry = encodeAccessRecord(record);
    } catch (err) {
      return Promise.reject(err);
    }
    this.chains.set(key, { seq: head.seq + 1, prev: chainHash(entry) });
    return this.writer.append(entry).then((a) => ({ record, entry, index: a.index, checkpoint: a.checkpoint }));
  }

  /** The c2sp.org/tlog-proof@v1 bundle for a logged record, against the checkpoint that acknowledged it. */
  async proof(logged: LoggedRecord): Promise<string> {
    let source = this.sources.get(logged.checkpoint);
    if (!source) {
      const { size } = parseCheckpointBody(parseNote(logged.checkpoint).text);
      source = new TileNodeSource(this.p, this.reader, size);
      if (this.sources.size >= PROOF_SOURCES_KEPT) this.sources.delete(this.sources.keys().next().value!);
      this.sources.set(logged.checkpoint, source);
    }
    const proof = await inclusionProof(this.p, source, logged.index, source.treeSize);
    return formatProofBundle({ entry: logged.entry, index: logged.index, proof, checkpoint: logged.checkpoint });
  }
}
