/**
 * The log writer. Appends are queued and integrated in batches (up to
 * `batchSize` entries, or whatever arrived within `batchDelayMs`). For each batch:
 *
 *   1. the new tiles and entry bundles are written durably;
 *   2. `.state/treeState` (size, root) is written durably: the commit point.
 *      It comes before witnessing so that a size a witness has cosigned can
 *      never be lost in a crash (the witness would refuse the log forever);
 *   3. a checkpoint is signed and, when a witness policy is set, cosigned by a
 *      quorum of witnesses (c2sp.org/tlog-witness);
 *   4. `checkpoint` is written durably, and only then is every append of the
 *      batch acknowledged with its index and the published checkpoint.
 *
 * After a crash the writer restarts from treeState: any tiles written past it
 * belong to unacknowledged appends and are overwritten. If the checkpoint lags
 * behind the state (crash between 2 and 4) it is republished on open.
 */
import { constantTimeEqual, fromUtf8, utf8 } from '../core/bytes.js';
import { parseCheckpointBody, signCheckpoint, type Checkpoint } from '../core/checkpoint.js';
import { fail, KeyholeError } from '../core/errors.js';
import { consistencyProof, type Hash } from '../core/merkle.js';
import { addSignatures, parseNote, type NoteSignature, type NoteSigner } from '../core/note.js';
import type { Primitives } from '../core/primitives.js';
import { checkEntrySize } from '../core/tile-data.js';
import type { StorageDriver } from './storage.js';
import { TiledTree } from './tiled-tree.js';
import { TileNodeSource } from './tile-reader.js';
import { TREE_STATE_PATH, decodeTreeState, encodeTreeState } from './tree-state.js';

export const CHECKPOINT_PATH = 'checkpoint';

/** Collects cosignatures for a new checkpoint; throws when its policy's quorum is not reached. */
export interface Witnessing {
  cosign(signedCheckpoint: string, checkpoint: Checkpoint, consistencyProofFrom: (oldSize: number) => Promise<Hash[]>): Promise<NoteSignature[]>;
}

export interface LogWriterOptions {
  readonly primitives: Primitives;
  readonly storage: StorageDriver;
  /** The log's checkpoint key; its name is the log's origin. */
  readonly signer: NoteSigner;
  readonly batchSize?: number;
  readonly batchDelayMs?: number;
  readonly witnessing?: Witnessing;
  /** Told of each batch made durable and published (entries, milliseconds it took), or of a failed one: for metrics. */
  readonly onBatch?: (entries: number, ms: number, ok: boolean) => void;
}

export interface Appended {
  readonly index: number;
  /** The published checkpoint (signed, and cosigned when witnessed) whose tree contains the entry. */
  readonly checkpoint: string;
}

interface Pending {
  readonly entry: Uint8Array;
  resolve(a: Appended): void;
  reject(e: unknown): void;
}

export class LogWriter {
  private queue: Pending[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly opts: Required<Omit<LogWriterOptions, 'witnessing' | 'onBatch'>> & Pick<LogWriterOptions, 'witnessing' | 'onBatch'>,
    private tree: TiledTree,
    private published: string,
  ) {}

  get origin(): string {
    return this.opts.signer.name;
  }

  get size(): number {
    return this.tree.size;
  }

  /** The last published checkpoint note. */
  get checkpoint(): string {
    return this.published;
  }

  static async open(options: LogWriterOptions): Promise<LogWriter> {
    const opts = { batchSize: 256, batchDelayMs: 5, ...options };
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) fail('BAD_FORMAT', `log: batch size ${opts.batchSize} must be a positive integer`);
    const p = opts.primitives;
    const stateBytes = await opts.storage.read(TREE_STATE_PATH);
    let tree = TiledTree.empty(p);
    if (stateBytes) {
      const state = decodeTreeState(stateBytes);
      tree = await TiledTree.load(p, opts.storage, state.size);
      if (!constantTimeEqual(await tree.root(), state.root)) {
        fail('MISMATCH', `log: the stored tiles do not hash to the root in ${TREE_STATE_PATH} (size ${state.size})`);
      }
    }
    const existing = await opts.storage.read(CHECKPOINT_PATH);
    const writer = new LogWriter(opts, tree, existing ? fromUtf8(existing, CHECKPOINT_PATH) : '');
    let publishedSize = -1;
    if (existing) {
      const cp = parseCheckpointBody(parseNote(existing).text);
      if (cp.origin !== writer.origin) fail('MISMATCH', `log: stored checkpoint has origin "${cp.origin}", the key is for "${writer.origin}"`);
      if (cp.size > tree.size) fail('MISMATCH', `log: published checkpoint size ${cp.size} is ahead of the durable size ${tree.size}`);
      publishedSize = cp.size;
    }
    if (publishedSize < tree.size) {
      if (!stateBytes) await opts.storage.writeAll([{ path: TREE_STATE_PATH, data: encodeTreeState({ size: 0, root: await tree.root() }) }]);
      await writer.publish();
    }
    return writer;
  }

  /** Signs, witnesses and durably publishes a checkpoint for the current tree. */
  private async publish(): Promise<void> {
    const p = this.opts.primitives;
    const checkpoint: Checkpoint = { origin: this.origin, size: this.tree.size, rootHash: await this.tree.root(), extensions: [] };
    let note = await signCheckpoint(checkpoint, [this.opts.signer]);
    if (this.opts.witnessing) {
      const source = new TileNodeSource(p, this.opts.storage, checkpoint.size);
      const sigs = await this.opts.witnessing.cosign(note, checkpoint, (oldSize) => consistencyProof(p, source, oldSize, checkpoint.size));
      note = addSignatures(note, sigs);
    }
    await this.opts.storage.writeAll([{ path: CHECKPOINT_PATH, data: utf8(note) }]);
    this.published = note;
  }

  /** Queues an entry; resolves once it is durable and covered by a published checkpoint. */
  append(entry: Uint8Array): Promise<Appended> {
    if (this.closed) return Promise.reject(new KeyholeError('UNSUPPORTED', 'log: writer is closed'));
    try {
      checkEntrySize(entry);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<Appended>((resolve, reject) => {
      this.queue.push({ entry: Uint8Array.from(entry), resolve, reject });
      if (this.queue.length >= this.opts.batchSize) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.opts.batchDelayMs);
    });
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.running.then(() => this.drain());
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.batchSize);
      const started = performance.now();
      try {
        const base = await this.integrate(batch.map((b) => b.entry));
        this.opts.onBatch?.(batch.length, performance.now() - started, true);
        batch.forEach((b, i) => b.resolve({ index: base + i, checkpoint: this.published }));
      } catch (err) {
        this.opts.onBatch?.(batch.length, performance.now() - started, false);
        for (const b of batch) b.reject(err);
      }
    }
  }

  /** Steps 1-4 above; returns the index of the batch's first entry. */
  private async integrate(entries: Uint8Array[]): Promise<number> {
    const base = this.tree.size;
    const growth = await this.tree.append(entries);
    await this.opts.storage.writeAll(growth.objects);
    await this.opts.storage.writeAll([{ path: TREE_STATE_PATH, data: encodeTreeState({ size: growth.tree.size, root: await growth.tree.root() }) }]);
    this.tree = growth.tree;
    try {
      await this.publish();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      fail('STALE', `log: entries ${base}..${this.tree.size - 1} are durable but no checkpoint was published (${reason}); they are not acknowledged`);
    }
    return base;
  }

  /** Integrates everything queued, then refuses further appends. */
  async close(): Promise<void> {
    this.closed = true;
    this.kick();
    await this.running;
  }
}
