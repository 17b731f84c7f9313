/**
 * `keyhole hub serve --config FILE`: the vendor's service as deployed
 * (DESIGN §8). Two listeners:
 *
 *   public   the hub API (src/hub/http-app.ts, OpenAPI at /openapi.json),
 *            /healthz, /readyz
 *   metrics  /metrics, /healthz, /readyz — loopback by default, for the
 *            vendor's monitoring only (request counts by route would tell an
 *            outsider the vendor's load)
 *
 * Loads no lab code: the hub holds no key (test/hub/import-boundary.test.ts).
 * SIGINT/SIGTERM stop accepting, let in-flight requests finish (also those
 * whose client went away), then close the database.
 */
import { resolve } from 'node:path';
import { Hono } from 'hono';
import { sql } from 'kysely';
import { createHubApp } from '../../hub/http-app.js';
import { systemClock, type HubContext } from '../../hub/hub-context.js';
import { loadHubIdentity } from '../../hub/hub-key.js';
import { LoginGuard, DEFAULT_LOGIN_LIMITS } from '../../hub/login-guard.js';
import { fail } from '../../core/errors.js';
import { nodePrimitives } from '../../platform/node-primitives.js';
import { openBlobStore } from '../../storage/open-blob-store.js';
import { openHubDatabase, type HubDatabase } from '../../storage/open-database.js';
import type { HubConfig } from './hub-config.js';
import { databaseIn } from '../config/config-file.js';
import { errorFields, type JsonLog } from './json-log.js';
import { listenOn } from './listen.js';
import { HubMetrics, serviceRegistry } from './metrics.js';

export interface RunningHubService {
  readonly url: string;
  readonly metricsUrl: string;
  readonly hub: string;
  /** The hub's state, for the demo's vendor operator and the drill's attacker, who hold it. */
  readonly context: HubContext;
  readonly database: HubDatabase;
  close(): Promise<void>;
}


/** The hub's database as the config names it; relative sqlite: paths resolve against the config's directory. */
export function openConfiguredHubDatabase(config: Pick<HubConfig, 'database' | 'databaseSchema'>, baseDir: string): Promise<HubDatabase> {
  return openHubDatabase(databaseIn(baseDir, config.database), config.databaseSchema === undefined ? {} : { pgSchema: config.databaseSchema });
}

/** Route patterns of the hub API ("/v1/labs/{lab}/items"), so metric labels stay few whatever the paths requested. */
async function routeLabeller(app: Hono): Promise<(method: string, path: string) => string> {
  const document = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  const patterns = Object.entries(document.paths).map(([template, methods]) => ({
    template,
    methods: new Set(Object.keys(methods).map((m) => m.toUpperCase())),
    regex: new RegExp(`^${template.split('/').map((segment) => (/^\{[A-Za-z]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'))).join('/')}$`),
  }));
  return (method, path) => {
    if (path === '/openapi.json') return path;
    const hit = patterns.find((r) => r.methods.has(method) && r.regex.test(path));
    return hit === undefined ? 'other' : `${method} ${hit.template}`;
  };
}

export async function startHubService(config: HubConfig, baseDir: string, log: JsonLog): Promise<RunningHubService> {
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => log.error('close failed', errorFields(err)));
    closers.length = 0;
  };
  try {
    const identity = await loadHubIdentity(nodePrimitives, resolve(baseDir, config.key));
    if (identity.id !== config.id) fail('BAD_FORMAT', `the key file ${config.key} is hub "${identity.id}", but the config says id: ${config.id}`);
    const store = await openConfiguredHubDatabase(config, baseDir);
    closers.push(() => store.close());
    const blobLocation = /^s3:\/\//.test(config.blobs.location) ? config.blobs.location : resolve(baseDir, config.blobs.location);
    const blobs = openBlobStore(blobLocation, config.blobs.s3Endpoint === undefined ? {} : { s3Endpoint: config.blobs.s3Endpoint });
    const ctx: HubContext = { store, blobs, p: nodePrimitives, identity, clock: systemClock };
    const metrics = new HubMetrics(serviceRegistry('hub'), async () =>
      (await store.db.selectFrom('items').select(['lab', (eb) => eb.fn.countAll<number>().as('n')]).where('status', 'in', ['open', 'review']).groupBy('lab').execute()).map((r) => ({ lab: r.lab, items: Number(r.n) })),
    );
    const api = createHubApp(ctx, {
      ...(config.workstationOrigin === undefined ? {} : { workstationOrigin: config.workstationOrigin }),
      accountLimit: config.limits.account,
      logins: new LoginGuard({ ...DEFAULT_LOGIN_LIMITS, perSource: config.limits.loginPerSource }),
      bodyBudget: config.limits.bodyBudgetBytes,
      onInternalError: (err, where) => {
        metrics.internalErrors.inc();
        log.error('internal error', { where, ...errorFields(err) });
      },
    });
    const routeOf = await routeLabeller(api);

    const ready = async (): Promise<Response> => {
      try {
        await sql`select 1`.execute(store.db);
        return Response.json({ ready: true });
      } catch (err) {
        log.error('not ready', errorFields(err));
        return Response.json({ ready: false }, { status: 503 });
      }
    };
    const healthz = (): Response => Response.json({ ok: true });

    // In-flight requests, so the database closes only after the last one, even one whose client went away.
    let inFlight = 0;
    let drained: (() => void) | undefined;
    const publicApp = new Hono();
    publicApp.get('/healthz', healthz);
    publicApp.get('/readyz', ready);
    publicApp.all('*', async (c) => {
      inFlight++;
      try {
        const res = await api.fetch(c.req.raw, c.env);
        const path = new URL(c.req.url).pathname;
        metrics.requests.inc({ route: routeOf(c.req.method, path), status: String(res.status) });
        if (c.req.method === 'POST' && path === '/v1/sessions' && (res.status === 401 || res.status === 429)) metrics.loginFailures.inc({ status: String(res.status) });
        return res;
      } finally {
        if (--inFlight === 0) drained?.();
      }
    });
    const publicServer = await listenOn(publicApp.fetch, config.listen.port, config.listen.host);
    closers.push(async () => {
      await publicServer.close();
      if (inFlight > 0) await new Promise<void>((done) => (drained = done));
    });

    const metricsApp = new Hono();
    metricsApp.get('/healthz', healthz);
    metricsApp.get('/readyz', ready);
    metricsApp.get('/metrics', async (c) => c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
    const metricsServer = await listenOn(metricsApp.fetch, config.metrics.port, config.metrics.host);
    closers.push(() => metricsServer.close());

    log.info('hub serving', { hub: identity.id, public: publicServer.url, metrics: metricsServer.url, blobs: blobs.location, cors: config.workstationOrigin ?? null });
    return { url: publicServer.url, metricsUrl: metricsServer.url, hub: identity.id, context: ctx, database: store, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
