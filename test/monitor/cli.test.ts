/**
 * `keyhole monitor` as a process against a real gatekeeper: its audit log
 * over HTTP, a witness, and the authenticated suspension endpoint. A burst
 * of releases to one annotator comes out as a JSON alert line on stdout and
 * as an HMAC-signed webhook; the velocity rule, set to suspend, suspends the
 * annotator at the gatekeeper, which then refuses them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { toBase64Url, toHex, utf8 } from '../../src/core/bytes.js';
import { ed25519Cosigner } from '../../src/core/cosignature.js';
import { registerMonitor } from '../../src/gatekeeper/monitor-request.js';
import type { Alert } from '../../src/monitor/alerts/alert.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../../src/monitor/alerts/webhook-sink.js';
import { logReadApi } from '../../src/log/http-read-api.js';
import { BACKENDS } from '../gatekeeper/support/backends.js';
import { p, startHarness } from '../gatekeeper/support/harness.js';
import { listen } from '../log/support/serve.js';
import { DEADLINE_MS } from './support/monitor-harness.js';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

test('keyhole monitor: alert line on stdout, signed webhook, and a suspension at the gatekeeper', { timeout: 60_000 }, async () => {
  const h = await startHarness(BACKENDS[0]!, { items: 10 });
  const seed = new Uint8Array(32).fill(0x4d);
  const monitorKey = await p.ed25519FromSeed(seed);
  await registerMonitor(h.gk, 'monitor-cli', toBase64Url(monitorKey.publicKey));
  const secret = 'webhook secret of at least sixteen bytes';
  await writeFile(join(h.dir, 'monitor.key'), toHex(seed));
  await writeFile(join(h.dir, 'webhook.secret'), `${secret}\n`);
  await writeFile(join(h.dir, 'monitor.json'), JSON.stringify({ rules: { velocity: { suspend: true } } }));
  const hooked: Alert[] = [];
  const hook = new Hono().post('/hook', async (c) => {
    const raw = Buffer.from(await c.req.arrayBuffer());
    const body = raw.toString('utf8');
    const timestamp = c.req.header(TIMESTAMP_HEADER) ?? null;
    verifyWebhookSignature(utf8(secret), timestamp, c.req.header(SIGNATURE_HEADER) ?? null, body, Math.floor(Date.now() / 1000));
    // The recipe of docs/MONITOR.md, byte by byte: HMAC-SHA256(trimmed secret, ASCII timestamp || "." || raw body), "v1=" + lowercase hex.
    const recipe = `v1=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.concat([Buffer.from(`${timestamp}.`, 'ascii'), raw])).digest('hex')}`;
    assert.equal(c.req.header(SIGNATURE_HEADER), recipe);
    hooked.push(JSON.parse(body) as Alert);
    return c.body(null, 204);
  });
  const receiver = await listen(hook);
  // The log as a mirror serves it: the read API over the gatekeeper's log storage.
  const mirror = await listen(logReadApi(h.logStorage));
  const witness = await ed25519Cosigner(p, 'witness.test/w1', new Uint8Array(32).fill(77));
  // prettier-ignore
  const args = ['monitor', '--log', mirror.url, '--vkey', h.gk.logKey.verifierKey, '--witness', witness.verifierKey, '--quorum', '1',
    '--db', join(h.dir, 'monitor.sqlite'), '--config', join(h.dir, 'monitor.json'), '--webhook', new URL('hook', receiver.url).href, '--webhook-secret-file', join(h.dir, 'webhook.secret'),
    '--suspend-url', h.url, '--monitor-name', 'monitor-cli', '--monitor-key-file', join(h.dir, 'monitor.key'), '--interval-ms', '50'];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const waitUntil = async <T>(what: string, find: () => T | undefined, deadlineMs: number): Promise<T> => {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const hit = find();
      if (hit !== undefined) return hit;
      if (Date.now() > until) throw new Error(`${what} not within ${deadlineMs} ms; stdout: ${lines.join('\n')}; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  try {
    await waitUntil('monitor start', () => (stderr.includes('following') ? true : undefined), 20_000);
    // The gatekeeper's test clock is fixed at harness start; bring it to now so record times are real.
    h.advance(Math.floor(Date.now() / 1000) - h.now());
    const d = await h.device('ann-1');
    for (let i = 0; i < 8; i++) {
      const res = await h.post('v1/release', await h.request(d, await h.assign(d, i)));
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const alert = await waitUntil(
      'a velocity alert with its suspension',
      () => lines.map((l) => JSON.parse(l) as Alert).find((a) => a.rule === 'velocity' && a.suspension !== null),
      DEADLINE_MS,
    );
    assert.equal(alert.type, 'keyhole.monitor.alert');
    assert.equal(alert.subject.annotator, 'hub-1:ann-1');
    assert.deepEqual(alert.suspension?.target, { kind: 'annotator', vendor: 'hub-1', annotator: 'ann-1' });
    assert.equal(alert.suspension?.ok, true, alert.suspension?.error);
    assert.equal(typeof alert.suspension?.logIndex, 'number', 'the suspension is proven by its log entry');
    assert.ok(alert.latencyMs !== null && alert.latencyMs >= 0, 'release-to-alert latency is recorded');
    assert.equal(alert.offendingTime !== null && Date.parse(alert.detectedAt) - Date.parse(alert.offendingTime), alert.latencyMs);
    const refused = await h.post('v1/release', await h.request(d, await h.assign(d, 8)));
    assert.equal(refused.body.error.code, 'ANNOTATOR_SUSPENDED');
    const signed = await waitUntil('the webhook delivery', () => hooked.find((a) => a.id === alert.id), DEADLINE_MS);
    assert.deepEqual(signed, alert);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await receiver.close();
    await mirror.close();
    await h.close();
  }
});
