/**
 * `keyhole witness serve --config FILE`: a witness as deployed. Two listeners:
 *
 *   public   POST /add-checkpoint (src/log/witness-server.ts), /healthz, /readyz
 *   metrics  /metrics, /healthz, /readyz — loopback by default
 *
 * /readyz checks the state directory is writable: a witness that cannot
 * record what it cosigned must not cosign (c2sp.org/tlog-witness: the state
 * update is durable before the cosignature leaves). SIGINT/SIGTERM let
 * in-flight requests finish.
 */
import { constants } from 'node:fs';
import { access, mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Hono } from 'hono';
import { fromHex } from '../../core/bytes.js';
import { ed25519Cosigner, type Cosigner } from '../../core/cosignature.js';
import { fail } from '../../core/errors.js';
import { ed25519NoteVerifier, type NoteVerifier } from '../../core/note.js';
import { FileSystemStorage } from '../../log/fs-storage.js';
import { witnessApp } from '../../log/witness-server.js';
import { nodePrimitives as p } from '../../platform/node-primitives.js';
import { errorFields, type JsonLog } from './json-log.js';
import { listenOn } from './listen.js';
import { ServiceMetrics, serviceRegistry } from './metrics.js';
import type { WitnessConfig } from './witness-config.js';

export interface RunningWitness {
  readonly url: string;
  readonly metricsUrl: string;
  readonly verifierKey: string;
  close(): Promise<void>;
}

/** The witness's cosigner from its key file (hex seed). */
export async function loadWitnessCosigner(name: string, keyFile: string): Promise<Cosigner> {
  let text: string;
  try {
    text = (await readFile(keyFile, 'utf8')).trim();
  } catch {
    return fail('NOT_FOUND', `cannot read the witness key ${keyFile}; make one with \`keyhole witness init\``);
  }
  return ed25519Cosigner(p, name, fromHex(text, 'witness key'));
}

async function logVerifiers(config: WitnessConfig): Promise<Map<string, NoteVerifier>> {
  const logs = new Map<string, NoteVerifier>();
  for (const [i, log] of config.logs.entries()) {
    const verifier = await ed25519NoteVerifier(p, log.vkey);
    if (verifier.name !== log.origin) fail('BAD_FORMAT', `logs.${i}: the vkey is for origin "${verifier.name}", not "${log.origin}"`);
    if (logs.has(log.origin)) fail('BAD_FORMAT', `logs.${i}: origin "${log.origin}" is listed twice`);
    logs.set(log.origin, verifier);
  }
  return logs;
}

export async function startWitnessService(config: WitnessConfig, baseDir: string, log: JsonLog): Promise<RunningWitness> {
  const cosigner = await loadWitnessCosigner(config.name, resolve(baseDir, config.key));
  const logs = await logVerifiers(config);
  if (logs.size === 0) log.warn('no logs configured: every checkpoint will be refused until logs are added to the config');
  const stateDir = resolve(baseDir, config.state);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const metrics = new ServiceMetrics(serviceRegistry('witness'), 'witness');
  const api = witnessApp({ primitives: p, cosigner, logs, state: new FileSystemStorage(stateDir) });

  const healthz = (): Response => Response.json({ ok: true });
  const ready = async (): Promise<Response> => {
    try {
      await access(stateDir, constants.W_OK);
      return Response.json({ ready: true });
    } catch (err) {
      log.error('not ready: the state directory is not writable', errorFields(err));
      return Response.json({ ready: false }, { status: 503 });
    }
  };
  const publicApp = new Hono();
  publicApp.get('/healthz', healthz);
  publicApp.get('/readyz', ready);
  publicApp.all('*', async (c) => {
    const res = await api.fetch(c.req.raw, c.env);
    const path = new URL(c.req.url).pathname;
    metrics.requests.inc({ route: path === '/add-checkpoint' ? `${c.req.method} /add-checkpoint` : 'other', status: String(res.status) });
    if (res.status === 500) log.error('internal error', { route: path === '/add-checkpoint' ? '/add-checkpoint' : 'other' });
    return res;
  });
  const publicServer = await listenOn(publicApp.fetch, config.listen.port, config.listen.host);
  const metricsApp = new Hono();
  metricsApp.get('/healthz', healthz);
  metricsApp.get('/readyz', ready);
  metricsApp.get('/metrics', async (c) => c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
  const metricsServer = await listenOn(metricsApp.fetch, config.metrics.port, config.metrics.host).catch(async (err: unknown) => {
    await publicServer.close();
    throw err;
  });
  log.info('witness serving', { witness: cosigner.verifierKey, public: publicServer.url, metrics: metricsServer.url, logs: [...logs.keys()].join(' ') });
  return {
    url: publicServer.url,
    metricsUrl: metricsServer.url,
    verifierKey: cosigner.verifierKey,
    async close() {
      await metricsServer.close();
      await publicServer.close();
    },
  };
}
