/**
 * The hub's HTTP surface on Hono. For each RouteSpec: authentication from the
 * headers alone (a session token, a lab's signed header whose signature
 * covers the body's digest, or a login's source address), then the
 * per-account rate limit, and only then the body: refused at once when its
 * declared size is over the endpoint's limit or its type is not JSON, charged
 * to a process-wide budget, counted as it is read, and for a lab checked
 * against the signed digest (issue 14 finding 3). Then zod validation of
 * path, query and body, then the handler. Errors leave as
 * {error:{code,message}} with no stack and nothing echoed from the request;
 * internal failures are reported to the operator's log callback, never to the
 * client. CORS is granted to the configured workstation origin only.
 */
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { z } from 'zod';
import { fromUtf8 } from '../core/bytes.js';
import { KeyholeError } from '../core/errors.js';
import { parseJsonText, parseWith } from '../core/schema.js';
import { authenticateSession } from './accounts.js';
import type { HubContext } from './hub-context.js';
import { describeError, refuse } from './hub-error.js';
import { hubRoutes } from './http-routes.js';
import { LAB_SIGNATURE_HEADER } from './lab-request-signature.js';
import { LabRequestVerifier } from './lab-request-auth.js';
import { DEFAULT_LOGIN_LIMITS, LoginGuard } from './login-guard.js';
import { openApiDocument } from './openapi.js';
import { RateLimiter, type RateLimit } from './rate-limiter.js';
import { BodyBudget, declaredLength, readBoundedBody } from './request-body.js';
import { BinaryBody, StreamedBody, type Auth, type CallerFor, type Method, type RouteSpec } from './route-spec.js';

export interface HubHttpOptions {
  /** The workstation's origin (scheme://host[:port]); no CORS at all when absent. */
  workstationOrigin?: string;
  /** Per annotator and per lab. */
  accountLimit?: RateLimit;
  /** Login attempts per source address; the other login throttles keep their defaults (DEFAULT_LOGIN_LIMITS). */
  loginLimit?: RateLimit;
  /** The whole login throttle and its hashing queue; overrides loginLimit. */
  logins?: LoginGuard;
  /** Request-body bytes held at once across all requests (default 128 MiB: four full upload batches). */
  bodyBudget?: number;
  /** Where internal errors go (the operator's log). Gets the error; the client gets only "internal error". */
  onInternalError?: (err: unknown, where: string) => void;
}

export const DEFAULT_ACCOUNT_LIMIT: RateLimit = { perSecond: 20, burst: 60 };
export const DEFAULT_BODY_BUDGET = 128 * 1024 * 1024;

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
const JSON_TYPE = /^application\/json\s*(;|$)/i;

function peerAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  return header.slice('Bearer '.length);
}

function parseJsonBody(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return parseJsonText(fromUtf8(bytes, 'request body'), 'request body');
  } catch (err) {
    // The parser's message quotes the input; a refusal must not echo what the client sent.
    if (err instanceof KeyholeError && (err.code === 'BAD_FORMAT' || err.code === 'BAD_ENCODING')) refuse('BAD_REQUEST', 'request body is not valid JSON in UTF-8');
    throw err;
  }
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

/** A caller known from the headers; `checkBody` runs once the body is read (a lab's signed digest). */
interface Authenticated {
  caller: CallerFor<Auth>;
  checkBody?: (bytes: Uint8Array) => Promise<void>;
}

export function createHubApp(ctx: HubContext, options: HubHttpOptions = {}): Hono {
  const app = new Hono();
  const accounts = new RateLimiter(options.accountLimit ?? DEFAULT_ACCOUNT_LIMIT);
  const logins = options.logins ?? new LoginGuard({ ...DEFAULT_LOGIN_LIMITS, ...(options.loginLimit === undefined ? {} : { perSource: options.loginLimit }) });
  const budget = new BodyBudget(options.bodyBudget ?? DEFAULT_BODY_BUDGET);
  const labAuth = new LabRequestVerifier(ctx);
  const routes = hubRoutes(ctx, { logins });
  const report = options.onInternalError ?? (() => undefined);

  app.onError((err, c) => {
    const { status, body, retryAfter } = describeError(err);
    if (body.error.code === 'INTERNAL') report(err, `${c.req.method} ${new URL(c.req.url).pathname}`);
    if (retryAfter !== undefined) c.header('Retry-After', String(retryAfter));
    return c.json(body, status as 400);
  });
  // The path is not echoed: a refusal must not reflect what the client sent.
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: 'no such endpoint; see /openapi.json' } }, 404));

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
    register(spec.path, async (c) => {
      const { caller, checkBody } = await authenticate(c, spec);
      const release = admitBody(c, spec);
      try {
        const bytes = await readBoundedBody(c.req.raw, spec.maxBody, `${spec.method} ${spec.path}`);
        await checkBody?.(bytes);
        const params = parseWith(z.object(spec.params ?? {}).strict(), c.req.param(), 'path');
        const query = parseWith(spec.query ?? z.object({}).strict(), queryObject(c), 'query');
        const raw = parseJsonBody(bytes);
        if (spec.body === undefined && raw !== undefined) refuse('BAD_REQUEST', `${spec.method} ${spec.path} takes no request body`);
        const body = spec.body === undefined ? undefined : parseWith(spec.body, raw, 'request body');
        const result = await spec.handle({ params: params as Record<string, string>, query: query as Record<string, string>, body, caller, headers: c.req.raw.headers });
        if (result instanceof BinaryBody) {
          return c.body(result.bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream' });
        }
        if (result instanceof StreamedBody) return new Response(result.body as BodyInit | null, { status: result.status, headers: result.headers });
        return c.json(result as object, spec.status ?? 200);
      } finally {
        release();
      }
    });
  }

  /**
   * Before a byte of the body is read: a declared size over the limit and a
   * type other than JSON are refused, and what the body may take is reserved
   * from the process-wide budget until the request is answered.
   */
  function admitBody(c: Context, spec: RouteSpec): () => void {
    const declared = declaredLength(c.req.raw.headers);
    if (c.req.raw.body === null || declared === 0) return () => undefined;
    if (declared !== undefined && declared > spec.maxBody) refuse('TOO_LARGE', `request body is over the ${spec.maxBody}-byte limit of ${spec.method} ${spec.path}`);
    if (spec.maxBody > 0 && !JSON_TYPE.test(c.req.header('content-type') ?? '')) refuse('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be application/json');
    return budget.reserve(Math.min(declared ?? spec.maxBody, spec.maxBody));
  }

  /** Who is calling, from the headers alone. */
  async function authenticate(c: Context, spec: RouteSpec): Promise<Authenticated> {
    switch (spec.auth) {
      case 'session': {
        const session = await authenticateSession(ctx, bearerToken(c));
        if (!accounts.take(`annotator:${session.id}`)) refuse('RATE_LIMITED', 'too many requests from this account; slow down', 1);
        return { caller: { kind: 'annotator', annotator: { id: session.id, reviewer: session.reviewer }, tokenHash: session.tokenHash } };
      }
      case 'lab': {
        const pathLab = c.req.param('lab');
        if (pathLab === undefined) refuse('INTERNAL', `lab route ${spec.path} has no :lab parameter`);
        const lab = await labAuth.authenticate(c.req.header(LAB_SIGNATURE_HEADER), pathLab, { method: spec.method, path: pathAndQuery(c) });
        if (!accounts.take(`lab:${lab.lab}`)) refuse('RATE_LIMITED', 'too many requests from this lab; slow down', 1);
        return { caller: { kind: 'lab', lab: lab.lab }, checkBody: (bytes) => labAuth.checkBody(lab, bytes) };
      }
      case 'none': {
        const address = peerAddress(c);
        if (spec.path === '/v1/sessions') logins.admitSource(address);
        return { caller: { kind: 'anonymous', address } };
      }
    }
  }

  return app;
}
