import type { Hono } from 'hono';
import { listenOn, type Listening } from '../../../src/cli/services/listen.js';

export type Running = Listening;

/** Serves a Hono app on an ephemeral loopback port. */
export function listen(app: Hono): Promise<Running> {
  return listenOn(app.fetch, 0);
}
