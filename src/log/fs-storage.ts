/**
 * File-system StorageDriver. Each object is written to a temporary file in its
 * directory, fsync'd, renamed over the target (atomic on POSIX), and then the
 * directory is fsync'd so that the rename itself is durable. Directories that
 * are created are fsync'd in their parent for the same reason.
 */
import * as nodeFs from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fail } from '../core/errors.js';
import type { StorageDriver, StoredObject } from './storage.js';

/** An open file, as far as FileSystemStorage uses one. */
export interface FileCalls {
  writeFile(data: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file-system calls FileSystemStorage makes (node:fs/promises by default), so that a test can
 * run the very same write, fsync and rename sequence over a model of the page cache and cut the
 * power between any two calls (test/log/support/page-cache-fs.ts).
 */
export interface FileSystemCalls {
  /** Rejects with an error whose `code` is 'ENOENT' when there is no such file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Like mkdir -p; resolves to the first directory created, or undefined when none was. */
  mkdir(path: string, options: { recursive: true }): Promise<string | undefined>;
  open(path: string, flags: 'r' | 'w', mode?: number): Promise<FileCalls>;
  rename(from: string, to: string): Promise<void>;
}

async function fsyncPath(fs: FileSystemCalls, path: string): Promise<void> {
  const handle = await fs.open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class FileSystemStorage implements StorageDriver {
  readonly root: string;
  private readonly knownDirs = new Set<string>();

  constructor(
    root: string,
    private readonly fs: FileSystemCalls = nodeFs,
  ) {
    this.root = resolve(root);
  }

  private resolvePath(path: string): string {
    const full = resolve(this.root, path);
    const rel = relative(this.root, full);
    if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..')) fail('BAD_FORMAT', `storage: path "${path}" leaves the log directory`);
    return full;
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await this.fs.readFile(this.resolvePath(path)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Creates `dir` and its missing ancestors below the root; returns the directories whose entries changed. */
  private async ensureDir(dir: string, changed: Set<string>): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    const missing: string[] = [];
    for (let d = dir; d.startsWith(this.root) && d !== dirname(d); d = dirname(d)) {
      missing.push(d);
      if (d === this.root) break;
    }
    for (const d of missing.reverse()) {
      if (this.knownDirs.has(d)) continue;
      const created = await this.fs.mkdir(d, { recursive: true });
      if (created !== undefined) changed.add(dirname(d));
      this.knownDirs.add(d);
    }
  }

  async writeAll(objects: readonly StoredObject[]): Promise<void> {
    const dirs = new Set<string>();
    for (const o of objects) {
      const full = this.resolvePath(o.path);
      await this.ensureDir(dirname(full), dirs);
      dirs.add(dirname(full));
    }
    await Promise.all(
      objects.map(async (o) => {
        const full = this.resolvePath(o.path);
        const tmp = join(dirname(full), `.tmp-${randomBytes(6).toString('hex')}`);
        const handle = await this.fs.open(tmp, 'w', 0o644);
        try {
          await handle.writeFile(o.data);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await this.fs.rename(tmp, full);
      }),
    );
    // Parents first is not needed: every created directory's parent is in the set too.
    await Promise.all([...dirs].map((d) => fsyncPath(this.fs, d)));
  }
}
