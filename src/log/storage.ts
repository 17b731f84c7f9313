/**
 * Where a log keeps its tiles, entry bundles, checkpoint and state: a flat
 * namespace of slash-separated paths (the tlog-tiles paths, plus ".state/...").
 */
export interface StoredObject {
  readonly path: string;
  readonly data: Uint8Array;
}

export interface StorageDriver {
  /** The object's bytes, or undefined when there is none. */
  read(path: string): Promise<Uint8Array | undefined>;
  /**
   * Writes every object so that, when the promise resolves, each one is whole
   * and survives a crash or power loss (fsync, or the object store's
   * acknowledgement). Each object is replaced atomically: a reader sees the old
   * bytes or the new ones, never a mix.
   */
  writeAll(objects: readonly StoredObject[]): Promise<void>;
}
