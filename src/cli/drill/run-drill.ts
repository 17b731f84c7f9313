/**
 * `keyhole drill`: the 2026 vendor breach, replayed on a throwaway exchange
 * (issue 9). The attacker owns the vendor entirely: its database, blob store,
 * configuration, environment and output, its assignment-signing key, and one
 * annotator's device keys. Each phase measures what the attacker got and
 * what keyhole noticed; controls prove each measurement can see a success
 * (a canary and a word run planted inside the hub database's copy, in each
 * encoding, are found by the same search; a real DEK, KEK and result key
 * planted there are found by the candidate finder and open what they should).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { join } from 'node:path';
import { fromBase64Url, toBase64Url } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import { SealedLabel } from '../../core/label.js';
import { parseJsonText, parseWith } from '../../core/schema.js';
import { unwrapDek, inspectItem } from '../../core/sealed-item.js';
import { parseSlot } from '../../gatekeeper/keystore/keks.js';
import { setVendor } from '../../gatekeeper/registry.js';
import { unprovenRequests } from '../../gatekeeper/unproven-requests.js';
import { decodeAccessRecord, type AccessRecord } from '../../core/access-record.js';
import { readEntry } from '../../log/tile-reader.js';
import { labelsMissingAtHub } from '../../lab/reconcile.js';
import { auditLog } from '../../log/verify-log.js';
import { FileSystemStorage } from '../../log/fs-storage.js';
import { ed25519NoteVerifier } from '../../core/note.js';
import type { Alert } from '../../monitor/alerts/alert.js';
import { nodePrimitives as p } from '../../platform/node-primitives.js';
import { SdkAnnotator, type WorkResult } from '../../workstation/sdk/annotator.js';
import { botLabel } from '../demo/bots.js';
import { DataDirLayout, startExchange, type Exchange } from '../demo/exchange.js';
import { writeCanaryDataset } from './canary-dataset.js';
import type { DrillReport, TamperingCheck } from './drill-report.js';
import { rollBackQueue, rotateUnleasedItems, snapshotQueue, swapNewestLabels } from './hub-tampering.js';
import { keyCandidates, plantedKeyControl, tryKeys } from './key-trial.js';
import { plantedSearchControl, searchPlaintext, type SearchTarget } from './plaintext-search.js';
import { forgedRequestFlood, stolenDeviceAttack } from './stolen-device.js';
import { copyVendor, type CopiedFile } from './vendor-copy.js';
import { vendorMintedAttack } from './vendor-minted.js';

/** Catching up is no figure of the drill, only a guard against a hang: generous, for a loaded machine. */
const MONITOR_CATCH_UP_MS = 60_000;

/**
 * Waits until the monitor has verified every entry logged so far and has finished acting on what it
 * raised (alerts delivered, suspensions requested), so the report reads what it saw, not a guess of
 * how long it takes.
 */
async function monitorCaughtUp(x: Exchange): Promise<void> {
  const monitor = x.monitor;
  if (!monitor) return;
  const logged = x.gk.audit.size;
  const deadline = Date.now() + MONITOR_CATCH_UP_MS;
  while (monitor.verifiedSize < logged) {
    if (Date.now() > deadline) fail('UNAVAILABLE', `drill: the monitor verified ${monitor.verifiedSize} of ${logged} log entries in ${MONITOR_CATCH_UP_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await monitor.settled();
}

export interface DrillOptions {
  readonly bundleDir: string;
  readonly records: number;
  readonly db?: string;
  readonly blobs?: string;
  readonly s3Endpoint?: string;
  /** Keep the throwaway instance's directory (printed) instead of deleting it. */
  readonly keep?: boolean;
  /** Seconds the stolen-device attacker keeps going if nothing stops it. */
  readonly attackSeconds: number;
  readonly progress: (line: string) => void;
}

/**
 * The vendor's exposure budget for the drill: items it may have open at once. A release counts for
 * the campaign's minimum exposure window (15 min), which the whole drill fits in, so this covers the
 * honest work and the tampering phases too.
 */
const EXPOSURE_BUDGET = 40;
/** Forged release requests naming an honest annotator (issue 14 finding 1). */
const FORGED_REQUESTS = 500;

/** The log's records from index `from` on. */
async function logRecords(x: Exchange, logDir: string, from: number): Promise<AccessRecord[]> {
  const storage = new FileSystemStorage(logDir);
  const size = x.gk.audit.size;
  const out: AccessRecord[] = [];
  for (let i = from; i < size; i++) out.push(decodeAccessRecord(await readEntry(storage, i, size)));
  return out;
}

const namesSomeone = (r: AccessRecord): boolean => r.annotator !== undefined || r.deviceKeyHash !== undefined || r.item !== undefined || r.campaign !== undefined;
const HONEST_BOTS = 3;
const ITEMS_PER_HONEST_BOT = 3;

interface Bot {
  readonly id: string;
  readonly sdk: SdkAnnotator;
}

/**
 * A new honest annotator: a hub account, and a device the lab approves the way it does for this
 * vendor (issue 17): it puts the person on its own roster and delivers an invitation out of band,
 * which the workstation redeems at the gatekeeper once the device is registered at the hub.
 */
async function signInBot(ex: Exchange, id: string): Promise<Bot> {
  const login = await ex.addAnnotator(id);
  await ex.admin.rosterAdd(ex.vendor, id);
  const invitation = await ex.admin.invite(ex.vendor, id);
  const sdk = await SdkAnnotator.signIn({ hub: ex.urls.hub, gatekeeper: ex.urls.gatekeeper, username: login.username, password: login.password, primitives: p, invitation: invitation.code });
  return { id, sdk };
}

async function work(ex: Exchange, bot: Bot, max: number): Promise<WorkResult> {
  const [campaign] = (await bot.sdk.campaigns()).filter((c) => c.manifest.body.campaign === ex.campaign);
  if (campaign === undefined) throw new Error(`${bot.id} does not see campaign ${ex.campaign}`);
  return bot.sdk.work(campaign, (view, { item }) => botLabel(item, view, 0).label, { max });
}

/** Sealed items and labels as the vendor copy holds them: what the key trial works on. */
async function sealedAtHub(ex: Exchange) {
  const rows = await ex.hubDb.db.selectFrom('items').select('blob_key').where('campaign', '=', ex.campaign).execute();
  const items: Uint8Array[] = [];
  for (const r of rows) {
    const bytes = await ex.blobs.get(r.blob_key);
    if (bytes) items.push(bytes);
  }
  const labels = [];
  for (const s of await ex.hubDb.db.selectFrom('submissions').select(['label', 'device']).where('campaign', '=', ex.campaign).execute()) {
    const device = await ex.gatekeeperDb.db.selectFrom('devices').select(['signing_key', 'kex_key']).where('id', '=', s.device).executeTakeFirst();
    if (device) labels.push({ label: parseWith(SealedLabel, parseJsonText(s.label, 'label'), 'label'), device: { signing: fromBase64Url(device.signing_key), kex: fromBase64Url(device.kex_key) } });
  }
  return { items, labels };
}

export async function runDrill(o: DrillOptions): Promise<DrillReport> {
  const started = new Date();
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-drill-'));
  let output = '';
  const write = process.stderr.write.bind(process.stderr);
  // Everything the processes print is part of what the attacker copies.
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  let ex: Exchange | undefined;
  const pgSchemaPrefix = `drill_${Date.now().toString(36)}`;
  try {
    o.progress(`throwaway instance in ${dir}`);
    const dataset = await writeCanaryDataset(join(dir, 'canary-dataset.jsonl'), o.records);
    ex = await startExchange({
      dataDir: join(dir, 'instance'),
      dataset: dataset.path,
      format: 'trl-preference',
      bundleDir: o.bundleDir,
      ...(o.db ? { db: o.db, pgSchemaPrefix } : {}),
      ...(o.blobs ? { blobs: o.blobs } : {}),
      ...(o.s3Endpoint ? { s3Endpoint: o.s3Endpoint } : {}),
      humans: 0,
      pace: { perMinute: 10, perHour: 300 },
      monitor: { suspend: true, config: { defaultVendor: 'demo-vendor', rules: { velocity: { perMinute: 4, suspend: true }, 'denial-burst': { count: 5, windowSeconds: 60, suspend: true } } } },
    });
    const x = ex;
    await setVendor(x.gk, { vendor: x.vendor, hubKey: toBase64Url(x.hub.identity.signer.publicKey), exposureBudget: EXPOSURE_BUDGET });
    o.progress(`ingested ${x.ingest.sealed} items with canaries; vendor exposure budget ${EXPOSURE_BUDGET}`);
    // The lab approves this vendor's devices only by its own invitations (issue 17), never on the hub's word.
    await x.admin.setManualApproval(x.vendor, false);

    // Honest work first: the vendor's copy should hold labels and leases, not only items.
    const honest: Bot[] = [];
    for (let i = 1; i <= HONEST_BOTS; i++) honest.push(await signInBot(x, `drill-bot-${i}`));
    let labelled = 0;
    for (const bot of honest) labelled += (await work(x, bot, ITEMS_PER_HONEST_BOT)).submitted;
    const firstPull = await x.collect();
    o.progress(`${HONEST_BOTS} honest bots labelled ${labelled} items; the lab collected ${firstPull.accepted}`);
    const honestAlerts = x.alerts.length;

    // The vendor mints an annotator and devices and tries to get them approved and keyed; the control is an invited person.
    const invited = await signInBot(x, 'drill-invited');
    const invitedWork = await work(x, invited, 1);
    const resultKey = (await invited.sdk.campaigns()).find((c) => c.manifest.body.campaign === x.campaign)!.manifest.body.resultKey;
    const vendorMinted = await vendorMintedAttack({ p, x, realAnnotator: honest[2]!.id, resultKey, control: { device: invited.sdk.device.id, keysObtained: invitedWork.submitted } });
    o.progress(`vendor-minted devices: approved ${vendorMinted.vendorMintedDeviceApproved}, ${vendorMinted.keysObtained} keys in ${vendorMinted.devices.reduce((n, d) => n + d.requests, 0)} requests; control (invited): ${vendorMinted.control.keysObtained} key(s)`);

    const tampering: TamperingCheck[] = [];
    // Tampering 1: swap two sealed labels between submissions.
    const swapper = await signInBot(x, 'drill-bot-labels');
    const swapWork = await work(x, swapper, 2);
    const swapped = await swapNewestLabels(x.hubDb, x.lab, x.campaign);
    const pull = await x.collect();
    const refusedSwapped = pull.refused.filter((r) => swapped.includes(r.seq)).length;
    tampering.push({
      attack: 'swap sealed labels between two submissions',
      performed: `${swapWork.submitted} labels submitted, then their label columns exchanged`,
      detected: swapped.length === 2 && refusedSwapped === 2,
      by: `lab collect refused ${refusedSwapped} of ${swapped.length}: ${pull.refused[0]?.reason ?? 'no refusal'}`,
    });

    // Tampering 2: serve every unleased slot another item's ciphertext.
    const { rotated, restore } = await rotateUnleasedItems(x.hubDb, x.lab, x.campaign);
    const tricked = await signInBot(x, 'drill-bot-items');
    const trickedWork = await work(x, tricked, 1);
    await restore();
    const refusal = typeof trickedWork.stopped === 'object' ? trickedWork.stopped : undefined;
    tampering.push({
      attack: 'swap items between slots',
      performed: `${rotated} unleased items each pointed at another item's sealed bytes`,
      detected: rotated > 1 && trickedWork.submitted === 0 && refusal?.kind === 'item-invalid',
      by: `the workstation refused to show it (${refusal ? `${refusal.kind}: ${refusal.message}` : `stopped: ${String(trickedWork.stopped)}`})`,
    });

    // Tampering 3: roll the hub's queue back past two submitted labels.
    const snapshot = await snapshotQueue(x.hubDb, x.lab, x.campaign);
    const late = await signInBot(x, 'drill-bot-rollback');
    const lateWork = await work(x, late, 2);
    await rollBackQueue(x.hubDb, x.lab, x.campaign, snapshot);
    await x.collect();
    const missing = labelsMissingAtHub(await x.admin.receipts(x.campaign), await x.store.results());
    const rolledBack = missing.filter((m) => m.annotator === `${x.vendor}:${late.id}`).length;
    tampering.push({
      attack: 'roll the hub back past submitted labels',
      performed: `${lateWork.submitted} labels submitted, then the campaign's items, leases and submissions restored from a snapshot taken before them`,
      detected: lateWork.submitted > 0 && rolledBack === lateWork.submitted,
      by: `lab reconciliation: ${rolledBack} of ${lateWork.submitted} labels have a logged submit receipt but the hub no longer delivers them`,
    });

    // Forged requests: the vendor without a device frames an honest annotator, tripwires and all.
    const framed = honest[1]!;
    const floodFrom = x.gk.audit.size;
    const floodStart = Date.now();
    const flood = await forgedRequestFlood({ p, hub: x.hub, gatekeeperUrl: x.urls.gatekeeper, lab: x.lab, campaign: x.campaign, annotator: framed.id, deviceId: framed.sdk.device.id, count: FORGED_REQUESTS });
    await unprovenRequests(x.gk).flush();
    await monitorCaughtUp(x);
    const floodRecords = await logRecords(x, join(dir, 'instance', DataDirLayout.logDir), floodFrom);
    const framedRow = await x.gatekeeperDb.db.selectFrom('annotators').select('suspended_at').where('vendor', '=', x.vendor).where('annotator', '=', framed.id).executeTakeFirst();
    const forged = {
      sent: flood.sent,
      answers: flood.answers,
      granted: flood.granted,
      recordsAdded: floodRecords.length,
      recordsNamingPeople: floodRecords.filter(namesSomeone).length,
      alertsAgainstNamed: x.alerts.filter((a) => a.subject.annotator === `${x.vendor}:${framed.id}` && Date.parse(a.detectedAt) >= floodStart).length,
      namedSuspended: framedRow?.suspended_at != null,
    };
    o.progress(`forged requests: ${forged.sent} sent (${Object.entries(forged.answers).map(([k, n]) => `${k} ${n}`).join(', ')}); ${forged.recordsAdded} records, ${forged.recordsNamingPeople} naming anyone; ${forged.alertsAgainstNamed} alerts against ${framed.id}`);

    // The stolen device: the first honest bot's keys, with the hub's signing key to make assignments.
    const victim = honest[0]!;
    const attackStart = Date.now();
    const campaignInfo = (await victim.sdk.campaigns()).find((c) => c.manifest.body.campaign === x.campaign)!;
    const attack = await stolenDeviceAttack({
      p,
      hub: x.hub,
      gatekeeperUrl: x.urls.gatekeeper,
      lab: x.lab,
      campaign: x.campaign,
      annotator: victim.id,
      device: victim.sdk.device,
      labPublicKey: x.gk.labSigner.publicKey,
      resultKey: campaignInfo.manifest.body.resultKey,
      seconds: o.attackSeconds,
      leaseSeconds: 900,
      submit: true,
    });
    await monitorCaughtUp(x);
    const attackAlerts: Alert[] = x.alerts.slice(honestAlerts).filter((a) => a.subject.annotator === `${x.vendor}:${victim.id}` && Date.parse(a.detectedAt) >= attackStart);
    const firstAlert = attackAlerts[0];
    const suspension = attackAlerts.find((a) => a.suspension?.ok === true);
    o.progress(`monitor: verified ${x.monitor?.verifiedSize ?? 0} of ${x.gk.audit.size} entries, ${x.alerts.length} alerts (${[...new Set(x.alerts.map((a) => a.rule))].join(', ')})`);
    o.progress(`stolen device: ${attack.itemsDecrypted} items decrypted in ${attack.requests} requests; stopped by ${attack.stoppedBy}`);

    // The same with one-second leases and no submits, on a fresh annotator's device: if the gatekeeper
    // followed the vendor's expiry, nothing would stay open and only the pace limit would hold.
    const shortVictim = await signInBot(x, 'drill-bot-short');
    const shortStart = Date.now();
    const shortAttack = await stolenDeviceAttack({
      p,
      hub: x.hub,
      gatekeeperUrl: x.urls.gatekeeper,
      lab: x.lab,
      campaign: x.campaign,
      annotator: shortVictim.id,
      device: shortVictim.sdk.device,
      labPublicKey: x.gk.labSigner.publicKey,
      resultKey: campaignInfo.manifest.body.resultKey,
      seconds: o.attackSeconds,
      leaseSeconds: 1,
      submit: false,
      avoid: new Set(attack.itemsTaken),
    });
    await monitorCaughtUp(x);
    const shortAlerts = x.alerts.filter((a) => a.subject.annotator === `${x.vendor}:${shortVictim.id}` && Date.parse(a.detectedAt) >= shortStart);
    const limits = await x.gatekeeperDb.db.selectFrom('campaigns').select(['max_outstanding', 'min_exposure_seconds']).where('campaign', '=', x.campaign).executeTakeFirstOrThrow();
    o.progress(`stolen device, 1-second leases, no submits: ${shortAttack.itemsDecrypted} items decrypted in ${shortAttack.requests} requests (outstanding limit ${limits.max_outstanding}); stopped by ${shortAttack.stoppedBy}`);

    // The breach itself: copy everything the vendor holds, then search it and try every key in it.
    const copy = await copyVendor({
      dataDir: join(dir, 'instance'),
      database: o.db ? { kind: 'postgres', url: o.db, schema: `${pgSchemaPrefix}_hub` } : { kind: 'sqlite', files: [DataDirLayout.hubDb, `${DataDirLayout.hubDb}-wal`, `${DataDirLayout.hubDb}-shm`] },
      blobs: o.blobs?.startsWith('s3://') ? { kind: 's3', url: o.blobs, endpoint: o.s3Endpoint } : { kind: 'dir', path: o.blobs ?? join(dir, 'instance', DataDirLayout.blobs) },
      configFiles: [DataDirLayout.hubKey],
      environment: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'KEYHOLE_KEYSTORE_PASSPHRASE')),
      output,
    });
    const ledger = await x.store.requireLedger();
    const targets: SearchTarget[] = dataset.records.map((r) => {
      const minimized = ledger.items.find((i) => i.line === r.line);
      return { id: `line ${r.line}`, canary: r.canary, texts: [...r.texts, ...(minimized ? [JSON.stringify(minimized.content)] : [])] };
    });
    const search = searchPlaintext(copy, targets);
    // The controls plant into the hub's database as copied (SQLite file or pg_dump): where plaintext would most likely sit.
    const hubDatabase = copy.find((f) => f.source.startsWith('hub database'));
    if (!hubDatabase) fail('NOT_FOUND', "drill: the vendor copy holds no hub database file to plant the controls in");
    const control = plantedSearchControl(hubDatabase);
    o.progress(`searched ${copy.length} files (${search.bytes} bytes): ${search.canariesFound} canaries, ${search.recordsFound} records found`);

    const sealed = await sealedAtHub(x);
    const now = Math.floor(Date.now() / 1000);
    const candidates = keyCandidates(copy);
    const trial = await tryKeys(p, candidates, { ...sealed, labPublicKey: x.gk.labSigner.publicKey }, now);
    const probe = sealed.items[0]!;
    const head = await inspectItem(p, probe);
    const kek = await x.gk.keks.kek(parseSlot(JSON.stringify(head.slot)).kek);
    // The campaign's result key, under the name src/gatekeeper/keystore/secrets.ts keeps it.
    const resultSecret = await x.gk.secrets.get(`result:${x.campaign}`);
    const plant = { dek: await unwrapDek(p, kek, head), kek: kek.key, ...(resultSecret ? { resultSecret } : {}) };
    const trialControl = await plantedKeyControl(p, hubDatabase, plant, { items: [probe], labels: sealed.labels.slice(0, 1), labPublicKey: x.gk.labSigner.publicKey }, now);
    o.progress(`tried ${candidates.length} key-shaped values: ${trial.itemsOpened + trial.slotsUnwrapped + trial.labelsOpened} opened anything`);

    const logDir = join(dir, 'instance', DataDirLayout.logDir);
    const audit = await auditLog(p, new FileSystemStorage(logDir), await ed25519NoteVerifier(p, x.gk.logKey.verifierKey));
    const integrityAlerts = x.alerts.filter((a) => a.category === 'integrity').length;

    const report: DrillReport = {
      drill: 'vendor-breach',
      v: 1,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      instance: { db: o.db ? 'postgres' : 'sqlite', blobs: o.blobs?.startsWith('s3://') ? 's3' : 'directory', records: dataset.records.length, itemsSealed: x.ingest.sealed + x.ingest.alreadyIngested },
      honest: { bots: HONEST_BOTS, labelled, alerts: honestAlerts },
      copy: { files: search.files, bytes: search.bytes, sources: sourceSummary(copy) },
      plaintext: { canariesSearched: dataset.records.length, canariesFound: search.canariesFound, recordsSearched: search.records, ngramsSearched: search.ngrams, recordsFound: search.recordsFound, hits: search.hits, control },
      keys: { ...trial, decrypted: trial.itemsOpened + trial.slotsUnwrapped + trial.labelsOpened, control: trialControl },
      stolenDevice: {
        exposureBudget: EXPOSURE_BUDGET,
        itemsTargeted: attack.itemsTargeted,
        requests: attack.requests,
        itemsDecrypted: attack.itemsDecrypted,
        denials: attack.denials,
        stoppedBy: attack.stoppedBy,
        alerts: attackAlerts.map((a) => ({ rule: a.rule, latencyMs: a.latencyMs, suspended: a.suspension?.ok === true })),
        firstAlertAfterMs: firstAlert && attack.firstGrantMs !== undefined ? Date.parse(firstAlert.detectedAt) - attack.firstGrantMs : null,
        alertLatencyMs: firstAlert?.latencyMs ?? null,
        suspendedAfterMs: suspension && attack.firstGrantMs !== undefined ? Date.parse(suspension.detectedAt) - attack.firstGrantMs : null,
        refusedAfterSuspensionMs: attack.suspendedMs !== undefined && attack.firstGrantMs !== undefined ? attack.suspendedMs - attack.firstGrantMs : null,
        leaseSeconds: attack.leaseSeconds,
      },
      stolenDeviceShortLeases: {
        leaseSeconds: shortAttack.leaseSeconds,
        submitted: shortAttack.submitted,
        maxOutstanding: limits.max_outstanding,
        minExposureSeconds: limits.min_exposure_seconds,
        requests: shortAttack.requests,
        itemsDecrypted: shortAttack.itemsDecrypted,
        denials: shortAttack.denials,
        stoppedBy: shortAttack.stoppedBy,
        alerts: shortAlerts.map((a) => ({ rule: a.rule, latencyMs: a.latencyMs, suspended: a.suspension?.ok === true })),
      },
      forgedRequests: forged,
      vendorMinted,
      tampering,
      log: { size: audit.checkpoint.size, verified: true, integrityAlerts },
      verdict: { plaintextFound: search.canariesFound + search.recordsFound, itemsDecryptedWithoutDevice: trial.itemsOpened + trial.slotsUnwrapped + trial.labelsOpened, itemsDecryptedWithStolenDevice: attack.itemsDecrypted, withinExposureBudget: attack.itemsDecrypted <= EXPOSURE_BUDGET, undetectedTampering: tampering.filter((t) => !t.detected).length, shortLeasesWithinOutstanding: shortAttack.itemsDecrypted <= limits.max_outstanding, forgedRecordsNamingPeople: forged.recordsNamingPeople, forgedAlertsOrSuspensions: forged.alertsAgainstNamed + (forged.namedSuspended ? 1 : 0), controlsPassed: control.passed && trialControl.passed && vendorMinted.control.passed, vendorMintedDeviceApproved: vendorMinted.vendorMintedDeviceApproved, vendorMintedKeysObtained: vendorMinted.keysObtained, pass: false },
    };
    const v = report.verdict;
    report.verdict.pass = v.plaintextFound === 0 && v.itemsDecryptedWithoutDevice === 0 && v.withinExposureBudget && v.shortLeasesWithinOutstanding && v.forgedRecordsNamingPeople === 0 && v.forgedAlertsOrSuspensions === 0 && v.undetectedTampering === 0 && !v.vendorMintedDeviceApproved && v.vendorMintedKeysObtained === 0 && v.controlsPassed && attack.stoppedBy === 'suspended';
    return report;
  } finally {
    process.stderr.write = write;
    await ex?.close();
    if (o.keep) o.progress(`kept ${dir}`);
    else {
      await rm(dir, { recursive: true, force: true });
      if (o.db) await dropSchemas(o.db, [`${pgSchemaPrefix}_hub`, `${pgSchemaPrefix}_gatekeeper`]);
    }
  }
}

/** The throwaway instance's PostgreSQL schemas go with it. */
async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Counts of what was copied, by kind of source. */
function sourceSummary(copy: readonly CopiedFile[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of copy) {
    const kind = c.source.startsWith('blob') ? 'blob-store objects' : c.source.startsWith('hub database') ? 'database files' : c.source.startsWith('hub file') ? 'hub config and key files' : c.source;
    out[kind] = (out[kind] ?? 0) + 1;
  }
  return out;
}
