/**
 * A file system that models the page cache, for power-loss tests of FileSystemStorage
 * (src/log/fs-storage.ts takes it through its FileSystemCalls seam).
 *
 * Every file and directory has what the running system sees and what is on the disk:
 *   - a file's bytes reach the disk only when that file is fsync'd;
 *   - a directory's entries (files created or renamed into it, subdirectories made in it) reach
 *     the disk only when that directory is fsync'd;
 * the strictest reading POSIX allows, and what ext4 and XFS do in their less forgiving modes.
 *
 * `cutPowerAt(n)` makes the n-th call from now fail instead of running, and every call after it;
 * `afterPowerLoss()` is the machine rebooted: the disk as it was at the cut, cache gone.
 */
import type { FileCalls, FileSystemCalls } from '../../../src/log/fs-storage.js';

interface File {
  readonly kind: 'file';
  data: Uint8Array;
  disk: Uint8Array;
}

interface Dir {
  readonly kind: 'dir';
  entries: Map<string, Node>;
  disk: Map<string, Node>;
}

type Node = File | Dir;

export class PowerLost extends Error {
  constructor() {
    super('the power is off');
  }
}

function enoent(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${path}'`), { code: 'ENOENT' });
}

function parts(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`page-cache fs: "${path}" is not absolute`);
  return path.split('/').filter((p) => p !== '');
}

function recovered(node: Node): Node {
  if (node.kind === 'file') return { kind: 'file', data: Uint8Array.from(node.disk), disk: Uint8Array.from(node.disk) };
  const entries = new Map([...node.disk].map(([name, child]) => [name, recovered(child)] as const));
  return { kind: 'dir', entries, disk: new Map(entries) };
}

export class PageCacheFs implements FileSystemCalls {
  /** Calls made so far: a run counts its steps with this, and a later run cuts the power at each. */
  calls = 0;
  private cutAt = Infinity;

  private constructor(private readonly root: Dir) {}

  /** An empty disk; the root directory itself is durable (it is the mount point). */
  static empty(): PageCacheFs {
    return new PageCacheFs({ kind: 'dir', entries: new Map(), disk: new Map() });
  }

  /** An empty disk mounted at `dir`: `dir` and its ancestors exist and are durable, as a directory made before the test is. */
  static mountedAt(dir: string): PageCacheFs {
    const root: Dir = { kind: 'dir', entries: new Map(), disk: new Map() };
    let node = root;
    for (const name of parts(dir)) {
      const child: Dir = { kind: 'dir', entries: new Map(), disk: new Map() };
      node.entries.set(name, child);
      node.disk.set(name, child);
      node = child;
    }
    return new PageCacheFs(root);
  }

  /** The n-th call from now (0: the next one) and every later call fail with PowerLost. */
  cutPowerAt(n: number): void {
    this.cutAt = this.calls + n;
  }

  get powerLost(): boolean {
    return this.calls > this.cutAt;
  }

  /** The machine after a reboot: what was on the disk at the cut, and a fresh count. */
  afterPowerLoss(): PageCacheFs {
    return new PageCacheFs(recovered(this.root) as Dir);
  }

  private step(): void {
    this.calls++;
    if (this.calls > this.cutAt) throw new PowerLost();
  }

  private lookup(path: string): Node | undefined {
    let node: Node = this.root;
    for (const name of parts(path)) {
      if (node.kind !== 'dir') return undefined;
      const next = node.entries.get(name);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  private parentOf(path: string): { dir: Dir; name: string } {
    const names = parts(path);
    const name = names.pop();
    const dir = this.lookup(`/${names.join('/')}`);
    if (!name || !dir || dir.kind !== 'dir') throw enoent(path);
    return { dir, name };
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.step();
    const node = this.lookup(path);
    if (!node || node.kind !== 'file') throw enoent(path);
    return Uint8Array.from(node.data);
  }

  async mkdir(path: string, _options: { recursive: true }): Promise<string | undefined> {
    this.step();
    let node: Dir = this.root;
    let first: string | undefined;
    let at = '';
    for (const name of parts(path)) {
      at += `/${name}`;
      let next = node.entries.get(name);
      if (!next) {
        next = { kind: 'dir', entries: new Map(), disk: new Map() };
        node.entries.set(name, next);
        first ??= at;
      }
      if (next.kind !== 'dir') throw Object.assign(new Error(`ENOTDIR: '${at}'`), { code: 'ENOTDIR' });
      node = next;
    }
    return first;
  }

  async open(path: string, flags: 'r' | 'w'): Promise<FileCalls> {
    this.step();
    let node = this.lookup(path);
    if (flags === 'w') {
      const { dir, name } = this.parentOf(path);
      if (!node) {
        node = { kind: 'file', data: new Uint8Array(0), disk: new Uint8Array(0) };
        dir.entries.set(name, node);
      } else if (node.kind === 'file') node.data = new Uint8Array(0);
    }
    if (!node) throw enoent(path);
    const opened = node;
    return {
      writeFile: async (data) => {
        this.step();
        if (opened.kind !== 'file') throw new Error(`EISDIR: '${path}'`);
        opened.data = Uint8Array.from(data);
      },
      sync: async () => {
        this.step();
        if (opened.kind === 'file') opened.disk = Uint8Array.from(opened.data);
        else opened.disk = new Map(opened.entries);
      },
      close: async () => {
        this.step();
      },
    };
  }

  async rename(from: string, to: string): Promise<void> {
    this.step();
    const source = this.parentOf(from);
    const node = source.dir.entries.get(source.name);
    if (!node) throw enoent(from);
    const target = this.parentOf(to);
    source.dir.entries.delete(source.name);
    target.dir.entries.set(target.name, node);
  }

  /** Paths of every file the running system sees, for assertions. */
  files(dir: Dir = this.root, prefix = ''): string[] {
    return [...dir.entries].flatMap(([name, node]) => (node.kind === 'dir' ? this.files(node, `${prefix}/${name}`) : [`${prefix}/${name}`]));
  }
}
