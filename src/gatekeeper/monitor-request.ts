/**
 * A monitor's signed suspension request (docs/SPEC.md §11.5):
 *
 *   {"body": {"v":1,"monitor": id,"action":"suspend","target": target,"reason": text,"time","nonce": bytes(16)}, "sig": bytes(64)}
 *   sig = Ed25519(monitor key, "keyhole/v1 monitor-request" || 0x00 || JCS(body))
 *
 * The monitor's public key is registered at the gatekeeper by the lab.
 * Freshness and nonce follow the release request's rules (SPEC §7.1).
 * Monitors may only suspend; reinstating is the lab's call.
 */
import { z } from 'zod';
import { concat, fromBase64Url, toBase64Url, utf8 } from '../core/bytes.js';
import { canonicalJsonBytes } from '../core/canonical-json.js';
import { fail } from '../core/errors.js';
import type { Ed25519Signer } from '../core/primitives.js';
import { REQUEST_WINDOW_SECONDS } from '../core/release.js';
import { Identifier, UnixTime, VersionOne, base64UrlBytes, parseWith } from '../core/schema.js';
import type { LoggedRecord } from './audit-trail.js';
import { seconds, type GatekeeperContext } from './context.js';
import { claimNonce } from './policy/nonce-unused.js';
import { SuspensionTarget, describeTarget, suspend } from './suspension.js';

export const MonitorRequestBody = z
  .object({
    v: VersionOne,
    monitor: Identifier,
    action: z.literal('suspend'),
    target: SuspensionTarget,
    reason: z.string().min(1).max(200),
    time: UnixTime,
    nonce: base64UrlBytes(16),
  })
  .strict();
export type MonitorRequestBody = z.infer<typeof MonitorRequestBody>;
export const MonitorRequest = z.object({ body: MonitorRequestBody, sig: base64UrlBytes(64) }).strict();
export type MonitorRequest = z.infer<typeof MonitorRequest>;

function message(body: MonitorRequestBody): Uint8Array {
  return concat(utf8('keyhole/v1 monitor-request'), new Uint8Array([0]), canonicalJsonBytes(body));
}

export async function signMonitorRequest(signer: Ed25519Signer, body: MonitorRequestBody): Promise<MonitorRequest> {
  const b = parseWith(MonitorRequestBody, body, 'monitor request');
  return { body: b, sig: toBase64Url(await signer.sign(message(b))) };
}

export async function registerMonitor(ctx: GatekeeperContext, name: string, publicKey: string): Promise<void> {
  const m = parseWith(z.object({ name: Identifier, publicKey: base64UrlBytes(32) }).strict(), { name, publicKey }, 'monitor');
  await ctx.audit.append({ kind: 'policy', decision: 'none', reason: `MONITOR name=${m.name} key=${m.publicKey}` }, ctx.now());
  await ctx.db.insertInto('monitors').values({ name: m.name, public_key: m.publicKey }).onConflict((oc) => oc.column('name').doUpdateSet({ public_key: m.publicKey })).execute();
}

export async function handleMonitorRequest(ctx: GatekeeperContext, input: unknown): Promise<LoggedRecord> {
  const request = parseWith(MonitorRequest, input, 'monitor request');
  const b = request.body;
  const monitor = await ctx.db.selectFrom('monitors').select('public_key').where('name', '=', b.monitor).executeTakeFirst();
  if (!monitor) fail('BAD_SIGNATURE', `monitor ${b.monitor} is not registered at this gatekeeper`);
  if (!(await ctx.p.ed25519Verify(fromBase64Url(monitor.public_key), message(b), fromBase64Url(request.sig)))) fail('BAD_SIGNATURE', `monitor request: not signed by monitor ${b.monitor}'s key`);
  const now = seconds(ctx.now());
  if (Math.abs(now - b.time) > REQUEST_WINDOW_SECONDS) fail('STALE', `monitor request: time is more than ${REQUEST_WINDOW_SECONDS} s from the gatekeeper's clock`);
  const fresh = await ctx.db.transaction().execute((trx) => claimNonce(trx, `m:${b.nonce}`, b.time));
  if (!fresh) fail('REPLAY', 'monitor request: this nonce was seen before');
  const logged = await suspend(ctx, b.target, `monitor:${b.monitor}`);
  ctx.alert({ code: 'MONITOR_SUSPEND', message: `monitor ${b.monitor} suspended ${describeTarget(b.target)}: ${b.reason}`, time: logged.record.time, logIndex: logged.index });
  return logged;
}
