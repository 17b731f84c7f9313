/**
 * The whole loop on loopback, nothing mocked: a real hub (SQLite, file
 * blobs, its HTTP app with CORS for the workstation origin), a real
 * gatekeeper (SQLite, passphrase keystore, audit log on disk cosigned by a
 * real witness over HTTP) serving the built workstation app at /workstation/,
 * a lab that seals and uploads items, and helpers for what the lab and the
 * vendor do by hand (approve a device, suspend an annotator, pull and open
 * labels).
 *
 * `tamper` puts a man in the middle of /v1/release on the gatekeeper's origin
 * (for the forged and missing proof tests); the gatekeeper itself is untouched.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../../src/core/bytes.js';
import { signCampaignManifest, type CampaignManifestBody, type TaskType } from '../../../src/core/campaign-manifest.js';
import { cosignatureVerifier, ed25519Cosigner } from '../../../src/core/cosignature.js';
import { sealLabSection } from '../../../src/core/lab-section.js';
import { openLabel } from '../../../src/core/label.js';
import { ed25519NoteVerifier } from '../../../src/core/note.js';
import type { X25519PrivateKey } from '../../../src/core/primitives.js';
import { inspectItem, sealItem } from '../../../src/core/sealed-item.js';
import { approveDevice, importDevice } from '../../../src/gatekeeper/enrollment.js';
import { openGatekeeper, type Gatekeeper } from '../../../src/gatekeeper/gatekeeper.js';
import { gatekeeperApp } from '../../../src/gatekeeper/http.js';
import { openGatekeeperDatabase } from '../../../src/gatekeeper/db/database.js';
import { registerItem, setCampaign, setVendor } from '../../../src/gatekeeper/registry.js';
import { suspend } from '../../../src/gatekeeper/suspension.js';
import { addAnnotator, addToRoster } from '../../../src/hub/accounts.js';
import { decideDevice, devicesForLab } from '../../../src/hub/devices.js';
import { createHubApp } from '../../../src/hub/http-app.js';
import type { HubContext } from '../../../src/hub/hub-context.js';
import { uploadItems } from '../../../src/hub/item-upload.js';
import { pullSubmissions } from '../../../src/hub/submissions.js';
import { putCampaign, registerLab } from '../../../src/hub/tenancy.js';
import { FileSystemStorage } from '../../../src/log/fs-storage.js';
import { WitnessQuorum } from '../../../src/log/witness-client.js';
import { witnessApp } from '../../../src/log/witness-server.js';
import { nodePrimitives as p } from '../../../src/platform/node-primitives.js';
import { FileBlobStore } from '../../../src/storage/fs-blob-store.js';
import { openHubDatabase } from '../../../src/storage/open-database.js';
import { serveWorkstation } from '../../../src/workstation/serve.js';
import { parseLabel, type LabelPlaintext } from '../../../src/core/label-plaintext.js';
import { testRootKey } from '../../gatekeeper/support/harness.js';
import { listen, type Running } from '../../log/support/serve.js';

export const LAB = 'acme-lab';
export const HUB = 'vendor-hub';
export const PASSWORD = 'correct horse battery staple';
const ORIGIN = 'gatekeeper.test/keyhole/audit/v1';

export type Tamper = 'none' | 'forge-proof' | 'drop-proof';

export interface Stack {
  readonly hubUrl: string;
  readonly gatekeeperUrl: string;
  /** The app's address: `${gatekeeperUrl}workstation/`. */
  readonly appUrl: string;
  readonly hub: HubContext;
  readonly gk: Gatekeeper;
  tamper: Tamper;
  /** Seconds the hub's clock is shifted by (negative: leases it signs are already over). */
  hubClockShift: number;
  campaign(id: string, task: TaskType, items: unknown[], overrides?: Partial<CampaignManifestBody>): Promise<void>;
  annotator(id: string): Promise<{ username: string; password: string }>;
  /** Approves, at the hub and the gatekeeper, every device the annotator registered; returns how many. */
  approve(annotator: string): Promise<number>;
  suspendAtGatekeeper(annotator: string): Promise<void>;
  /** Labels submitted to a campaign, opened with its result key as the lab's collect does. */
  labels(campaign: string): Promise<{ item: string; annotator: string; label: LabelPlaintext }[]>;
  close(): Promise<void>;
}

export async function startStack(bundleDir: string): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-ws-'));
  const closers: (() => Promise<void>)[] = [];
  const stack = { tamper: 'none' as Tamper, hubClockShift: 0 };

  // The witness must know the log key, which the gatekeeper makes on first open.
  const root = await testRootKey();
  const database = await openGatekeeperDatabase(`sqlite:${join(dir, 'gatekeeper.db')}`);
  const logStorage = new FileSystemStorage(join(dir, 'log'));
  const first = await openGatekeeper({ primitives: p, lab: LAB, database, root, logStorage, logOrigin: ORIGIN, alert: () => {} });
  const logVkey = first.logKey.verifierKey;
  await first.close();
  const cosigner = await ed25519Cosigner(p, 'witness.test/w1', new Uint8Array(32).fill(77));
  const witness: Running = await listen(witnessApp({ primitives: p, cosigner, logs: new Map([[ORIGIN, await ed25519NoteVerifier(p, logVkey)]]), state: new FileSystemStorage(join(dir, 'witness')) }));
  const gk = await openGatekeeper({
    primitives: p,
    lab: LAB,
    database,
    root,
    logStorage,
    logOrigin: ORIGIN,
    witnessing: new WitnessQuorum({ witnesses: [{ url: witness.url, verifier: await cosignatureVerifier(p, cosigner.verifierKey) }], quorum: 1 }),
    alert: () => {},
  });

  // The gatekeeper's origin also serves the app; reserve its port first so the hub can allow it.
  const gkRoot = new Hono();
  let mounted: Hono | undefined;
  gkRoot.use('/v1/release', async (c, next) => {
    await next();
    if (stack.tamper === 'none' || c.res.status !== 200) return;
    const body = (await c.res.json()) as { grant: unknown; proof: string };
    if (stack.tamper === 'drop-proof') c.res = Response.json({ grant: body.grant });
    else {
      // Re-point the inclusion proof: one base64 character of the first audit-path hash, or of the entry if the path is empty.
      const lines = body.proof.split('\n');
      const target = lines.length > 3 && lines[3] !== '' ? 3 : 1;
      const line = lines[target]!;
      const at = line.length - 3;
      lines[target] = line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1);
      c.res = Response.json({ grant: body.grant, proof: lines.join('\n') });
    }
  });
  gkRoot.all('*', (c) => (mounted === undefined ? c.body(null, 503) : mounted.fetch(c.req.raw)));
  const gatekeeperServer = await listen(gkRoot);
  const gatekeeperUrl = gatekeeperServer.url;

  const hubSigner = await p.ed25519FromSeed(new Uint8Array(32).fill(20));
  const store = await openHubDatabase(`sqlite:${join(dir, 'hub.db')}`);
  const hub: HubContext = { store, blobs: new FileBlobStore(join(dir, 'blobs')), p, identity: { id: HUB, signer: hubSigner }, clock: () => Math.floor(Date.now() / 1000) + stack.hubClockShift };
  const hubServer = await listen(
    createHubApp(hub, { workstationOrigin: new URL(gatekeeperUrl).origin, accountLimit: { perSecond: 10_000, burst: 10_000 }, loginLimit: { perSecond: 10_000, burst: 10_000 }, onInternalError: (e) => console.error('hub internal error', e) }),
  );
  const built = serveWorkstation({ bundleDir, hub: hubServer.url, gatekeeper: gatekeeperUrl });
  const gkApp = gatekeeperApp(gk, logStorage, (e) => console.error('gatekeeper internal error', e));
  const app = new Hono();
  app.route('/workstation', built);
  app.all('*', (c) => gkApp.fetch(c.req.raw));
  mounted = app;
  const bundle = (await (await fetch(new URL('workstation/config.json', gatekeeperUrl))).json()) as { bundle: string };

  await registerLab(hub, { lab: LAB, signingKey: toBase64Url(gk.labSigner.publicKey) });
  await setVendor(gk, { vendor: HUB, hubKey: toBase64Url(hubSigner.publicKey), exposureBudget: 100_000 });
  const labSectionKey = await p.x25519FromSecret(new Uint8Array(32).fill(31));
  const resultKeys = new Map<string, X25519PrivateKey>();
  let batchNo = 0;

  closers.push(async () => {
    await gatekeeperServer.close();
    await hubServer.close();
    await gk.close();
    await witness.close();
    await database.close();
    await store.close();
  });

  return Object.assign(stack, {
    hubUrl: hubServer.url,
    gatekeeperUrl,
    appUrl: new URL('workstation/', gatekeeperUrl).href,
    hub,
    gk,
    async campaign(id: string, task: TaskType, items: unknown[], overrides: Partial<CampaignManifestBody> = {}) {
      const now = Math.floor(Date.now() / 1000);
      const resultKey = await p.x25519FromSecret(p.randomBytes(32));
      resultKeys.set(id, resultKey);
      const policy = 'b'.repeat(64);
      const body: CampaignManifestBody = {
        v: 1,
        lab: LAB,
        campaign: id,
        title: `${task} campaign`,
        task,
        policy,
        resultKey: toBase64Url(resultKey.publicKey),
        overlap: 1,
        leaseSeconds: 600,
        opens: now - 3600,
        closes: now + 30 * 86_400,
        gatekeeper: gatekeeperUrl,
        log: { vkey: gk.logKey.verifierKey, witnesses: [cosigner.verifierKey], quorum: 1 },
        workstation: bundle.bundle,
        ...overrides,
      };
      await setCampaign(gk, { campaign: id, policy, overlap: body.overlap, pacePerMinute: 1000, pacePerHour: 10_000, maxOutstanding: 1000, exposureBudget: 100_000, opens: body.opens, closes: body.closes });
      await putCampaign(hub, LAB, id, await signCampaignManifest(gk.labSigner, body), undefined);
      const batch = `batch-${++batchNo}`;
      const kek = await gk.keks.createBatch(batch, id);
      const upload = [];
      for (const [i, content] of items.entries()) {
        const sealed = await sealItem(p, { lab: LAB, dataset: 'ds', batch, item: `${id}-item-${i}`, campaign: id, policy, expires: now + 60 * 86_400, labSigner: gk.labSigner, kek }, utf8(JSON.stringify(content)));
        const head = await inspectItem(p, sealed);
        await registerItem(gk, head);
        upload.push({ sealed: toBase64Url(sealed), labSection: toBase64Url(await sealLabSection(p, labSectionKey.publicKey, head.digest, utf8('{}'))), gold: false });
      }
      for (let i = 0; i < upload.length; i += 50) await uploadItems(hub, LAB, id, { items: upload.slice(i, i + 50) });
    },
    async annotator(id: string) {
      const username = id.toLowerCase();
      await addAnnotator(hub, { id, username, password: PASSWORD });
      await addToRoster(hub, LAB, id);
      return { username, password: PASSWORD };
    },
    async approve(annotator: string) {
      const devices = (await devicesForLab(hub, LAB, undefined)).filter((d) => d.annotator === annotator && d.state === 'pending');
      for (const d of devices) {
        await decideDevice(hub, LAB, d.device, { state: 'approved' });
        const id = await importDevice(gk, { vendor: HUB, annotator, signing: d.signing, kex: d.kex });
        await approveDevice(gk, id);
      }
      return devices.length;
    },
    async suspendAtGatekeeper(annotator: string) {
      await suspend(gk, { kind: 'annotator', vendor: HUB, annotator });
    },
    async labels(campaign: string) {
      const page = await pullSubmissions(hub, LAB, campaign, {});
      const devices = await devicesForLab(hub, LAB, undefined);
      const out = [];
      for (const s of page.submissions) {
        const d = devices.find((x) => x.device === s.device)!;
        const { plaintext } = await openLabel(p, s.label, { signing: fromBase64Url(d.signing), kex: fromBase64Url(d.kex) }, resultKeys.get(campaign)!);
        out.push({ item: s.item, annotator: s.annotator, label: parseLabel(fromUtf8(plaintext)) });
      }
      return out;
    },
    async close() {
      for (const c of closers) await c();
      await rm(dir, { recursive: true, force: true });
    },
  });
}
