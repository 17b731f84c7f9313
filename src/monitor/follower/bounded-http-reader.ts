/**
 * Reads a tlog-tiles log over HTTP as a hostile source: every request has a
 * deadline and a size cap fitting what the path may hold (a checkpoint note,
 * a hash tile, an entry bundle), so a log cannot stall or exhaust the monitor.
 */
import { fail } from '../../core/errors.js';
import { MAX_NOTE_BYTES } from '../../core/note.js';
import { MAX_ENTRY_BYTES } from '../../core/tile-data.js';
import { TILE_WIDTH } from '../../core/tile-paths.js';
import type { ObjectReader } from '../../log/tile-reader.js';

const HASH_TILE_BYTES = 32 * TILE_WIDTH;
const ENTRY_BUNDLE_BYTES = TILE_WIDTH * (2 + MAX_ENTRY_BYTES);

function capFor(path: string): number {
  if (path === 'checkpoint') return MAX_NOTE_BYTES;
  if (path.startsWith('tile/entries/')) return ENTRY_BUNDLE_BYTES;
  if (path.startsWith('tile/')) return HASH_TILE_BYTES;
  return fail('BAD_FORMAT', `log reader: "${path}" is not a tlog-tiles path`);
}

export class BoundedHttpReader implements ObjectReader {
  private readonly base: string;

  constructor(
    base: string,
    private readonly timeoutMs = 10_000,
  ) {
    const url = new URL(base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('BAD_FORMAT', `log URL ${url.origin}: only http and https are supported`);
    this.base = base.endsWith('/') ? base : `${base}/`;
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    const cap = capFor(path);
    const url = new URL(path, this.base);
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' });
    } catch (err) {
      return fail('UNAVAILABLE', `GET ${url.pathname}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) {
      await res.body?.cancel();
      return fail('UNAVAILABLE', `GET ${url.pathname}: HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > cap) {
      await res.body?.cancel();
      fail('BAD_LENGTH', `GET ${url.pathname}: ${declared} bytes, more than the ${cap} such a path can hold`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = res.body?.getReader();
    for (;;) {
      const next = await (reader ? reader.read() : Promise.resolve({ done: true as const, value: undefined }));
      if (next.done) break;
      total += next.value.length;
      if (total > cap) {
        await reader!.cancel();
        fail('BAD_LENGTH', `GET ${url.pathname}: more than the ${cap} bytes such a path can hold`);
      }
      chunks.push(next.value);
    }
    return new Uint8Array(Buffer.concat(chunks));
  }
}
