/**
 * Alerts POSTed to a webhook, signed with HMAC-SHA256 so the receiver can
 * tell them from forgeries and replays:
 *
 *   X-Keyhole-Timestamp: <unix seconds>
 *   X-Keyhole-Signature: v1=<hex HMAC-SHA256(secret, timestamp "." body)>
 *
 * The receiver recomputes the HMAC over the raw body, compares in constant
 * time and refuses timestamps far from its clock (verifyWebhookSignature).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fail } from '../../core/errors.js';
import type { AlertSink } from './alert.js';

export const TIMESTAMP_HEADER = 'x-keyhole-timestamp';
export const SIGNATURE_HEADER = 'x-keyhole-signature';

export function webhookSignature(secret: Uint8Array, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers: throws unless the signature is right and the timestamp within `toleranceSeconds`. */
export function verifyWebhookSignature(secret: Uint8Array, timestampHeader: string | null, signatureHeader: string | null, body: string, nowSeconds: number, toleranceSeconds = 300): void {
  if (timestampHeader === null || !/^\d{1,12}$/.test(timestampHeader)) fail('BAD_FORMAT', 'webhook: missing or malformed timestamp header');
  const timestamp = Number(timestampHeader);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) fail('STALE', `webhook: timestamp is more than ${toleranceSeconds} s from now`);
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const got = Buffer.from(signatureHeader ?? '');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) fail('BAD_SIGNATURE', 'webhook: signature does not verify');
}

export function webhookAlertSink(url: string, secret: Uint8Array, timeoutMs = 5_000): AlertSink {
  if (secret.length < 16) fail('BAD_LENGTH', 'webhook secret: at least 16 bytes');
  return async (alert) => {
    const body = JSON.stringify(alert);
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await fetch(url, {
      method: 'POST',
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body) },
    });
    await res.body?.cancel();
    if (!res.ok) fail('UNAVAILABLE', `webhook answered HTTP ${res.status} to alert ${alert.id}`);
  };
}
