/**
 * Follows a log over its tlog-tiles read API. One `step`:
 *
 *  1. fetch /checkpoint, verify the log's signature (with the expected origin)
 *     and the witnesses' cosignatures against the policy quorum;
 *  2. record it in the checkpoint ledger (split-view check);
 *  3. refuse a smaller size (rollback) or a new root for the verified size;
 *  4. verify consistency with the last verified tree from the hash tiles;
 *  5. read the new entries chunk by chunk from the entry bundles, extend the
 *     compact range with their leaf hashes, and prove each chunk is a prefix
 *     of the new tree (a consistency proof from the chunk's end, or the root
 *     itself for the last chunk) before handing it on.
 *
 * So every entry handed to `onChunk` is in a tree the log signed and a quorum
 * of witnesses cosigned, and that tree extends everything verified before.
 * Any failure is a finding and the position stays where it was.
 */
import { constantTimeEqual, fromUtf8, toBase64 } from '../../core/bytes.js';
import { consistencyProof, verifyConsistency } from '../../core/merkle.js';
import type { Primitives } from '../../core/primitives.js';
import { decodeEntryBundle } from '../../core/tile-data.js';
import { TILE_WIDTH, bundleRange, entriesPath } from '../../core/tile-paths.js';
import { TileNodeSource, type ObjectReader } from '../../log/tile-reader.js';
import { CHECKPOINT_PATH } from '../../log/writer.js';
import type { Finding } from '../rules/rule.js';
import type { MonitorStore } from '../store/monitor-store.js';
import { recordCheckpoint, splitView } from './checkpoint-ledger.js';
import { verifyCheckpoint, type CheckpointPolicy, type VerifiedCheckpoint } from './checkpoint-policy.js';
import { CompactRange, leafHashSync } from './compact-range.js';
import { integrityFinding } from './integrity-finding.js';

export interface FollowerPosition {
  readonly size: number;
  readonly root: Uint8Array;
  readonly frontier: CompactRange;
  /** The latest verified checkpoint note; its size is at least `size`. */
  readonly note: string;
}

export interface VerifiedChunk {
  /** Log index of entries[0]. */
  readonly from: number;
  readonly entries: readonly Uint8Array[];
  readonly position: FollowerPosition;
}

export interface StepResult {
  readonly findings: Finding[];
  /** The checkpoint the log serves now, when it verified. */
  readonly served?: VerifiedCheckpoint;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class LogFollower {
  constructor(
    private readonly p: Primitives,
    private readonly reader: ObjectReader,
    private readonly policy: CheckpointPolicy,
    private readonly store: MonitorStore,
    /**
     * Entries verified and handed on at a time (one consistency proof, one
     * store transaction each); a multiple of the bundle width. 16,384 entries
     * are ~5 MB of records held at once.
     */
    private readonly chunkSize = 64 * TILE_WIDTH,
  ) {}

  /** Verifies a checkpoint note from any source and records it; findings for what is wrong with it. */
  async admit(note: string, source: string, nowMs: number): Promise<{ verified?: VerifiedCheckpoint; findings: Finding[] }> {
    let vc: VerifiedCheckpoint;
    try {
      vc = await verifyCheckpoint(this.policy, note);
    } catch (err) {
      const evidence = { source, note: note.slice(0, 4096), error: message(err) };
      return { findings: [integrityFinding('checkpoint-signature', `checkpoint from ${source} refused: ${message(err)}`, `${source}|${message(err)}`, evidence)] };
    }
    const findings: Finding[] = [];
    const { size } = vc.checkpoint;
    const root = toBase64(vc.checkpoint.rootHash);
    if (vc.disagreeing.length > 0) {
      findings.push(integrityFinding('witness-disagreement', `witness ${vc.disagreeing.join(', ')} cosignature does not verify on the checkpoint of size ${size} from ${source}`, `${size}|${root}|${vc.disagreeing.join(',')}`, { source, note }));
    }
    if (vc.cosigners.length < this.policy.quorum) {
      findings.push(integrityFinding('witness-quorum', `checkpoint of size ${size} from ${source} has ${vc.cosigners.length} of ${this.policy.quorum} required witness cosignatures`, `${size}|${root}`, { source, note }));
      return { findings };
    }
    const split = recordCheckpoint(this.store, vc, source, nowMs);
    if (split) findings.push(split);
    return { verified: vc, findings };
  }

  async step(position: FollowerPosition, nowMs: number, onChunk: (chunk: VerifiedChunk) => void): Promise<StepResult> {
    const bytes = await this.reader.read(CHECKPOINT_PATH);
    if (!bytes) return { findings: [] };
    const { verified: vc, findings } = await this.admit(fromUtf8(bytes, 'checkpoint'), 'log', nowMs);
    if (!vc || findings.some((f) => f.rule === 'split-view')) return { findings };
    const { size, rootHash } = vc.checkpoint;

    if (size < position.size) {
      findings.push(integrityFinding('log-rollback', `the log now serves size ${size}, smaller than the verified size ${position.size}`, `${size}|${toBase64(rootHash)}`, { previous: position.note, served: vc.note }));
      return { findings };
    }
    if (size === position.size) {
      if (!constantTimeEqual(rootHash, position.root)) findings.push(splitView(size, position.note, 'verified', vc.note, 'log'));
      return { findings, served: vc };
    }

    const source = new TileNodeSource(this.p, this.reader, size);
    if (position.size > 0) {
      try {
        await verifyConsistency(this.p, position.size, size, await consistencyProof(this.p, source, position.size, size), position.root, rootHash);
      } catch (err) {
        findings.push(integrityFinding('consistency-failure', `size ${size} is not consistent with the verified size ${position.size}: ${message(err)}`, `${position.size}|${size}|${toBase64(rootHash)}`, { previous: position.note, served: vc.note, error: message(err) }));
        return { findings };
      }
    }

    const frontier = position.frontier.clone();
    for (let from = position.size; from < size; ) {
      const n = Math.min(this.chunkSize - (from % this.chunkSize), size - from);
      let entries: Uint8Array[];
      try {
        entries = await this.readEntries(from, n, size);
      } catch (err) {
        findings.push(integrityFinding('entries-mismatch', `entries ${from}..${from + n - 1}: ${message(err)}`, `${from}|${size}|${toBase64(rootHash)}`, { served: vc.note, error: message(err) }));
        return { findings, served: vc };
      }
      for (const e of entries) frontier.append(leafHashSync(e));
      const end = from + n;
      const root = frontier.root();
      try {
        if (end < size) await verifyConsistency(this.p, end, size, await consistencyProof(this.p, source, end, size), root, rootHash);
        else if (!constantTimeEqual(root, rootHash)) throw new Error(`the entries hash to ${toBase64(root)}, not to the checkpoint's root`);
      } catch (err) {
        findings.push(integrityFinding('entries-mismatch', `entries ${from}..${end - 1} are not the ones the checkpoint of size ${size} commits to: ${message(err)}`, `${from}|${size}|${toBase64(rootHash)}`, { served: vc.note, error: message(err) }));
        return { findings, served: vc };
      }
      onChunk({ from, entries, position: { size: end, root, frontier: frontier.clone(), note: vc.note } });
      from = end;
    }
    return { findings, served: vc };
  }

  private async readEntries(from: number, n: number, treeSize: number): Promise<Uint8Array[]> {
    // The chunk's bundles are fetched together: one round trip per chunk instead of one per bundle.
    const slices = await Promise.all(
      bundleRange(from, n, treeSize).map(async (slice) => {
        const path = entriesPath(slice.index, slice.partial);
        const bytes = await this.reader.read(path);
        if (!bytes) throw new Error(`entry bundle ${path} is missing`);
        return decodeEntryBundle(bytes, slice.partial === 0 ? TILE_WIDTH : slice.partial).slice(slice.first, slice.first + slice.n);
      }),
    );
    return slices.flat();
  }
}
