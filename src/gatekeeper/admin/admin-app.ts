/**
 * The gatekeeper's admin API (docs/GATEKEEPER.md §Admin API): a second
 * listener, for the lab's own people and tools, beside key release. Every
 * request is signed by an operator (operator-auth.ts) and every route names
 * the least role it needs. Every change is logged first, naming the operator:
 * an `ADMIN by=<operator> <METHOD> <path>` policy record is durable before the
 * handler runs, and the handler's own record (vendor, campaign, device,
 * suspension, shred, …) follows.
 *
 * Bodies are read only after the signature header passed its checks, and
 * only up to the route's limit. Answers are JSON; no stack trace or internal
 * message reaches a client.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { OPERATOR_SIGNATURE_HEADER, type AdminMethod } from '../../core/admin-request.js';
import { toBase64Url } from '../../core/bytes.js';
import { KeyholeError, fail, type ErrorCode } from '../../core/errors.js';
import { Identifier, base64UrlBytes, parseJsonText, parseWith } from '../../core/schema.js';
import type { GatekeeperContext } from '../context.js';
import { manualApproval, setManualApproval } from '../enrollment.js';
import { InvitationRequest, issueInvitation, listInvitations, revokeInvitation } from '../invitations.js';
import { registerMonitor } from '../monitor-request.js';
import { VendorSettings, setVendor } from '../registry.js';
import { addToRoster, listRoster, removeFromRoster } from '../roster.js';
import { shredBatch } from '../shred.js';
import { gatekeeperStatus } from '../status.js';
import { SuspensionTarget, reinstate, suspend } from '../suspension.js';
import { CampaignPlan, campaignManifest, endCampaign, listCampaigns, putCampaign, type PublicFacts } from './campaigns.js';
import { decideDevice, listDevices } from './devices.js';
import { invitationLink } from './invitations.js';
import { tellHub } from './hub-notice.js';
import { ItemKeyRequest, UploadRequest, ingestSecret, issueKeysFor, uploadItems } from './ingest-keys.js';
import { AdminAuthError, authenticateOperator, type AuthRefusal } from './operator-auth.js';
import { OperatorInput, listOperators, putOperator, revokeOperator, type Operator, type Role } from './operators.js';
import { SectionRequest, labFacts, openLabSections, openSubmissions, submitReceipts } from './results.js';

export interface AdminOptions {
  readonly facts: PublicFacts;
  /** False when the gatekeeper runs without witnesses (--no-witness); status says so. */
  readonly witnessed: boolean;
  /** Counts refused requests (metrics); never given secrets. */
  readonly onRefused?: (refusal: AuthRefusal) => void;
  /** Called with a change's outcome after it was made, for the service's own log. */
  readonly onChange?: (operator: string, method: string, path: string) => void;
  /** Rewraps every stored secret and KEK under a new root key (the service knows where the keystore is); absent: not offered. */
  readonly rewrapRoot?: () => Promise<{ secrets: number; keks: number }>;
  /** Called with unexpected errors (the client sees only "internal error"). */
  readonly onInternalError?: (err: unknown) => void;
}

const STATUS: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  BAD_SIGNATURE: 401,
  STALE: 401,
  REPLAY: 409,
  DENIED: 403,
  CONFLICT: 409,
  NOT_FOUND: 404,
  MISMATCH: 422,
  EXPIRED: 422,
  UNAVAILABLE: 503,
};

const KIB = 1024;
const LIMIT = { small: 64 * KIB, sections: 16 * 1024 * KIB, upload: 64 * 1024 * KIB } as const;

type Vars = { Variables: { operator: Operator; body: unknown } };

const errorBody = (code: string, message: string) => ({ error: { code, message } });

const CloseRequest = z.object({ shred: z.boolean().default(false) }).strict();
const VendorRequest = z.object({ hubUrl: z.string().url().max(500).refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'), hubKey: base64UrlBytes(32), exposureBudget: z.number().int().min(1).max(1_000_000_000) }).strict();
const MonitorKey = z.object({ publicKey: base64UrlBytes(32) }).strict();
const OperatorUpdate = z.object({ publicKey: base64UrlBytes(32), role: OperatorInput.shape.role }).strict();
const After = z.coerce.number().int().min(0).default(0);
const ApprovalSetting = z.object({ manual: z.boolean() }).strict();

export function adminApp(ctx: GatekeeperContext, o: AdminOptions): Hono<Vars> {
  const app = new Hono<Vars>();

  /** Authenticates, logs a change first, parses the JSON body (if any) and hands it on. */
  const guard = (need: Role, maxBody: number) => [
    bodyLimit({ maxSize: maxBody, onError: (c) => c.json(errorBody('BAD_LENGTH', `request body over ${maxBody} bytes`), 413) }),
    async (c: Context<Vars>, next: () => Promise<void>) => {
      const method = c.req.method as AdminMethod;
      const url = new URL(c.req.url);
      const path = url.pathname + url.search;
      let bodyBytes = new Uint8Array(0);
      const { operator } = await authenticateOperator(
        ctx,
        {
          header: c.req.header(OPERATOR_SIGNATURE_HEADER),
          method,
          path,
          body: async () => {
            bodyBytes = new Uint8Array(await c.req.arrayBuffer());
            return bodyBytes;
          },
        },
        need,
      );
      if (bodyBytes.length > 0 && !(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
        fail('UNSUPPORTED', 'admin request bodies must be application/json');
      }
      c.set('operator', operator);
      c.set('body', bodyBytes.length === 0 ? {} : parseJsonText(new TextDecoder('utf-8', { fatal: true }).decode(bodyBytes), 'admin request body'));
      if (method !== 'GET') {
        await ctx.audit.append({ kind: 'policy', decision: 'none', reason: `ADMIN by=${operator.id} ${method} ${url.pathname}`.slice(0, 256) }, ctx.now());
      }
      await next();
      if (method !== 'GET') o.onChange?.(operator.id, method, url.pathname);
    },
  ] as const;

  const by = (c: Context<Vars>): string => c.get('operator').id;
  const param = (c: Context<Vars>, name: string): string => parseWith(Identifier, c.req.param(name), name);
  const body = <S extends z.ZodType>(c: Context<Vars>, schema: S, what: string): z.infer<S> => parseWith(schema, c.get('body'), what);

  app.get('/admin/v1/status', ...guard('auditor', 0), async (c) => c.json({ ...(await gatekeeperStatus(ctx)), witnessed: o.witnessed, operator: by(c) }));
  app.get('/admin/v1/lab', ...guard('auditor', 0), async (c) => c.json({ ...(await labFacts(ctx)), ...o.facts }));

  app.get('/admin/v1/operators', ...guard('auditor', 0), async (c) => c.json({ operators: await listOperators(ctx) }));
  app.put('/admin/v1/operators/:id', ...guard('admin', LIMIT.small), async (c) => {
    const u = body(c, OperatorUpdate, 'operator');
    await putOperator(ctx, { id: c.req.param('id'), ...u }, by(c));
    return c.json({ ok: true });
  });
  app.delete('/admin/v1/operators/:id', ...guard('admin', 0), async (c) => {
    if (c.req.param('id') === by(c)) fail('CONFLICT', 'an operator cannot revoke itself; ask another admin');
    await revokeOperator(ctx, c.req.param('id'), by(c));
    return c.json({ ok: true });
  });

  app.put('/admin/v1/vendors/:vendor', ...guard('admin', LIMIT.small), async (c) => {
    const vendor = param(c, 'vendor');
    const v = body(c, VendorRequest, 'vendor');
    await setVendor(ctx, parseWith(VendorSettings, { vendor, hubKey: v.hubKey, exposureBudget: v.exposureBudget }, 'vendor'));
    await ctx.db.updateTable('vendors').set({ hub_url: v.hubUrl }).where('vendor', '=', vendor).execute();
    return c.json({ ok: true });
  });
  app.get('/admin/v1/vendors/:vendor/devices', ...guard('auditor', 0), async (c) => c.json({ devices: await listDevices(ctx, param(c, 'vendor')) }));
  app.post('/admin/v1/vendors/:vendor/devices/:device/:decision{approve|refuse}', ...guard('operator', 0), async (c) => {
    const decision = c.req.param('decision') as 'approve' | 'refuse';
    return c.json(await decideDevice(ctx, param(c, 'vendor'), c.req.param('device'), decision));
  });

  // Lab-bound enrollment (issue 17): the lab's roster, invitations to it, and whether un-invited devices may be approved by hand.
  app.get('/admin/v1/vendors/:vendor/roster', ...guard('auditor', 0), async (c) => c.json({ roster: await listRoster(ctx, param(c, 'vendor')) }));
  app.put('/admin/v1/vendors/:vendor/roster/:annotator', ...guard('operator', 0), async (c) => {
    await addToRoster(ctx, param(c, 'vendor'), param(c, 'annotator'), by(c));
    return c.json({ ok: true });
  });
  app.delete('/admin/v1/vendors/:vendor/roster/:annotator', ...guard('operator', 0), async (c) => {
    await removeFromRoster(ctx, param(c, 'vendor'), param(c, 'annotator'), by(c));
    return c.json({ ok: true });
  });
  app.get('/admin/v1/vendors/:vendor/invitations', ...guard('auditor', 0), async (c) => c.json({ invitations: await listInvitations(ctx, param(c, 'vendor')) }));
  app.post('/admin/v1/vendors/:vendor/invitations', ...guard('operator', LIMIT.small), async (c) => {
    const issued = await issueInvitation(ctx, param(c, 'vendor'), body(c, InvitationRequest, 'invitation request'), by(c));
    return c.json({ ...issued, link: invitationLink(o.facts.gatekeeperUrl, issued.code) });
  });
  app.post('/admin/v1/invitations/:id/revoke', ...guard('operator', 0), async (c) => c.json({ logIndex: (await revokeInvitation(ctx, c.req.param('id'), by(c))).index }));
  app.get('/admin/v1/vendors/:vendor/approval', ...guard('auditor', 0), async (c) => c.json({ manual: await manualApproval(ctx, param(c, 'vendor')) }));
  app.put('/admin/v1/vendors/:vendor/approval', ...guard('admin', LIMIT.small), async (c) => {
    const r = body(c, ApprovalSetting, 'approval setting');
    return c.json({ logIndex: (await setManualApproval(ctx, param(c, 'vendor'), r.manual, by(c))).index });
  });

  app.get('/admin/v1/campaigns', ...guard('auditor', 0), async (c) => c.json({ campaigns: await listCampaigns(ctx) }));
  app.put('/admin/v1/campaigns/:campaign', ...guard('admin', LIMIT.small), async (c) => {
    const plan = body(c, CampaignPlan, 'campaign plan');
    if (plan.settings.campaign !== param(c, 'campaign')) fail('MISMATCH', `the body's settings are for campaign ${plan.settings.campaign}, the path names ${c.req.param('campaign')}`);
    return c.json({ manifest: await putCampaign(ctx, plan, o.facts) });
  });
  app.get('/admin/v1/campaigns/:campaign/manifest', ...guard('auditor', 0), async (c) => c.json({ manifest: await campaignManifest(ctx, param(c, 'campaign')) }));
  app.post('/admin/v1/campaigns/:campaign/close', ...guard('admin', LIMIT.small), async (c) => {
    const r = body(c, CloseRequest, 'close request');
    const receipts = await endCampaign(ctx, param(c, 'campaign'), r.shred);
    return c.json({ closed: true, shredded: receipts.map((x) => ({ receipt: x.receipt, logIndex: x.logIndex })) });
  });
  app.get('/admin/v1/campaigns/:campaign/ingest-secret', ...guard('operator', 0), async (c) => c.json({ secret: toBase64Url(await ingestSecret(ctx, param(c, 'campaign'), by(c))) }));
  app.post('/admin/v1/campaigns/:campaign/item-keys', ...guard('operator', LIMIT.small), async (c) => c.json({ items: await issueKeysFor(ctx, param(c, 'campaign'), body(c, ItemKeyRequest, 'item key request'), by(c)) }));
  app.post('/admin/v1/campaigns/:campaign/items', ...guard('operator', LIMIT.upload), async (c) => c.json(await uploadItems(ctx, param(c, 'campaign'), body(c, UploadRequest, 'upload request'))));
  app.get('/admin/v1/campaigns/:campaign/submissions', ...guard('operator', 0), async (c) =>
    c.json(await openSubmissions(ctx, param(c, 'campaign'), parseWith(After, c.req.query('after'), 'after'), by(c))),
  );
  app.post('/admin/v1/campaigns/:campaign/lab-sections', ...guard('operator', LIMIT.sections), async (c) =>
    c.json({ sections: await openLabSections(ctx, param(c, 'campaign'), body(c, SectionRequest, 'lab section request'), by(c)) }),
  );
  app.get('/admin/v1/campaigns/:campaign/receipts', ...guard('auditor', 0), async (c) => c.json({ receipts: await submitReceipts(ctx, param(c, 'campaign')) }));

  for (const [route, fn, suspended] of [['suspend', suspend, true], ['reinstate', reinstate, false]] as const) {
    app.post(`/admin/v1/${route}`, ...guard('operator', LIMIT.small), async (c) => {
      const target = body(c, SuspensionTarget, 'suspension target');
      const logged = await fn(ctx, target, 'lab');
      return c.json({ logIndex: logged.index, hub: await tellHub(ctx, target, suspended) });
    });
  }

  app.post('/admin/v1/batches/:batch/shred', ...guard('admin', 0), async (c) => {
    const r = await shredBatch(ctx, param(c, 'batch'));
    return c.json({ receipt: r.receipt, logIndex: r.logIndex, shreddedNow: r.shreddedNow });
  });
  app.post('/admin/v1/batches/:batch/rotate', ...guard('admin', 0), async (c) => {
    const batch = param(c, 'batch');
    const rewrapped = await ctx.keks.rotate(batch);
    await ctx.audit.append({ kind: 'policy', decision: 'none', reason: `KEK_ROTATED batch=${batch} slots=${rewrapped.length} by=${by(c)}` }, ctx.now());
    return c.json({ rewrapped: rewrapped.length });
  });
  app.post('/admin/v1/root/rewrap', ...guard('admin', 0), async (c) => {
    if (o.rewrapRoot === undefined) fail('UNSUPPORTED', 'this gatekeeper does not offer root rewrap (it runs without a keystore it can replace)');
    return c.json(await o.rewrapRoot());
  });
  app.put('/admin/v1/monitors/:name', ...guard('admin', LIMIT.small), async (c) => {
    await registerMonitor(ctx, param(c, 'name'), body(c, MonitorKey, 'monitor key').publicKey);
    return c.json({ ok: true });
  });

  app.notFound((c) => c.json(errorBody('NOT_FOUND', 'no such admin route'), 404));
  app.onError((err, c) => {
    if (err instanceof AdminAuthError) {
      o.onRefused?.(err.refusal);
      if (err.refusal === 'role' && err.operator !== undefined) {
        void ctx.audit.append({ kind: 'policy', decision: 'deny', reason: `ADMIN_FORBIDDEN by=${err.operator} ${c.req.method} ${new URL(c.req.url).pathname}`.slice(0, 256) }, ctx.now()).catch(() => undefined);
      }
    }
    if (err instanceof KeyholeError) return c.json(errorBody(err.code, err.message), STATUS[err.code] ?? 400);
    o.onInternalError?.(err);
    return c.json(errorBody('INTERNAL', 'internal error; the gatekeeper operator has the details'), 500);
  });
  return app;
}
