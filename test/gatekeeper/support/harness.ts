/**
 * A whole gatekeeper on loopback for tests: a real database (SQLite or
 * PostgreSQL), a passphrase keystore, a log on disk cosigned by a real
 * witness over HTTP, the HTTP API, a vendor hub key, a campaign, a batch of
 * real sealed items, and enrolled devices. Nothing is mocked.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signAssignment, type Assignment } from '../../../src/core/assignment.js';
import { decodeAccessRecord, type AccessRecord } from '../../../src/core/access-record.js';
import { toBase64Url } from '../../../src/core/bytes.js';
import { cosignatureVerifier, ed25519Cosigner } from '../../../src/core/cosignature.js';
import { deviceId } from '../../../src/core/device.js';
import { ed25519NoteVerifier } from '../../../src/core/note.js';
import type { Ed25519Signer, X25519PrivateKey } from '../../../src/core/primitives.js';
import type { TrustPolicy } from '../../../src/core/proof-bundle.js';
import { signReleaseRequest, type ReleaseRequest } from '../../../src/core/release.js';
import { inspectItem, sealItem, type ItemHead } from '../../../src/core/sealed-item.js';
import type { Alert } from '../../../src/gatekeeper/alerts.js';
import { approveDevice, importDevice } from '../../../src/gatekeeper/enrollment.js';
import { openGatekeeper, type Gatekeeper } from '../../../src/gatekeeper/gatekeeper.js';
import { gatekeeperApp } from '../../../src/gatekeeper/http.js';
import { createKeystoreFile } from '../../../src/gatekeeper/keystore/passphrase-keystore.js';
import type { RootKey } from '../../../src/gatekeeper/keystore/root-key.js';
import { registerItem, setCampaign, setVendor, type CampaignSettings } from '../../../src/gatekeeper/registry.js';
import { FileSystemStorage, type FileSystemCalls } from '../../../src/log/fs-storage.js';
import { readEntry } from '../../../src/log/tile-reader.js';
import { WitnessQuorum } from '../../../src/log/witness-client.js';
import { witnessApp } from '../../../src/log/witness-server.js';
import { nodePrimitives as p } from '../../../src/platform/node-primitives.js';
import { listen, type Running } from '../../log/support/serve.js';
import type { Backend } from './backends.js';

export { p };
export const LAB = 'acme-lab';
export const HUB = 'hub-1';
export const CAMPAIGN = 'camp-1';
export const BATCH = 'batch-1';
export const ORIGIN = 'gatekeeper.test/keyhole/audit/v1';
export const PASSPHRASE = 'correct horse battery staple';

let sharedRoot: Promise<RootKey> | undefined;
/** One keystore per test process: scrypt at full strength costs ~0.5 s per open. */
export function testRootKey(): Promise<RootKey> {
  sharedRoot ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyhole-ks-'));
    return createKeystoreFile(p, join(dir, 'keystore.json'), PASSPHRASE);
  })();
  return sharedRoot;
}

export interface Device {
  readonly signer: Ed25519Signer;
  readonly kex: X25519PrivateKey;
  readonly keys: { signing: Uint8Array; kex: Uint8Array };
  readonly id: string;
  readonly annotator: string;
}

export interface Harness {
  readonly gk: Gatekeeper;
  readonly url: string;
  readonly dir: string;
  readonly logStorage: FileSystemStorage;
  readonly hub: Ed25519Signer;
  readonly items: ItemHead[];
  readonly sealed: Uint8Array[];
  readonly policy: TrustPolicy;
  /** The witness's verifier key (note format), for monitors that follow this gatekeeper's log. */
  readonly witnessVkey: string;
  readonly alerts: Alert[];
  /** Seconds; tests move it with `advance`. */
  now(): number;
  advance(seconds: number): void;
  device(annotator: string, options?: { approve?: boolean; vendor?: string }): Promise<Device>;
  assign(device: Device, item: number, options?: { lease?: string; expiresIn?: number; annotator?: string; hub?: Ed25519Signer; hubId?: string }): Promise<Assignment>;
  request(device: Device, assignment: Assignment): Promise<ReleaseRequest>;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  records(): Promise<AccessRecord[]>;
  /** Takes the witness off the network: no checkpoint reaches quorum, so no append is acknowledged. */
  stopWitness(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_CAMPAIGN: Omit<CampaignSettings, 'opens' | 'closes'> = {
  campaign: CAMPAIGN,
  policy: 'b'.repeat(64),
  overlap: 3,
  pacePerMinute: 1000,
  pacePerHour: 10000,
  maxOutstanding: 1000,
  exposureBudget: 100000,
};

let deviceSeed = 100;

export async function startHarness(
  backend: Backend,
  options: { items?: number; campaign?: Partial<CampaignSettings>; vendorBudget?: number; tripwires?: number[]; witnessed?: boolean; /** The log's file system, given the harness's directory (power-loss tests: test/log/support/page-cache-fs.ts). */ logFs?: (dir: string) => FileSystemCalls } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-gk-'));
  const { database, cleanup } = await backend.open(dir);
  let clockMs = Date.now();
  const alerts: Alert[] = [];
  const logStorage = new FileSystemStorage(join(dir, 'log'), options.logFs?.(dir));
  const closers: (() => Promise<void>)[] = [];
  let stopWitness = async (): Promise<void> => {};

  // The log key is created by the gatekeeper; the witness must know it, so open once unwitnessed to learn it.
  const root = await testRootKey();
  let gk = await openGatekeeper({ primitives: p, lab: LAB, database, root, logStorage, logOrigin: ORIGIN, alert: (a) => alerts.push(a), now: () => clockMs });
  const witnessed = options.witnessed ?? true;
  const cosigner = await ed25519Cosigner(p, 'witness.test/w1', new Uint8Array(32).fill(77));
  const witnessVerifier = await cosignatureVerifier(p, cosigner.verifierKey);
  if (witnessed) {
    await gk.close();
    const logs = new Map([[ORIGIN, await ed25519NoteVerifier(p, gk.logKey.verifierKey)]]);
    const witness: Running = await listen(witnessApp({ primitives: p, cosigner, logs, state: new FileSystemStorage(join(dir, 'witness')) }));
    let witnessUp = true;
    stopWitness = async () => {
      if (witnessUp) await witness.close();
      witnessUp = false;
    };
    closers.push(() => stopWitness());
    gk = await openGatekeeper({
      primitives: p,
      lab: LAB,
      database,
      root,
      logStorage,
      logOrigin: ORIGIN,
      witnessing: new WitnessQuorum({ witnesses: [{ url: witness.url, verifier: witnessVerifier }], quorum: 1 }),
      alert: (a) => alerts.push(a),
      now: () => clockMs,
    });
  }
  const server = await listen(gatekeeperApp(gk, logStorage, (err) => console.error('internal error in test gatekeeper', err)));

  const hub = await p.ed25519FromSeed(new Uint8Array(32).fill(50));
  await setVendor(gk, { vendor: HUB, hubKey: toBase64Url(hub.publicKey), exposureBudget: options.vendorBudget ?? 100000 });
  const nowS = Math.floor(clockMs / 1000);
  await setCampaign(gk, { ...DEFAULT_CAMPAIGN, opens: nowS - 3600, closes: nowS + 30 * 86400, ...options.campaign });
  const kek = await gk.keks.createBatch(BATCH, options.campaign?.campaign ?? CAMPAIGN);
  const items: ItemHead[] = [];
  const sealed: Uint8Array[] = [];
  for (let i = 0; i < (options.items ?? 4); i++) {
    const bytes = await sealItem(
      p,
      { lab: LAB, dataset: 'ds', batch: BATCH, item: `item-${i}`, campaign: options.campaign?.campaign ?? CAMPAIGN, policy: DEFAULT_CAMPAIGN.policy, expires: nowS + 60 * 86400, labSigner: gk.labSigner, kek },
      new TextEncoder().encode(`plaintext of item ${i}`),
    );
    const head = await inspectItem(p, bytes);
    await registerItem(gk, head, { tripwire: options.tripwires?.includes(i) ?? false });
    items.push(head);
    sealed.push(bytes);
  }
  const logVerifier = await ed25519NoteVerifier(p, gk.logKey.verifierKey);
  const policy: TrustPolicy = witnessed ? { log: logVerifier, origin: ORIGIN, witnesses: [witnessVerifier], quorum: 1 } : { log: logVerifier, origin: ORIGIN, witnesses: [], quorum: 0 };

  const h: Harness = {
    gk,
    url: server.url,
    dir,
    logStorage,
    hub,
    items,
    sealed,
    policy,
    witnessVkey: cosigner.verifierKey,
    alerts,
    now: () => Math.floor(clockMs / 1000),
    advance: (s) => {
      clockMs += s * 1000;
    },
    async device(annotator, o = {}) {
      const seed = deviceSeed++;
      const signer = await p.ed25519FromSeed(new Uint8Array(32).fill(seed));
      const kex = await p.x25519FromSecret(new Uint8Array(32).fill(seed).map((b, i) => (i === 0 ? b ^ 0x55 : b)));
      const keys = { signing: signer.publicKey, kex: kex.publicKey };
      const id = await importDevice(gk, { vendor: o.vendor ?? HUB, annotator, signing: toBase64Url(keys.signing), kex: toBase64Url(keys.kex) });
      if (o.approve ?? true) await approveDevice(gk, id);
      return { signer, kex, keys, id: await deviceId(p, keys), annotator };
    },
    async assign(device, item, o = {}) {
      const head = items[item]!;
      const issued = h.now();
      return signAssignment(o.hub ?? hub, {
        v: 1,
        hub: o.hubId ?? HUB,
        lab: LAB,
        campaign: head.header.campaign,
        item: head.header.item,
        digest: toBase64Url(head.digest),
        lease: o.lease ?? `lease-${item}-${device.annotator}`,
        annotator: o.annotator ?? device.annotator,
        device: device.id,
        issued,
        expires: issued + (o.expiresIn ?? 600),
      });
    },
    request: (device, assignment) => signReleaseRequest(p, device, assignment, h.now()),
    async post(path, body) {
      const res = await fetch(new URL(path, server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    async records() {
      const size = gk.audit.size;
      const out: AccessRecord[] = [];
      for (let i = 0; i < size; i++) out.push(decodeAccessRecord(await readEntry(logStorage, i, size)));
      return out;
    },
    stopWitness: () => stopWitness(),
    async close() {
      await server.close();
      await gk.close();
      for (const c of closers) await c();
      await database.close();
      await cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return h;
}
