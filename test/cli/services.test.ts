/**
 * The vendor's hub, a witness and the lab's monitor as a person deploys them
 * (issue 13): each set up by its `init`, then run from the config file it
 * wrote as a real OS process (`keyhole … serve --config`). Each answers
 * /healthz and /readyz, serves Prometheus text at /metrics, refuses a bad
 * config with file, line and key, and exits 0 on SIGTERM. The witness
 * process cosigns a real log's checkpoints, and the monitor process follows
 * that log with the witness in its trust policy. The hub's operator adds an
 * annotator through `hub annotator-add --config` while the hub serves, on
 * the same SQLite file, and that annotator logs in at once; a request in
 * flight when SIGTERM arrives is still answered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAccessRecord, GENESIS_PREV } from '../../src/core/access-record.js';
import { toBase64Url } from '../../src/core/bytes.js';
import { cosignatureVerifier } from '../../src/core/cosignature.js';
import { ed25519NoteSigner } from '../../src/core/note.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { logReadApi } from '../../src/log/http-read-api.js';
import { WitnessQuorum } from '../../src/log/witness-client.js';
import { LogWriter } from '../../src/log/writer.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { listen } from '../log/support/serve.js';
import { REPO_ROOT } from '../support/shared.js';

const MAIN = join(REPO_ROOT, 'src/cli/main.ts');
const TSX = import.meta.resolve('tsx');
const DEADLINE_MS = 60_000;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `keyhole …args` to its end. */
function keyhole(args: string[], cwd: string, input?: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input ?? '');
  return new Promise((done) => child.once('exit', (code) => done({ code, stdout, stderr })));
}

interface Service {
  readonly child: ChildProcessWithoutNullStreams;
  /** The first JSON line the service printed (its URLs). */
  readonly started: Record<string, string>;
  output(): { stdout: string; stderr: string };
  /** SIGTERM (unless sent already), and the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running `keyhole …args` and waits for its JSON start line on `stream` (fails loudly after the deadline). */
async function startService(args: string[], cwd: string, stream: 'stdout' | 'stderr', key: string, env: NodeJS.ProcessEnv = {}): Promise<Service> {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const line = (stream === 'stdout' ? stdout : stderr).split('\n').find((l) => l.startsWith(`{"${key}":`));
    if (line !== undefined) {
      return {
        child,
        started: JSON.parse(line) as Record<string, string>,
        output: () => ({ stdout, stderr }),
        stop: async () => {
          // Once only: a second signal means "exit now" (130).
          if (!child.killed) child.kill('SIGTERM');
          return exited;
        },
      };
    }
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      assert.fail(`keyhole ${args.join(' ')} did not start (exit ${child.exitCode}); stdout: ${stdout}; stderr: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitFor<T>(what: string, find: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const hit = await find();
    if (hit !== undefined) return hit;
    if (Date.now() > until) assert.fail(`${what}: not within ${DEADLINE_MS} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function assertHealthy(base: string, what: string): Promise<void> {
  for (const path of ['healthz', 'readyz']) {
    const res = await fetch(new URL(path, base));
    assert.equal(res.status, 200, `${what} /${path}: ${await res.text()}`);
  }
}

/** /metrics in Prometheus text format (0.0.4), with `metric` among its families. */
async function scrape(base: string, metric: string): Promise<string> {
  const res = await fetch(new URL('metrics', base));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, new RegExp(`^# TYPE ${metric} (counter|gauge|histogram)$`, 'm'), `${metric} in:\n${text}`);
  return text;
}

const mode = async (path: string): Promise<string> => ((await stat(path)).mode & 0o777).toString(8);

/** A config edited the way an operator would: replace one line. */
async function edit(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  assert.ok(text.includes(from), `${file} has ${from}`);
  await writeFile(file, text.replace(from, to));
}

/** The line (1-based) of the first line of `file` that starts with `prefix`. */
async function lineOf(file: string, prefix: string): Promise<number> {
  return (await readFile(file, 'utf8')).split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
}

/** A bad config is refused at start, naming the file, the line and the key. */
async function assertRefusesBadConfigs(part: string, serveArgs: (config: string) => string[], dir: string, good: string, goodKey: string): Promise<void> {
  const text = await readFile(good, 'utf8');
  const unknown = join(dir, `${part}-unknown.yaml`);
  await writeFile(unknown, `${text}\nlisten_port: 9\n`);
  const u = await keyhole(serveArgs(unknown), dir);
  assert.equal(u.code, 1, u.stderr);
  assert.match(u.stderr, new RegExp(`${unknown.replace(/[.]/g, '\\.')}:${await lineOf(unknown, 'listen_port')}: \\(top level\\): unknown key listen_port`));

  const wrongType = join(dir, `${part}-type.yaml`);
  await writeFile(wrongType, text.replace(/^( {2}port:) \d+$/m, '$1 eighty'));
  const w = await keyhole(serveArgs(wrongType), dir);
  assert.equal(w.code, 1, w.stderr);
  assert.match(w.stderr, new RegExp(`${wrongType.replace(/[.]/g, '\\.')}:${await lineOf(wrongType, '  port: eighty')}: ${goodKey}: `));

  const missing = join(dir, `${part}-missing.yaml`);
  const m = await keyhole(serveArgs(missing), dir);
  assert.equal(m.code, 1, m.stderr);
  assert.match(m.stderr, new RegExp(`${missing.replace(/[.]/g, '\\.')}: cannot read the config file \\(no such file; make one with \`keyhole ${part} init\`\\)`));
}

test('hub: init, serve --config, health, metrics, an annotator added while it serves, bad configs refused, SIGTERM exits 0', { timeout: 240_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-hub-service-'));
  try {
    const init = await keyhole(['hub', 'init', '--config', 'hub.yaml', '--id', 'acme'], dir);
    assert.equal(init.code, 0, init.stderr);
    const publicKey = /public key {2}([A-Za-z0-9_-]{43})/.exec(init.stdout)?.[1];
    assert.ok(publicKey !== undefined, init.stdout);
    assert.equal(await mode(join(dir, 'hub.key')), '600');
    assert.equal(await mode(join(dir, 'hub.yaml')), '600');
    const keyBefore = await readFile(join(dir, 'hub.key'), 'utf8');
    const again = await keyhole(['hub', 'init', '--config', 'hub.yaml', '--id', 'acme'], dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists; init never overwrites/);
    assert.equal(await readFile(join(dir, 'hub.key'), 'utf8'), keyBefore);

    await assertRefusesBadConfigs('hub', (c) => ['hub', 'serve', '--config', c], dir, join(dir, 'hub.yaml'), 'listen.port');

    await edit(join(dir, 'hub.yaml'), '  port: 8787', '  port: 0');
    // The metrics port from the environment, as a unit's EnvironmentFile would set it.
    const hub = await startService(['hub', 'serve', '--config', 'hub.yaml', '--set', 'workstationOrigin=https://keys.lab.example'], dir, 'stdout', 'hub', { KEYHOLE_HUB_METRICS_PORT: '0' });
    try {
      const { hub: url, metrics } = hub.started as { hub: string; metrics: string };
      assert.notEqual(new URL(metrics).port, '8788', 'KEYHOLE_HUB_METRICS_PORT overrides the file');
      assert.notEqual(new URL(url).port, new URL(metrics).port, 'metrics on a listener of their own');
      await assertHealthy(url, 'hub');
      await assertHealthy(metrics, 'hub metrics listener');
      assert.equal((await fetch(new URL('metrics', url))).status, 404, 'no metrics on the public listener');
      // CORS for the lab's gatekeeper origin (the workstation app), and for no other.
      const preflight = (origin: string): Promise<Response> =>
        fetch(new URL('v1/sessions', url), { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      assert.equal((await preflight('https://keys.lab.example')).headers.get('access-control-allow-origin'), 'https://keys.lab.example');
      assert.equal((await preflight('https://evil.example')).headers.get('access-control-allow-origin'), null);

      const login = (password: string): Promise<Response> =>
        fetch(new URL('v1/sessions', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password }) });
      assert.equal((await login('wrong password 1')).status, 401);
      // The operator adds alice through the config file while the hub serves, on the same SQLite database.
      const added = await keyhole(['hub', 'annotator-add', '--config', 'hub.yaml', '--id', 'alice', '--username', 'alice'], dir, 'correct horse battery\n');
      assert.equal(added.code, 0, added.stderr);
      const res = await login('correct horse battery');
      assert.ok(res.ok, `alice logs in at the running hub: ${res.status} ${await res.text()}`);

      const text = await scrape(metrics, 'keyhole_hub_requests_total');
      assert.match(text, /^keyhole_hub_requests_total\{route="POST \/v1\/sessions",status="401",service="hub"\} 1$/m);
      assert.match(text, /^keyhole_hub_login_failures_total\{status="401",service="hub"\} 1$/m);
      assert.match(text, /^# TYPE keyhole_hub_lease_queue_depth gauge$/m);

      // Graceful stop: a request the hub is in the middle of (its body still arriving) is answered after SIGTERM.
      const { port, hostname } = new URL(url);
      const socket = connect(Number(port), hostname);
      let reply = '';
      socket.on('data', (d: Buffer) => (reply += d.toString()));
      const body = JSON.stringify({ username: 'alice', password: 'wrong password 2' });
      socket.write(`POST /v1/sessions HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
      // "100 Continue" means the hub parsed the request and its handler is waiting for the body.
      await waitFor('100 Continue', async () => (reply.startsWith('HTTP/1.1 100 Continue') ? true : undefined));
      hub.child.kill('SIGTERM');
      await waitFor('the hub starts stopping', async () => (hub.output().stderr.includes('stopping: finishing in-flight requests') ? true : undefined));
      await waitFor('the public listener refuses new connections', async () => {
        const refused = await fetch(new URL('healthz', url)).then(
          () => false,
          () => true,
        );
        return refused ? true : undefined;
      });
      // write, not end: a client that half-closes its side is treated as gone by Node's HTTP server.
      socket.write(body);
      await waitFor('the in-flight login is answered', async () => (/HTTP\/1\.1 401 /.test(reply.slice('HTTP/1.1 100'.length)) ? true : undefined));
      socket.destroy();
    } finally {
      assert.equal(await hub.stop(), 0, hub.output().stderr);
    }
    const logLines = hub.output().stderr.trim().split('\n').map((l) => JSON.parse(l) as { service: string; level: string; msg: string });
    assert.ok(logLines.every((l) => l.service === 'hub'), 'stderr is JSON log lines');
    assert.ok(!hub.output().stderr.includes('correct horse'), 'no password in the log');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('witness and monitor: each from its init, the witness cosigns a real log, the monitor follows it; health, metrics, bad configs, SIGTERM', { timeout: 240_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-witness-service-'));
  const origin = 'lab.example/keyhole/audit/services-test';
  try {
    const init = await keyhole(['witness', 'init', '--config', 'w/witness.yaml', '--name', 'witness.example/w1'], dir);
    assert.equal(init.code, 0, init.stderr);
    const witnessVkey = /vkey {4}(\S+)/.exec(init.stdout)?.[1];
    assert.ok(witnessVkey?.startsWith('witness.example/w1+'), init.stdout);
    assert.equal(await mode(join(dir, 'w', 'witness.key')), '600');

    const logKey = await ed25519NoteSigner(p, origin, p.randomBytes(32));
    const witnessYaml = join(dir, 'w', 'witness.yaml');
    await edit(witnessYaml, 'logs: []', `logs:\n  - origin: ${origin}\n    vkey: ${logKey.verifierKey}`);
    await edit(witnessYaml, '  port: 7380', '  port: 0');
    await edit(witnessYaml, '  port: 7381', '  port: 0');
    await assertRefusesBadConfigs('witness', (c) => ['witness', 'serve', '--config', c], dir, witnessYaml, 'listen.port');

    const witness = await startService(['witness', 'serve', '--config', witnessYaml], dir, 'stdout', 'witness');
    let monitor: Service | undefined;
    let writer: LogWriter | undefined;
    const api = await listen(logReadApi(new FileSystemStorage(join(dir, 'log'))));
    try {
      const { witness: witnessUrl, metrics: witnessMetrics } = witness.started as { witness: string; metrics: string };
      await assertHealthy(witnessUrl, 'witness');
      // A real log, witnessed by the witness process: every checkpoint needs its cosignature.
      const storage = new FileSystemStorage(join(dir, 'log'));
      writer = await LogWriter.open({
        primitives: p,
        storage,
        signer: logKey,
        batchDelayMs: 5,
        witnessing: new WitnessQuorum({ witnesses: [{ url: witnessUrl, verifier: await cosignatureVerifier(p, witnessVkey!) }], quorum: 1 }),
      });
      const entry = encodeAccessRecord({
        v: 1,
        kind: 'release',
        decision: 'allow',
        campaign: 'c1',
        item: 'item-1',
        annotator: 'acme:ann-1',
        deviceKeyHash: toBase64Url(new Uint8Array(32).fill(7)),
        time: new Date().toISOString(),
        seq: 0,
        prev: GENESIS_PREV,
      } as Parameters<typeof encodeAccessRecord>[0]);
      const appended = await writer.append(entry);
      assert.equal(appended.index, 0);
      const wtext = await scrape(witnessMetrics, 'keyhole_witness_requests_total');
      assert.match(wtext, /^keyhole_witness_requests_total\{route="POST \/add-checkpoint",status="200",service="witness"\} [1-9]\d*$/m);

      const minit = await keyhole(['monitor', 'init', '--config', 'm/monitor.yaml', '--log', api.url, '--vkey', logKey.verifierKey, '--name', 'mon-1'], dir);
      assert.equal(minit.code, 0, minit.stderr);
      assert.match(minit.stdout, /keyhole monitor-key mon-1 --public-key [A-Za-z0-9_-]{43}/);
      assert.equal(await mode(join(dir, 'm', 'monitor.key')), '600');
      const monitorYaml = join(dir, 'm', 'monitor.yaml');
      await edit(monitorYaml, 'witnesses: []', `witnesses: [${witnessVkey}]`);
      await edit(monitorYaml, '  port: 7392', '  port: 0');
      await assertRefusesBadConfigs('monitor', (c) => ['monitor', '--config', c], dir, monitorYaml, 'listen.port');

      monitor = await startService(['monitor', '--config', monitorYaml], dir, 'stderr', 'monitor');
      const auditUrl = monitor.started.monitor!;
      await assertHealthy(auditUrl, 'monitor');
      // The monitor verified the witnessed checkpoint (quorum 1 of the witness process) and the entry under it.
      await waitFor('the monitor verifies entry 0', async () => (/^keyhole_monitor_verified_size\{service="monitor"\} 1$/m.test(await scrape(auditUrl, 'keyhole_monitor_verified_size')) ? true : undefined));
    } finally {
      await writer?.close();
      if (monitor !== undefined) assert.equal(await monitor.stop(), 0, monitor.output().stderr);
      assert.equal(await witness.stop(), 0, witness.output().stderr);
      await api.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
