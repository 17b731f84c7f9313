/**
 * A hub on SQLite or PostgreSQL (its own schema, dropped afterwards) with a
 * file blob store in a temporary directory, a settable clock, and clients for
 * the three kinds of caller: a lab signing its requests, annotators with
 * sessions, and anonymous callers. Requests go through the real Hono app.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { toBase64Url, utf8 } from '../../../src/core/bytes.js';
import { signCampaignManifest, type CampaignManifestBody } from '../../../src/core/campaign-manifest.js';
import type { Ed25519Signer, X25519PrivateKey } from '../../../src/core/primitives.js';
import { sealItem } from '../../../src/core/sealed-item.js';
import { sealLabSection } from '../../../src/core/lab-section.js';
import { inspectItem } from '../../../src/core/sealed-item.js';
import { addAnnotator, addToRoster } from '../../../src/hub/accounts.js';
import { hashPassword } from '../../../src/hub/password-hash.js';
import { createHubApp, type HubHttpOptions } from '../../../src/hub/http-app.js';
import type { HubContext } from '../../../src/hub/hub-context.js';
import { LAB_SIGNATURE_HEADER, signLabRequest } from '../../../src/hub/lab-request-signature.js';
import { registerLab } from '../../../src/hub/tenancy.js';
import { FileBlobStore } from '../../../src/storage/fs-blob-store.js';
import { openHubDatabase } from '../../../src/storage/open-database.js';
import { deviceFixture, labFixture, NOW, p, seed } from '../../support/fixtures.js';
import { dropSchema, freshSchemaName, POSTGRES_URL } from '../../storage/support/postgres.js';

export type DbKind = 'sqlite' | 'postgres';
export const HUB_ID = 'vendor-hub';
export const PASSWORD = 'correct horse battery staple';

export interface Lab {
  id: string;
  signer: Ed25519Signer;
  kex: X25519PrivateKey;
  resultKey: X25519PrivateKey;
}

export interface Response {
  status: number;
  json: any;
  bytes: Uint8Array;
  headers: Headers;
}

export class Harness {
  now = NOW;
  readonly ctx: HubContext;
  readonly app: Hono;
  private constructor(
    ctx: Omit<HubContext, 'clock'>,
    private readonly cleanup: () => Promise<void>,
    options: HubHttpOptions,
    private readonly storage: { kind: DbKind; schema: string },
  ) {
    this.ctx = { ...ctx, clock: () => this.now };
    this.app = createHubApp(this.ctx, { accountLimit: { perSecond: 10_000, burst: 10_000 }, loginLimit: { perSecond: 10_000, burst: 10_000 }, ...options });
  }

  /**
   * A second hub over the first one's database and blob directory, as another
   * process would be on PostgreSQL: its own connection pool, its own app, the
   * same schema. Closing it leaves the shared storage to the first.
   */
  async peer(options: HubHttpOptions = {}): Promise<Harness> {
    if (this.storage.kind !== 'postgres') throw new Error('a peer hub shares a PostgreSQL schema; SQLite has one writer');
    const store = await openHubDatabase(POSTGRES_URL, { pgSchema: this.storage.schema, pgPoolSize: 8 });
    const peer = new Harness({ ...this.ctx, store }, () => store.close(), options, this.storage);
    peer.now = this.now;
    return peer;
  }

  static async open(kind: DbKind, options: HubHttpOptions = {}): Promise<Harness> {
    const dir = await mkdtemp(join(tmpdir(), 'keyhole-hub-'));
    const schema = freshSchemaName();
    const store = kind === 'sqlite' ? await openHubDatabase(`sqlite:${join(dir, 'hub.db')}`) : await openHubDatabase(POSTGRES_URL, { pgSchema: schema, pgPoolSize: 8 });
    const signer = await p.ed25519FromSeed(seed(20));
    return new Harness(
      { store, blobs: new FileBlobStore(join(dir, 'blobs')), p, identity: { id: HUB_ID, signer } },
      async () => {
        await store.close();
        if (kind === 'postgres') await dropSchema(schema);
        await rm(dir, { recursive: true, force: true });
      },
      options,
      { kind, schema },
    );
  }

  close(): Promise<void> {
    return this.cleanup();
  }

  /** `address` is the peer address the hub sees (login throttling counts by it). */
  async request(method: string, path: string, init: { body?: unknown; raw?: Uint8Array | string; headers?: Record<string, string>; address?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | Uint8Array | undefined;
    if (init.raw !== undefined) body = init.raw;
    else if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const env = init.address === undefined ? undefined : { incoming: { socket: { remoteAddress: init.address } } };
    const res = await this.app.request(`http://hub.test${path}`, { method, headers, ...(body === undefined ? {} : { body: body as BodyInit }) }, env);
    const bytes = new Uint8Array(await res.arrayBuffer());
    let json: unknown;
    if ((res.headers.get('content-type') ?? '').includes('json')) json = JSON.parse(new TextDecoder().decode(bytes));
    return { status: res.status, json, bytes, headers: res.headers };
  }

  /** A request signed by `lab` (or by `signer` posing as `lab`). */
  async labRequest(lab: Lab, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, as?: { lab?: string; signer?: Ed25519Signer; time?: number }): Promise<Response> {
    const raw = body === undefined ? new Uint8Array(0) : utf8(JSON.stringify(body));
    const header = await signLabRequest(p, as?.signer ?? lab.signer, { hub: HUB_ID, lab: as?.lab ?? lab.id, method, path, body: raw }, as?.time ?? this.now);
    const headers = { [LAB_SIGNATURE_HEADER]: header, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    return this.request(method, path, { ...(body === undefined ? {} : { raw }), headers });
  }

  async session(token: string, method: string, path: string, body?: unknown): Promise<Response> {
    return this.request(method, path, { ...(body === undefined ? {} : { body }), headers: { authorization: `Bearer ${token}` } });
  }
}

export async function makeLab(h: Harness, id: string, seedByte: number): Promise<Lab> {
  const lab: Lab = {
    id,
    signer: await p.ed25519FromSeed(seed(seedByte)),
    kex: await p.x25519FromSecret(seed(seedByte + 1)),
    resultKey: await p.x25519FromSecret(seed(seedByte + 2)),
  };
  await registerLab(h.ctx, { lab: id, signingKey: toBase64Url(lab.signer.publicKey) });
  return lab;
}

export function manifestBody(lab: Lab, campaign: string, overrides: Partial<CampaignManifestBody> = {}): CampaignManifestBody {
  return {
    v: 1,
    lab: lab.id,
    campaign,
    title: 'Preference pairs, December',
    task: 'pairwise',
    policy: 'a'.repeat(64),
    resultKey: toBase64Url(lab.resultKey.publicKey),
    overlap: 2,
    leaseSeconds: 600,
    opens: NOW - 100,
    closes: NOW + 86_400,
    gatekeeper: 'https://gatekeeper.acme.example',
    log: { vkey: 'acme-log+6acbf852+AQcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH', witnesses: [], quorum: 0 },
    workstation: 'b'.repeat(64),
    ...overrides,
  };
}

export async function putCampaign(h: Harness, lab: Lab, campaign: string, overrides: Partial<CampaignManifestBody> = {}, workflow?: { goldEvery?: number; review?: boolean }): Promise<Response> {
  const manifest = await signCampaignManifest(lab.signer, manifestBody(lab, campaign, overrides));
  return h.labRequest(lab, 'PUT', `/v1/labs/${lab.id}/campaigns/${campaign}`, { manifest, ...(workflow === undefined ? {} : { workflow }) });
}

export interface SealedFixture {
  item: string;
  sealed: Uint8Array;
  labSection: Uint8Array;
  digest: string;
}

export async function sealFixture(lab: Lab, campaign: string, item: string, expires = 2_000_000_000, plaintext = utf8(`plaintext of ${item}`)): Promise<SealedFixture> {
  const { kek, params } = await labFixture();
  const sealed = await sealItem(p, { ...params, lab: lab.id, campaign, item, labSigner: lab.signer, kek, expires }, plaintext);
  const head = await inspectItem(p, sealed);
  const labSection = await sealLabSection(p, lab.kex.publicKey, head.digest, utf8(`{"source":"${item}"}`));
  return { item, sealed, labSection, digest: toBase64Url(head.digest) };
}

export function uploadBody(items: SealedFixture[], gold = false) {
  return { items: items.map((i) => ({ sealed: toBase64Url(i.sealed), labSection: toBase64Url(i.labSection), gold })) };
}

export async function uploadItems(h: Harness, lab: Lab, campaign: string, items: SealedFixture[], gold = false): Promise<Response> {
  return h.labRequest(lab, 'POST', `/v1/labs/${lab.id}/campaigns/${campaign}/items`, uploadBody(items, gold));
}

export interface Worker {
  id: string;
  token: string;
  device: string;
  signer: Ed25519Signer;
  keys: { signing: Uint8Array; kex: Uint8Array };
}

/** An annotator on `labs`' rosters, logged in, with a registered device that each lab approved. */
export async function makeWorker(h: Harness, labs: Lab[], id: string, deviceSeed: number, opts: { reviewer?: boolean; approve?: boolean; direct?: boolean } = {}): Promise<Worker> {
  const token = opts.direct === true ? await directSession(h, id) : await passwordSession(h, id, opts.reviewer ?? false);
  for (const lab of labs) await addToRoster(h.ctx, lab.id, id);
  const device = await deviceFixture(deviceSeed);
  const reg = await h.session(token, 'POST', '/v1/devices', { signing: toBase64Url(device.keys.signing), kex: toBase64Url(device.keys.kex) });
  if (reg.status !== 201) throw new Error(`device registration failed: ${JSON.stringify(reg.json)}`);
  if (opts.approve ?? true) {
    for (const lab of labs) {
      const ok = await h.labRequest(lab, 'PUT', `/v1/labs/${lab.id}/devices/${reg.json.device}`, { state: 'approved' });
      if (ok.status !== 200) throw new Error(`approval failed: ${JSON.stringify(ok.json)}`);
    }
  }
  return { id, token, device: reg.json.device, signer: device.signer, keys: device.keys };
}

async function passwordSession(h: Harness, id: string, reviewer: boolean): Promise<string> {
  await addAnnotator(h.ctx, { id, username: id.toLowerCase(), password: PASSWORD, reviewer });
  const login = await h.request('POST', '/v1/sessions', { body: { username: id.toLowerCase(), password: PASSWORD } });
  if (login.status !== 201) throw new Error(`login failed: ${JSON.stringify(login.json)}`);
  return login.json.token;
}

let sharedHash: Promise<string> | undefined;

/**
 * For tests with many annotators: the account row shares one scrypt hash and
 * the session row is written directly, skipping 2 scrypt runs per annotator.
 * Login itself is covered by the tests that use passwordSession.
 */
async function directSession(h: Harness, id: string): Promise<string> {
  sharedHash ??= hashPassword(PASSWORD);
  await h.ctx.store.db.insertInto('annotators').values({ id, username: id.toLowerCase(), password_hash: await sharedHash, reviewer: 0, suspended_at: null, created_at: h.now }).execute();
  const token = `khs_${toBase64Url(randomBytes(32))}`;
  const tokenHash = createHash('sha256').update(token).digest('hex');
  await h.ctx.store.db.insertInto('sessions').values({ token_hash: tokenHash, annotator: id, created_at: h.now, expires_at: h.now + 3600, revoked_at: null }).execute();
  return token;
}

export async function lease(h: Harness, w: Worker, lab: Lab, campaign: string, stage: 'annotate' | 'review' = 'annotate'): Promise<Response> {
  return h.session(w.token, 'POST', `/v1/labs/${lab.id}/campaigns/${campaign}/leases`, { device: w.device, stage });
}
