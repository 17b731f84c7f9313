/**
 * Blob store in a directory. A blob is written to a temporary file next to
 * its target, fsync'd, renamed over the target (atomic on POSIX) and then the
 * directory is fsync'd, so an acknowledged put survives a crash and a reader
 * never sees half a blob.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { checkBlobKey, type BlobStore, type ByteRange } from './blob-store.js';

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class FileBlobStore implements BlobStore {
  readonly root: string;
  readonly location: string;
  private readonly knownDirectories = new Set<string>();

  constructor(root: string) {
    this.root = resolve(root);
    this.location = this.root;
  }

  private pathOf(key: string): string {
    // checkBlobKey admits only safe segments, so the join cannot leave the root.
    return join(this.root, ...checkBlobKey(key).split('/'));
  }

  /** Creates the directory and fsyncs each new one's parent, so the new entry is durable too. */
  private async ensureDirectory(directory: string): Promise<void> {
    if (this.knownDirectories.has(directory)) return;
    const created = await mkdir(directory, { recursive: true });
    if (created !== undefined) {
      for (let d = directory; d.length >= created.length && d !== this.root; d = dirname(d)) await fsyncDirectory(dirname(d));
    }
    this.knownDirectories.add(directory);
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const target = this.pathOf(key);
    const directory = dirname(target);
    await this.ensureDirectory(directory);
    const temporary = join(directory, `.tmp-${randomBytes(8).toString('hex')}`);
    try {
      const handle = await open(temporary, 'wx', 0o640);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
    await fsyncDirectory(directory);
  }

  async stream(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | undefined> {
    // Opened before the stream is built, so a missing blob is an answer here rather than an error mid-response.
    let handle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    // The stream closes the handle when it ends or the client goes away (autoClose).
    const file = handle.createReadStream(range === undefined ? {} : { start: range.start, end: range.end });
    return Readable.toWeb(file) as ReadableStream<Uint8Array>;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}
