/**
 * The tlog-tiles read API (c2sp.org/tlog-tiles §HTTP API) over any
 * StorageDriver: GET /checkpoint, /tile/<L>/<N>[.p/<W>] and
 * /tile/entries/<N>[.p/<W>]. Paths are parsed strictly before anything is
 * read, so nothing else in storage (e.g. .state/) can be reached. Full tiles
 * are immutable; partial tiles and the checkpoint are not.
 */
import { Hono } from 'hono';
import { parseIndexPartial, parseTileLevelIndexPartial } from '../core/tile-paths.js';
import type { ObjectReader } from './tile-reader.js';
import { CHECKPOINT_PATH } from './writer.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

function body(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function logReadApi(reader: ObjectReader): Hono {
  const app = new Hono();
  app.get('/checkpoint', async (c) => {
    const bytes = await reader.read(CHECKPOINT_PATH);
    if (!bytes) return c.text('no checkpoint yet\n', 404);
    return c.body(body(bytes), 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
  });
  // A named parameter, not c.req.path: mounted under a prefix (the gatekeeper serves it at /log), the path includes the prefix.
  app.get('/tile/:rest{.+}', async (c) => {
    const rest = c.req.param('rest');
    const slash = rest.indexOf('/');
    let partial: number;
    try {
      if (slash < 0) throw new Error('no index');
      const head = rest.slice(0, slash);
      const tail = rest.slice(slash + 1);
      partial = head === 'entries' ? parseIndexPartial(tail).partial : parseTileLevelIndexPartial(head, tail).partial;
    } catch {
      return c.text('not a tlog-tiles path\n', 404);
    }
    const bytes = await reader.read(`tile/${rest}`);
    if (!bytes) return c.text('not found\n', 404);
    return c.body(body(bytes), 200, { 'Content-Type': 'application/octet-stream', 'Cache-Control': partial === 0 ? IMMUTABLE : 'no-cache' });
  });
  app.notFound((c) => c.text('not found\n', 404));
  app.onError((_err, c) => c.text('internal error\n', 500));
  return app;
}
