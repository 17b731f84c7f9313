/**
 * Serves a fetch handler on a host and port (0: any free one). `mount`
 * replaces the handler (a service takes its port first, so its own URL can
 * go into what it serves). `close` stops accepting, lets in-flight requests
 * finish for up to `graceMs`, then cuts what is left.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { KeyholeError } from '../../core/errors.js';

type Fetch = (request: Request) => Response | Promise<Response>;

export interface Listening {
  /** e.g. "http://127.0.0.1:7380/" */
  readonly url: string;
  mount(fetch: Fetch): void;
  close(graceMs?: number): Promise<void>;
}

export function listenOn(fetch: Fetch, port: number, host = '127.0.0.1'): Promise<Listening> {
  let handler = fetch;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: (req) => handler(req), port, hostname: host }, (info: AddressInfo) => {
      const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${info.port}/`,
        mount(next) {
          handler = next;
        },
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const cut = setTimeout(() => {
              if ('closeAllConnections' in server) server.closeAllConnections();
            }, graceMs);
            server.close(() => {
              clearTimeout(cut);
              done();
            });
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new KeyholeError('CONFLICT', `port ${port} on ${host} is in use; choose another port (or stop the other keyhole service)`) : err);
    });
  });
}
