/**
 * The gatekeeper's HTTP API (docs/GATEKEEPER.md §API), Hono:
 *
 *   POST /v1/release          device-signed release request → {grant, proof} | {error, proof} | 401 {error} when unproven
 *   POST /v1/submit           a sealed label (SPEC §6) → {proof}
 *   POST /v1/release-ended    a device-signed release-ended notice, i.e. a skip (SPEC §7.4) → {proof}
 *   POST /v1/monitor/suspend  a monitor-signed suspension → {proof}
 *   POST /v1/enroll           a device-signed redemption of a lab invitation (SPEC §2.3) → {device, vendor, annotator, logIndex, hub}
 *   GET  /v1/lab              {lab, signingKey}: the key workstations check item headers with
 *   GET  /log/...             the audit log's tlog-tiles read API (checkpoint, tiles)
 *
 * Bodies are size-limited before they are parsed, every answer is JSON with a
 * code, and no stack trace or internal message reaches a client.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { toBase64Url } from '../core/bytes.js';
import { KeyholeError, fail, type ErrorCode } from '../core/errors.js';
import { parseJsonText } from '../core/schema.js';
import { logReadApi } from '../log/http-read-api.js';
import type { ObjectReader } from '../log/tile-reader.js';
import type { GatekeeperContext } from './context.js';
import { tellHubEnrolled } from './admin/invitations.js';
import { redeemInvitation } from './invitations.js';
import { handleMonitorRequest } from './monitor-request.js';
import { handleRelease } from './release.js';
import { countMalformed } from './unproven-requests.js';
import { handleReleaseEnded } from './release-ended.js';
import { handleSubmit } from './submit.js';

export const RELEASE_BODY_LIMIT = 16 * 1024;
export const SUBMIT_BODY_LIMIT = 96 * 1024;
export const RELEASE_ENDED_BODY_LIMIT = 4 * 1024;
export const MONITOR_BODY_LIMIT = 4 * 1024;
export const ENROLL_BODY_LIMIT = 2 * 1024;

const STATUS: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  BAD_ENCODING: 400,
  BAD_FORMAT: 400,
  BAD_LENGTH: 400,
  BAD_SIGNATURE: 401,
  STALE: 401,
  REPLAY: 409,
  CONFLICT: 409,
  NOT_FOUND: 404,
  MISMATCH: 422,
  DENIED: 403,
  EXPIRED: 410,
  UNAVAILABLE: 503,
};

function errorBody(code: string, reason: string) {
  return { error: { code, reason } };
}

async function jsonBody(c: Context, what: string): Promise<unknown> {
  try {
    return parseJsonText(await c.req.text(), what);
  } catch (err) {
    // The parser's own message quotes the input; a refusal must not echo what the client sent.
    if (err instanceof KeyholeError && err.code === 'BAD_FORMAT') fail('BAD_FORMAT', `${what}: not valid JSON`);
    throw err;
  }
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

function limit(maxSize: number) {
  return bodyLimit({ maxSize, onError: (c) => c.json(errorBody('BAD_LENGTH', `request body over ${maxSize} bytes`), 413) });
}

export function gatekeeperApp(ctx: GatekeeperContext, logReader: ObjectReader, onInternalError: (err: unknown) => void = () => {}): Hono {
  const app = new Hono();

  // Every answer: no MIME sniffing, and no caching unless the route chose otherwise (immutable log tiles).
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });
  // JSON endpoints take application/json only: a web page cannot send that cross-origin without a CORS
  // preflight, which the gatekeeper never grants, so no visitor's browser can be made to post here.
  app.use('/v1/*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !JSON_TYPE.test(c.req.header('content-type') ?? '')) {
      return c.json(errorBody('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be sent as Content-Type: application/json'), 415);
    }
    await next();
  });

  app.post('/v1/release', limit(RELEASE_BODY_LIMIT), async (c) => {
    const result = await handleRelease(ctx, await jsonBody(c, 'release request').catch(countMalformed(ctx)));
    if (result.status === 'granted') return c.json({ grant: result.grant, proof: result.proof }, 200);
    // An unproven request (SPEC §7.3) is refused without a record, so without a proof.
    if (result.status === 'refused') return c.json(errorBody(result.denial.code, result.denial.message), 401);
    return c.json({ ...errorBody(result.denial.code, result.denial.message), proof: result.proof }, 403);
  });

  app.post('/v1/release-ended', limit(RELEASE_ENDED_BODY_LIMIT), async (c) => {
    const result = await handleReleaseEnded(ctx, await jsonBody(c, 'release-ended notice'));
    return c.json(result.status === 'recorded' ? { proof: result.proof } : { status: result.status }, 200);
  });

  app.post('/v1/submit', limit(SUBMIT_BODY_LIMIT), async (c) => {
    const result = await handleSubmit(ctx, await jsonBody(c, 'sealed label'));
    return c.json(result.status === 'recorded' ? { proof: result.proof } : { status: result.status }, 200);
  });

  app.post('/v1/monitor/suspend', limit(MONITOR_BODY_LIMIT), async (c) => {
    const logged = await handleMonitorRequest(ctx, await jsonBody(c, 'monitor request'));
    return c.json({ proof: await ctx.audit.proof(logged) }, 200);
  });

  // The workstation redeems the lab's invitation here, from the lab's own origin; the hub never sees the code.
  app.post('/v1/enroll', limit(ENROLL_BODY_LIMIT), async (c) => {
    const redeemed = await redeemInvitation(ctx, await jsonBody(c, 'enrollment request'));
    const hub = await tellHubEnrolled(ctx, redeemed);
    return c.json({ device: redeemed.device, vendor: redeemed.vendor, annotator: redeemed.annotator, logIndex: redeemed.logged.index, hub }, 200);
  });

  app.get('/v1/lab', (c) => c.json({ lab: ctx.lab, signingKey: toBase64Url(ctx.labSigner.publicKey) }, 200));

  app.route('/log', logReadApi(logReader));

  app.notFound((c) => c.json(errorBody('NOT_FOUND', 'no such endpoint; see docs/GATEKEEPER.md §API'), 404));
  app.onError((err, c) => {
    if (err instanceof KeyholeError) return c.json(errorBody(err.code, err.message), STATUS[err.code] ?? 400);
    onInternalError(err);
    return c.json(errorBody('INTERNAL', 'internal error; the gatekeeper operator has the details'), 500);
  });
  return app;
}
