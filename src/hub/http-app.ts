/**
 * The hub's HTTP surface on Hono: for each RouteSpec, size limit, then
 * authentication, then the per-account rate limit, then zod validation of
 * path, query and body, then the handler. Errors leave as
 * {error:{code,message}} with no stack; internal failures are reported to the
 * operator's log callback, never to the client. CORS is granted to the
 * configured workstation origin only.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { z } from 'zod';
import { fromUtf8 } from '../core/bytes.js';
import { parseJsonText, parseWith } from '../core/schema.js';
import { authenticateSession } from './accounts.js';
import type { HubContext } from './hub-context.js';
import { describeError, refuse } from './hub-error.js';
import { hubRoutes } from './http-routes.js';
import { LAB_SIGNATURE_HEADER } from './lab-request-signature.js';
import { LabRequestVerifier } from './lab-request-auth.js';
import { openApiDocument } from './openapi.js';
import { RateLimiter, type RateLimit } from './rate-limiter.js';
import { BinaryBody, type Auth, type CallerFor, type Method, type RouteSpec } from './route-spec.js';

export interface HubHttpOptions {
  /** The workstation's origin (scheme://host[:port]); no CORS at all when absent. */
  workstationOrigin?: string;
  /** Per annotator and per lab. */
  accountLimit?: RateLimit;
  /** Per username and per peer address, for logins. */
  loginLimit?: RateLimit;
  /** Where internal errors go (the operator's log). Gets the error; the client gets only "internal error". */
  onInternalError?: (err: unknown, where: string) => void;
}

export const DEFAULT_ACCOUNT_LIMIT: RateLimit = { perSecond: 20, burst: 60 };
export const DEFAULT_LOGIN_LIMIT: RateLimit = { perSecond: 0.2, burst: 5 };

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

function peerAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  return header.slice('Bearer '.length);
}

async function readJsonBody(c: Context, bytes: Uint8Array): Promise<unknown> {
  if (bytes.length === 0) return undefined;
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json(\s*;|$)/i.test(type)) refuse('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be application/json');
  return parseJsonText(fromUtf8(bytes, 'request body'), 'request body');
}

function queryObject(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URL(c.req.url).searchParams) {
    if (key in out) refuse('BAD_REQUEST', `query parameter ${key} is repeated`);
    out[key] = value;
  }
  return out;
}

function pathAndQuery(c: Context): string {
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}

export function createHubApp(ctx: HubContext, options: HubHttpOptions = {}): Hono {
  const app = new Hono();
  const accounts = new RateLimiter(options.accountLimit ?? DEFAULT_ACCOUNT_LIMIT);
  const logins = new RateLimiter(options.loginLimit ?? DEFAULT_LOGIN_LIMIT);
  const labAuth = new LabRequestVerifier(ctx);
  const routes = hubRoutes(ctx);
  const report = options.onInternalError ?? (() => undefined);

  app.onError((err, c) => {
    const { status, body } = describeError(err);
    if (status >= 500) report(err, `${c.req.method} ${new URL(c.req.url).pathname}`);
    return c.json(body, status as 400);
  });
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no endpoint ${c.req.method} ${new URL(c.req.url).pathname}; see /openapi.json` } }, 404));

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
  });

  if (options.workstationOrigin !== undefined) {
    if (!ORIGIN.test(options.workstationOrigin)) refuse('BAD_REQUEST', `workstation origin "${options.workstationOrigin}" must be scheme://host[:port]`);
    app.use(
      '/v1/*',
      cors({
        origin: (origin) => (origin === options.workstationOrigin ? origin : null),
        allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
        allowHeaders: ['Authorization', 'Content-Type'],
        maxAge: 600,
      }),
    );
  }

  const document = openApiDocument(routes);
  app.get('/openapi.json', (c) => c.json(document));

  for (const spec of routes) {
    const register = { GET: app.get, POST: app.post, PUT: app.put, DELETE: app.delete }[spec.method satisfies Method].bind(app);
    register(
      spec.path,
      bodyLimit({
        maxSize: spec.maxBody,
        onError: () => refuse('TOO_LARGE', `request body is over the ${spec.maxBody}-byte limit of ${spec.method} ${spec.path}`),
      }),
      async (c) => {
        const bytes = new Uint8Array(await c.req.arrayBuffer());
        const caller = await authenticate(c, spec, bytes);
        const params = parseWith(z.object(spec.params ?? {}).strict(), c.req.param(), 'path');
        const query = parseWith(spec.query ?? z.object({}).strict(), queryObject(c), 'query');
        const raw = await readJsonBody(c, bytes);
        if (spec.body === undefined && raw !== undefined) refuse('BAD_REQUEST', `${spec.method} ${spec.path} takes no request body`);
        const body = spec.body === undefined ? undefined : parseWith(spec.body, raw, 'request body');
        const result = await spec.handle({ params: params as Record<string, string>, query: query as Record<string, string>, body, caller });
        if (result instanceof BinaryBody) {
          return c.body(result.bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream' });
        }
        return c.json(result as object, spec.status ?? 200);
      },
    );
  }

  async function authenticate(c: Context, spec: RouteSpec, bytes: Uint8Array): Promise<CallerFor<Auth>> {
    switch (spec.auth) {
      case 'session': {
        const session = await authenticateSession(ctx, bearerToken(c));
        if (!accounts.take(`annotator:${session.id}`)) refuse('RATE_LIMITED', 'too many requests from this account; slow down');
        return { kind: 'annotator', annotator: { id: session.id, reviewer: session.reviewer }, tokenHash: session.tokenHash };
      }
      case 'lab': {
        const pathLab = c.req.param('lab');
        if (pathLab === undefined) refuse('INTERNAL', `lab route ${spec.path} has no :lab parameter`);
        const lab = await labAuth.authenticate(c.req.header(LAB_SIGNATURE_HEADER), pathLab, { method: spec.method, path: pathAndQuery(c), body: bytes });
        if (!accounts.take(`lab:${lab}`)) refuse('RATE_LIMITED', 'too many requests from this lab; slow down');
        return { kind: 'lab', lab };
      }
      case 'none': {
        const address = peerAddress(c);
        if (spec.path === '/v1/sessions') {
          const username = (() => {
            try {
              const parsed = JSON.parse(fromUtf8(bytes, 'request body')) as { username?: unknown };
              return typeof parsed.username === 'string' ? parsed.username.slice(0, 64) : '';
            } catch {
              return '';
            }
          })();
          if (!logins.take(`address:${address}`) || !logins.take(`username:${username}`)) refuse('RATE_LIMITED', 'too many login attempts; wait a minute');
        }
        return { kind: 'anonymous', address };
      }
    }
  }

  return app;
}
