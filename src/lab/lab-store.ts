/**
 * The lab's own records of a campaign, kept on the lab's side (DESIGN §3
 * steps 1 and 5), as files under one directory per campaign:
 *
 *   items.json    the ingest ledger: every item sealed and acknowledged by the
 *                 hub, with its digest, the minimized content the annotators
 *                 see and its lab-only section (still sealed to the lab's key)
 *   pending.json  one chunk of sealed items between "sealed" and "the hub has
 *                 them": a resumed ingest uploads it again (idempotent at the
 *                 hub) instead of sealing anew under a different digest
 *   results.json  collected labels, opened and un-blinded, the refused ones
 *                 with their reason, and the submission cursor
 *
 * Every write replaces a whole file atomically (temp, fsync, rename), so a
 * crash leaves the old state or the new one, never a torn file. Files are
 * parsed with zod on read: a hand-edited or damaged file is refused by name.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fail } from '../core/errors.js';
import { Identifier, parseJsonText, parseWith } from '../core/schema.js';
import { writeFileAtomic } from '../gatekeeper/keystore/atomic-file.js';

export const LedgerItem = z
  .object({
    item: Identifier,
    /** base64url SHA-256 of the sealed item's header: its identity in assignments and labels. */
    digest: z.string(),
    batch: Identifier,
    /** Line of the dataset file the item came from. */
    line: z.number().int().positive(),
    /** The minimized item exactly as sealed (canonical conversation model, blinded). */
    content: z.record(z.string(), z.unknown()),
    /** base64url lab-only section (source, A/B mapping, pseudonym table), sealed to the lab-section key. */
    labSection: z.string(),
  })
  .strict();
export type LedgerItem = z.infer<typeof LedgerItem>;

const Ledger = z
  .object({
    v: z.literal(1),
    campaign: Identifier,
    /** Absolute path and SHA-256 (hex) of the dataset file: a resumed ingest must read the same bytes. */
    dataset: z.string(),
    datasetSha256: z.string(),
    items: z.array(LedgerItem),
  })
  .strict();
export type Ledger = z.infer<typeof Ledger>;

const Pending = z.object({ v: z.literal(1), entries: z.array(z.object({ ledger: LedgerItem, sealed: z.string() }).strict()) }).strict();
export type Pending = z.infer<typeof Pending>;

/** What the lab read out of one label: verified, opened, un-blinded. */
export const AcceptedLabel = z
  .object({
    seq: z.number().int(),
    item: Identifier,
    lease: Identifier,
    /** As the audit log names annotators: "<vendor>:<hub annotator id>", a pseudonym. */
    annotator: z.string(),
    device: z.string(),
    stage: z.enum(['annotate', 'review']),
    submitted: z.number().int(),
    /** The label plaintext (src/workstation/labels.ts), in blinded positions. */
    label: z.record(z.string(), z.unknown()),
    /**
     * The answer in the source dataset's terms: for a pair, the original label of the preferred
     * response ("chosen", "rejected", …) or "tie"; for a ranking, original labels (or original
     * sibling positions) best first.
     */
    unblinded: z.union([z.object({ preferred: z.string() }).strict(), z.object({ order: z.array(z.string()) }).strict(), z.object({}).strict()]),
  })
  .strict();
export type AcceptedLabel = z.infer<typeof AcceptedLabel>;

export const RefusedLabel = z.object({ seq: z.number().int(), item: z.string(), annotator: z.string(), reason: z.string() }).strict();
export type RefusedLabel = z.infer<typeof RefusedLabel>;

const Results = z.object({ v: z.literal(1), cursor: z.number().int().min(0), accepted: z.array(AcceptedLabel), refused: z.array(RefusedLabel) }).strict();
export type Results = z.infer<typeof Results>;

/** A lab file parsed by its schema, or undefined when it does not exist; a damaged file is refused by name. */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseWith(schema, parseJsonText(text, path), path);
}

export class CampaignStore {
  readonly dir: string;

  constructor(labDir: string, readonly campaign: string) {
    this.dir = join(labDir, 'campaigns', parseWith(Identifier, campaign, 'campaign id'));
  }

  private read<S extends z.ZodType>(name: string, schema: S): Promise<z.infer<S> | undefined> {
    return readJsonFile(join(this.dir, name), schema);
  }

  async ledger(): Promise<Ledger | undefined> {
    return this.read('items.json', Ledger);
  }

  /** The ledger, or a NOT_FOUND error that says how to make one. */
  async requireLedger(): Promise<Ledger> {
    const ledger = await this.ledger();
    if (ledger === undefined) fail('NOT_FOUND', `campaign ${this.campaign} has no ingested items in ${this.dir}; ingest a dataset first (keyhole demo does)`);
    return ledger;
  }

  async writeLedger(ledger: Ledger): Promise<void> {
    await writeFileAtomic(join(this.dir, 'items.json'), JSON.stringify(ledger));
  }

  async pending(): Promise<Pending | undefined> {
    return this.read('pending.json', Pending);
  }

  async writePending(pending: Pending): Promise<void> {
    await writeFileAtomic(join(this.dir, 'pending.json'), JSON.stringify(pending));
  }

  async clearPending(): Promise<void> {
    await rm(join(this.dir, 'pending.json'), { force: true });
  }

  async results(): Promise<Results> {
    return (await this.read('results.json', Results)) ?? { v: 1, cursor: 0, accepted: [], refused: [] };
  }

  async writeResults(results: Results): Promise<void> {
    await writeFileAtomic(join(this.dir, 'results.json'), JSON.stringify(results));
  }
}
