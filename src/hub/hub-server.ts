/** Runs the hub: opens storage, builds the app, listens. Used by `keyhole hub serve` and the benchmark. */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { nodePrimitives } from '../platform/node-primitives.js';
import { openBlobStore } from '../storage/open-blob-store.js';
import { openHubDatabase, type OpenDatabaseOptions } from '../storage/open-database.js';
import { systemClock, type HubContext, type HubIdentity } from './hub-context.js';
import { createHubApp, type HubHttpOptions } from './http-app.js';

export interface HubServerOptions extends HubHttpOptions {
  db: string;
  blobs: string;
  s3Endpoint?: string;
  identity: HubIdentity;
  port: number;
  host: string;
  database?: OpenDatabaseOptions;
}

export interface RunningHub {
  url: string;
  ctx: HubContext;
  close(): Promise<void>;
}

export async function startHub(options: HubServerOptions): Promise<RunningHub> {
  const store = await openHubDatabase(options.db, options.database);
  const blobs = openBlobStore(options.blobs, options.s3Endpoint === undefined ? {} : { s3Endpoint: options.s3Endpoint });
  const ctx: HubContext = { store, blobs, p: nodePrimitives, identity: options.identity, clock: systemClock };
  const app = createHubApp(ctx, options);
  // Requests whose client went away still run to the end; the database closes only after the last one.
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const fetch = async (request: Request, env: unknown): Promise<Response> => {
    inFlight++;
    try {
      return await app.fetch(request, env);
    } finally {
      if (--inFlight === 0) drained?.();
    }
  };
  const server = serve({ fetch, port: options.port, hostname: options.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    ctx,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      await store.close();
    },
  };
}
