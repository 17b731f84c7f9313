/**
 * Ingest (DESIGN §3 step 1, §6 lab operations): dataset file → minimize by
 * the campaign's policy → seal each item under the batch KEK → register it at
 * the gatekeeper → upload to the hub, with its lab-only section sealed to the
 * lab's own key.
 *
 * The dataset is hostile input. A first pass minimizes every record without
 * keeping anything, to count and to find records that cannot be read (bad
 * JSON, wrong shape, invalid UTF-8, too large, no responses to compare):
 * those are reported by file:line with the field that failed and left out;
 * the rest go on. Records the policy drops or quarantines are counted.
 *
 * Keys stay in the gatekeeper (DESIGN §8): this process makes no key and
 * holds no signing key; it asks the gatekeeper's admin API for each item's
 * keys, encrypts the item itself, and uploads it back through the gatekeeper,
 * which registers it and forwards it to the vendor's hub.
 *
 * Resumable and idempotent: item ids are derived from the dataset's SHA-256
 * and the record's line under the campaign's ingest secret (opaque to the
 * vendor, stable across runs); the gatekeeper knows which items reached the
 * hub, and a chunk in flight is kept sealed in pending.json so a resumed
 * ingest uploads the same bytes again (the hub answers "exists").
 * Plaintext never leaves this process; nothing here logs content.
 */
import { createHash, createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { fromBase64Url, toBase64Url, utf8 } from '../core/bytes.js';
import { collect, once } from '../core/byte-reader.js';
import type { TaskType } from '../core/campaign-manifest.js';
import { canonicalJsonBytes } from '../core/canonical-json.js';
import { fail, KeyholeError } from '../core/errors.js';
import { sealLabSection } from '../core/lab-section.js';
import { parseJsonText } from '../core/schema.js';
import type { Primitives } from '../core/primitives.js';
import { sealWithKeys } from '../core/sealed-item.js';
import type { Conversation } from '../minimize/conversation.js';
import { activeDetectors } from '../minimize/detectors/registry.js';
import { MinimizeError } from '../minimize/errors.js';
import { detectFormat, formatByName } from '../minimize/formats/registry.js';
import type { RecordFormat } from '../minimize/formats/record-format.js';
import type { LabOnlySection } from '../minimize/lab-only.js';
import { readLines } from '../minimize/line-reader.js';
import { minimizeRecord, type MinimizeContext } from '../minimize/minimize-record.js';
import { policySchema, type Policy, type TaskType as PolicyTask } from '../minimize/policy-schema.js';
import { Pseudonymizer } from '../minimize/pseudonymizer.js';
import { DetectorFailure } from '../minimize/scrub-text.js';
import { parseItemContent, taskView } from '../core/item-content.js';
import type { GatekeeperAdminClient } from './admin-client.js';
import type { CampaignStore, LedgerItem } from './lab-store.js';

/** Items per upload request and per ledger write. */
const CHUNK = 64;
/** How many record failures an ingest error lists before "and N more". */
const LISTED_FAILURES = 5;

const POLICY_TASK: Record<TaskType, PolicyTask> = { pairwise: 'preference', ranking: 'ranking', rubric: 'rating', 'sft-rewrite': 'review', 'safety-flags': 'review' };

/** The built-in policy for a campaign's task: conversation only, blinded, every detector pseudonymizing. */
export function defaultPolicy(task: TaskType, campaign: string, vendor: string): Policy {
  return policySchema.parse({ version: 1, task: POLICY_TASK[task], keep: ['conversation'], pseudonyms: { campaign, vendor } });
}

/** The task a dataset format naturally asks for: trees are ranked, single chats rated, pairs compared. */
export function taskForFormat(format: string): TaskType {
  if (format === 'oasst') return 'ranking';
  if (format === 'openai-chat') return 'rubric';
  return 'pairwise';
}

/** The policy's identity in headers and manifests: SHA-256 of its RFC 8785 JSON. */
export function policyHash(policy: Policy): string {
  return createHash('sha256').update(canonicalJsonBytes(policy)).digest('hex');
}

export interface IngestOptions {
  readonly p: Primitives;
  /** The lab's gatekeeper, through its admin API: keys, registration and the upload to the hub. */
  readonly admin: GatekeeperAdminClient;
  readonly store: CampaignStore;
  readonly dataset: string;
  /** A format name from src/minimize/formats, or "auto". */
  readonly format: string;
  readonly task: TaskType;
  readonly policy: Policy;
  /** The batch this ingest seals into (created at the gatekeeper if new). */
  readonly batch: string;
  /** Unix seconds after which items must not be opened. */
  readonly expires: number;
  readonly onProgress?: (p: IngestProgress) => void;
}

export interface IngestReport {
  readonly dataset: string;
  readonly format: string;
  readonly records: number;
  /** Items sealed and uploaded by this run. */
  readonly sealed: number;
  /** Items an earlier run had already ingested. */
  readonly alreadyIngested: number;
  readonly dropped: number;
  readonly quarantined: number;
  /** Records that could not be read and were left out (the rest went on), and the first few as file:line: reason. */
  readonly failed: number;
  readonly failures: readonly string[];
  /** Personal data and secrets replaced, by entity type. */
  readonly entities: Record<string, number>;
}

interface Minimized {
  readonly line: number;
  readonly content: Conversation;
  readonly labOnly: LabOnlySection;
}

interface Pass {
  format: RecordFormat | undefined;
  records: number;
  dropped: number;
  quarantined: number;
  entities: Record<string, number>;
  failures: string[];
  failed: number;
}

/** Reads every record through the policy; calls `emit` for each one that is to be sealed. */
async function minimizeDataset(o: IngestOptions, pseudonymizer: Pseudonymizer, emit: ((m: Minimized) => Promise<void>) | undefined): Promise<Pass> {
  const detectors = activeDetectors(o.policy);
  const mapping = o.policy.input.generic;
  const pass: Pass = { format: o.format === 'auto' ? undefined : formatByName(o.format, mapping), records: 0, dropped: 0, quarantined: 0, entities: {}, failures: [], failed: 0 };
  const failure = (line: number, reason: string): void => {
    pass.failed++;
    if (pass.failures.length < LISTED_FAILURES) pass.failures.push(`${o.dataset}:${line}: ${reason}`);
  };
  for await (const line of readLines(o.dataset, o.policy.limits.maxRecordBytes)) {
    if (line.kind === 'oversized') {
      pass.records++;
      failure(line.line, `record is larger than ${o.policy.limits.maxRecordBytes} bytes`);
      continue;
    }
    if (line.kind !== 'text') {
      pass.records++;
      failure(line.line, 'line is not valid UTF-8');
      continue;
    }
    if (line.text.trim() === '') continue;
    pass.records++;
    let record: unknown;
    try {
      record = parseJsonText(line.text, `line ${line.line}`);
    } catch {
      failure(line.line, 'not valid JSON');
      continue;
    }
    try {
      pass.format ??= detectFormat(record, mapping);
      const context: MinimizeContext = { policy: o.policy, format: pass.format, detectors, pseudonymizer, sourceFile: resolve(o.dataset) };
      const outcome = minimizeRecord(record, line.line, context);
      for (const [k, n] of outcome.entities) pass.entities[k] = (pass.entities[k] ?? 0) + n;
      if (outcome.kind === 'dropped') pass.dropped++;
      else if (outcome.kind === 'quarantined') pass.quarantined++;
      if (outcome.kind === 'emitted') {
        // The workstation receives the canonical model: read the minimized record back through its own adapter.
        const content = pass.format.read(outcome.record);
        // Refuse now what no annotator could label: an item that does not render as this task.
        taskView(o.task, parseItemContent(utf8(JSON.stringify(content))));
        if (emit !== undefined) await emit({ line: line.line, content, labOnly: outcome.labOnly });
      }
    } catch (err) {
      if (err instanceof DetectorFailure) failure(line.line, `detector ${err.detectorId} failed on this record`);
      else if (err instanceof MinimizeError) failure(line.line, err.message);
      else if (err instanceof KeyholeError && err.code === 'BAD_FORMAT') failure(line.line, `cannot be a ${o.task} item: ${err.message.replace(/ Skip it as a broken item\.$/, '')}`);
      else throw err;
    }
  }
  return pass;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Item ids: opaque to the vendor, stable across runs of the same file (so a rerun resumes), distinct across files. */
function itemIdFor(secret: Uint8Array, datasetSha256: string, line: number): string {
  return `it-${createHmac('sha256', secret).update(`keyhole/v1 item-id\u0000${datasetSha256}\u0000${line}`).digest('hex').slice(0, 24)}`;
}

export interface IngestProgress {
  readonly done: number;
  readonly total: number;
  readonly sealed: number;
}

/**
 * Runs an ingest against a running gatekeeper (admin API) and, through it,
 * the vendor's hub. Per chunk of CHUNK records: item keys from the gatekeeper
 * (items it reports uploaded are skipped: a rerun resumes), seal here, keep
 * the sealed chunk in pending.json, upload through the gatekeeper, append to
 * the ledger, drop pending.json. Killed anywhere, a rerun replays
 * pending.json first and then goes on: nothing is sealed twice into the hub
 * and nothing is left that the hub holds but the gatekeeper does not know.
 */
export async function ingestDataset(o: IngestOptions): Promise<IngestReport> {
  const { admin, store, p } = o;
  const campaign = store.campaign;
  const facts = await admin.facts();
  const secret = fromBase64Url(await admin.ingestSecret(campaign), 'ingest secret');
  const pseudonymizer = new Pseudonymizer(secret, o.policy.pseudonyms.campaign, o.policy.pseudonyms.vendor);

  const check = await minimizeDataset(o, pseudonymizer, undefined);
  if (check.records === 0) fail('TRUNCATED', `${o.dataset}: no records (the file is empty or only blank lines)`);
  if (check.failed === check.records) fail('BAD_FORMAT', `${o.dataset}: none of its ${check.records} records can be ingested:\n  ${check.failures.join('\n  ')}`);

  const datasetSha256 = await fileSha256(o.dataset);
  await store.writeLedgerMeta({ v: 1, campaign, dataset: resolve(o.dataset), datasetSha256 });

  const commit = async (entries: ReadonlyArray<{ ledger: LedgerItem; sealed: string }>): Promise<void> => {
    if (entries.length === 0) return;
    await store.writePending({ v: 1, entries: [...entries] });
    await admin.upload(campaign, entries.map((e) => ({ sealed: e.sealed, labSection: e.ledger.labSection })));
    await store.appendLedger(entries.map((e) => e.ledger));
    await store.clearPending();
  };
  const resumed = await store.pending();
  if (resumed !== undefined) await commit(resumed.entries);

  const labSectionKey = fromBase64Url(facts.labSectionKey, 'lab section key');
  const policy = policyHash(o.policy);
  const emitted = check.records - check.dropped - check.quarantined - check.failed;
  let done = 0;
  let sealed = 0;
  let alreadyIngested = 0;
  let chunk: Minimized[] = [];
  const flush = async (): Promise<void> => {
    const batch = chunk;
    chunk = [];
    if (batch.length === 0) return;
    const plain = batch.map((m) => ({ m, item: itemIdFor(secret, datasetSha256, m.line), bytes: utf8(JSON.stringify(m.content)) }));
    const keys = await admin.itemKeys(campaign, { batch: o.batch, dataset: campaign, policy, expires: o.expires, items: plain.map((x) => ({ item: x.item, size: x.bytes.length })) });
    const byItem = new Map(keys.map((k) => [k.item, k]));
    const entries: { ledger: LedgerItem; sealed: string }[] = [];
    for (const x of plain) {
      const k = byItem.get(x.item);
      if (k === undefined) fail('MISMATCH', `the gatekeeper issued no keys for item ${x.item}`);
      if (k.status === 'uploaded') {
        alreadyIngested++;
        continue;
      }
      const issued = { headerBytes: fromBase64Url(k.header, 'header'), signature: fromBase64Url(k.signature, 'signature'), slot: k.slot, dek: fromBase64Url(k.dek, 'dek') };
      const bytes = await collect(sealWithKeys(p, issued, once(x.bytes), x.bytes.length));
      issued.dek.fill(0);
      const digest = await p.sha256(issued.headerBytes);
      const labSection = await sealLabSection(p, labSectionKey, digest, utf8(JSON.stringify(x.m.labOnly)));
      entries.push({
        ledger: { item: x.item, digest: toBase64Url(digest), batch: o.batch, line: x.m.line, content: x.m.content as unknown as Record<string, unknown>, labSection: toBase64Url(labSection) },
        sealed: toBase64Url(bytes),
      });
      sealed++;
    }
    await commit(entries);
    done += batch.length;
    o.onProgress?.({ done, total: emitted, sealed });
  };
  await minimizeDataset(o, pseudonymizer, async (m) => {
    chunk.push(m);
    if (chunk.length >= CHUNK) await flush();
  });
  await flush();
  return {
    dataset: o.dataset,
    format: check.format?.name ?? o.format,
    records: check.records,
    sealed,
    alreadyIngested,
    dropped: check.dropped,
    quarantined: check.quarantined,
    failed: check.failed,
    failures: check.failures,
    entities: check.entities,
  };
}
