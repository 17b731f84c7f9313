/**
 * Ingest (DESIGN §3 step 1, §6 lab operations): dataset file → minimize by
 * the campaign's policy → seal each item under the batch KEK → register it at
 * the gatekeeper → upload to the hub, with its lab-only section sealed to the
 * lab's own key.
 *
 * The dataset is hostile input. A first pass minimizes every record without
 * keeping anything: if any record cannot be read (bad JSON, wrong shape,
 * invalid UTF-8, too large, no responses to compare), ingest stops before
 * anything is sealed, with file:line and the field that failed. Records the
 * policy drops or quarantines are counted, not errors.
 *
 * Resumable and idempotent: item ids are derived from the campaign and the
 * record's line under a lab secret (opaque to the vendor, stable across
 * runs); the ledger (lab-store.ts) lists what the hub has acknowledged, and a
 * chunk in flight is kept sealed in pending.json so a resumed ingest uploads
 * the same bytes again (the hub answers "exists") instead of sealing anew.
 * Plaintext never leaves this process; nothing here logs content.
 */
import { createHash, createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { toBase64Url, utf8 } from '../core/bytes.js';
import type { TaskType } from '../core/campaign-manifest.js';
import { canonicalJsonBytes } from '../core/canonical-json.js';
import { fail, KeyholeError } from '../core/errors.js';
import { sealLabSection } from '../core/lab-section.js';
import { parseJsonText } from '../core/schema.js';
import { inspectItem, sealItem } from '../core/sealed-item.js';
import { seconds, type GatekeeperContext } from '../gatekeeper/context.js';
import { registerItem } from '../gatekeeper/registry.js';
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
import type { HubLabClient } from './hub-lab-client.js';
import type { CampaignStore, LedgerItem } from './lab-store.js';

/** Secret for surrogates and item ids, kept wrapped under the root key with the lab's other secrets. */
export const PSEUDONYM_SECRET = 'pseudonym-secret';
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
  readonly gk: GatekeeperContext;
  readonly hub: HubLabClient;
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

function itemIdFor(secret: Uint8Array, campaign: string, line: number): string {
  return `it-${createHmac('sha256', secret).update(`keyhole/v1 item-id\u0000${campaign}\u0000${line}`).digest('hex').slice(0, 24)}`;
}

export async function ingestDataset(o: IngestOptions): Promise<IngestReport> {
  const { gk, store } = o;
  const now = seconds(gk.now());
  const secret = await gk.secrets.getOrCreate(PSEUDONYM_SECRET, () => gk.p.randomBytes(32), now);
  const pseudonymizer = new Pseudonymizer(secret, o.policy.pseudonyms.campaign, o.policy.pseudonyms.vendor);

  const check = await minimizeDataset(o, pseudonymizer, undefined);
  if (check.records === 0) fail('TRUNCATED', `${o.dataset}: no records (the file is empty or only blank lines)`);
  if (check.failed > 0) {
    const more = check.failed > check.failures.length ? `\n  … and ${check.failed - check.failures.length} more` : '';
    fail('BAD_FORMAT', `${o.dataset}: ${check.failed} of ${check.records} records cannot be ingested; nothing was sealed or uploaded:\n  ${check.failures.join('\n  ')}${more}`);
  }

  const datasetSha256 = await fileSha256(o.dataset);
  const ledger = (await store.ledger()) ?? { v: 1 as const, campaign: store.campaign, dataset: resolve(o.dataset), datasetSha256, items: [] };
  if (ledger.dataset !== resolve(o.dataset)) fail('CONFLICT', `campaign ${store.campaign} was ingested from ${ledger.dataset}, not ${resolve(o.dataset)}; use another campaign id (or data directory)`);
  if (ledger.datasetSha256 !== datasetSha256) fail('CONFLICT', `${o.dataset} changed since campaign ${store.campaign} was ingested from it; use another campaign id (or data directory) for the new contents`);
  const done = new Set(ledger.items.map((i) => i.item));

  const commit = async (entries: ReadonlyArray<{ ledger: LedgerItem; sealed: string }>): Promise<void> => {
    await store.writePending({ v: 1, entries: [...entries] });
    await o.hub.upload(store.campaign, entries.map((e) => ({ sealed: e.sealed, labSection: e.ledger.labSection, gold: false })));
    for (const e of entries) if (!done.has(e.ledger.item)) {
      ledger.items.push(e.ledger);
      done.add(e.ledger.item);
    }
    await store.writeLedger(ledger);
    await store.clearPending();
  };

  const resumed = await store.pending();
  if (resumed !== undefined) await commit(resumed.entries);
  const alreadyIngested = done.size;

  const labSectionKey = await gk.secrets.labSectionKey(now);
  const batch = await gk.db.selectFrom('batches').select(['campaign', 'state']).where('batch', '=', o.batch).executeTakeFirst();
  if (batch !== undefined && batch.campaign !== store.campaign) fail('CONFLICT', `batch ${o.batch} belongs to campaign ${batch.campaign}`);
  const kek = batch === undefined ? await gk.keks.createBatch(o.batch, store.campaign) : await gk.keks.currentKek(o.batch);

  let chunk: { ledger: LedgerItem; sealed: string }[] = [];
  let sealed = 0;
  await minimizeDataset(o, pseudonymizer, async (m) => {
    const item = itemIdFor(secret, store.campaign, m.line);
    if (done.has(item)) return;
    const content = m.content;
    const bytes = await sealItem(
      gk.p,
      { lab: gk.lab, dataset: store.campaign, batch: o.batch, item, campaign: store.campaign, policy: policyHash(o.policy), expires: o.expires, labSigner: gk.labSigner, kek },
      utf8(JSON.stringify(content)),
    );
    const head = await inspectItem(gk.p, bytes);
    await registerItem(gk, head);
    const labSection = await sealLabSection(gk.p, labSectionKey.publicKey, head.digest, utf8(JSON.stringify(m.labOnly)));
    chunk.push({
      ledger: { item, digest: toBase64Url(head.digest), batch: o.batch, line: m.line, content: content as unknown as Record<string, unknown>, labSection: toBase64Url(labSection) },
      sealed: toBase64Url(bytes),
    });
    sealed++;
    if (chunk.length >= CHUNK) {
      await commit(chunk);
      chunk = [];
    }
  });
  if (chunk.length > 0) await commit(chunk);
  return {
    dataset: o.dataset,
    format: check.format?.name ?? o.format,
    records: check.records,
    sealed,
    alreadyIngested,
    dropped: check.dropped,
    quarantined: check.quarantined,
    entities: check.entities,
  };
}
