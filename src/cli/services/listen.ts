/** Serves a fetch handler on loopback, on a given port (0: any free one), and closes it with its open connections. */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { KeyholeError } from '../../core/errors.js';

export interface Listening {
  /** e.g. "http://127.0.0.1:7380/" */
  readonly url: string;
  close(): Promise<void>;
}

export function listenOn(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new KeyholeError('CONFLICT', `port ${port} on 127.0.0.1 is in use; pass --port with another base port (or stop the other keyhole demo)`) : err);
    });
  });
}
