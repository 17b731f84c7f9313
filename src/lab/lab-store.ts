/**
 * The lab's own records of a campaign, kept on the lab's side (DESIGN §3
 * steps 1 and 5), as files under one directory per campaign:
 *
 *   ingest.json   which dataset file (path, SHA-256) was ingested last
 *   items.jsonl   the ingest ledger, one line per item sealed and acknowledged
 *                 by the hub, appended (never rewritten) so memory and writes
 *                 stay flat whatever the campaign's size: digest, the
 *                 minimized content the annotators see, and the lab-only
 *                 section (still sealed to the lab's key). A line written
 *                 twice by a resumed ingest is read once (last wins).
 *   pending.json  one chunk of sealed items between "sealed" and "the hub has
 *                 them": a resumed ingest uploads it again (idempotent at the
 *                 hub) instead of sealing anew under a different digest
 *   results.json  collected labels, opened and un-blinded, the refused ones
 *                 with their reason, and the submission cursor
 *
 * Every other write replaces a whole file atomically (temp, fsync, rename), so
 * a crash leaves the old state or the new one, never a torn file; an append
 * torn by a crash leaves a last line without its newline, which is ignored
 * and cut off before the next append (its items are still in pending.json and
 * are appended again). Files are
 * parsed with zod on read: a hand-edited or damaged file is refused by name.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { z } from 'zod';
import { fail } from '../core/errors.js';
import { Identifier, parseJsonText, parseWith } from '../core/schema.js';
import { writeFileAtomic } from '../storage/atomic-file.js';

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

const LedgerMeta = z
  .object({
    v: z.literal(1),
    campaign: Identifier,
    /** Absolute path and SHA-256 (hex) of the dataset file last ingested. */
    dataset: z.string(),
    datasetSha256: z.string(),
  })
  .strict();
export type LedgerMeta = z.infer<typeof LedgerMeta>;
export type Ledger = LedgerMeta & { items: LedgerItem[] };

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

/** Cuts a last line that a crash left without its newline. */
async function dropTornTail(handle: import('node:fs/promises').FileHandle): Promise<void> {
  const { size } = await handle.stat();
  if (size === 0) return;
  const tail = Buffer.alloc(Math.min(size, 1 << 20));
  await handle.read(tail, 0, tail.length, size - tail.length);
  if (tail[tail.length - 1] === 0x0a) return;
  const lastNewline = tail.lastIndexOf(0x0a);
  await handle.truncate(lastNewline < 0 ? size - tail.length : size - tail.length + lastNewline + 1);
}

export class CampaignStore {
  readonly dir: string;

  constructor(labDir: string, readonly campaign: string) {
    this.dir = join(labDir, 'campaigns', parseWith(Identifier, campaign, 'campaign id'));
  }

  private read<S extends z.ZodType>(name: string, schema: S): Promise<z.infer<S> | undefined> {
    return readJsonFile(join(this.dir, name), schema);
  }

  private get itemsFile(): string {
    return join(this.dir, 'items.jsonl');
  }

  /** Every ledger item, in ingest order, each item once (last line wins). */
  async *ledgerItems(): AsyncGenerator<LedgerItem> {
    let text: AsyncIterable<string>;
    try {
      await readFile(join(this.dir, 'ingest.json'));
      text = createInterface({ input: createReadStream(this.itemsFile, 'utf8'), crlfDelay: Infinity });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const seen = new Map<string, LedgerItem>();
    let line = 0;
    try {
      for await (const row of text) {
        line++;
        if (row === '') continue;
        const item = parseWith(LedgerItem, parseJsonText(row, `${this.itemsFile}:${line}`), `${this.itemsFile}:${line}`);
        seen.set(item.item, item);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    yield* seen.values();
  }

  async ledger(): Promise<Ledger | undefined> {
    const meta = await this.read('ingest.json', LedgerMeta);
    if (meta === undefined) return undefined;
    const items: LedgerItem[] = [];
    for await (const item of this.ledgerItems()) items.push(item);
    return { ...meta, items };
  }

  /** The ledger, or a NOT_FOUND error that says how to make one. */
  async requireLedger(): Promise<Ledger> {
    const ledger = await this.ledger();
    if (ledger === undefined) fail('NOT_FOUND', `campaign ${this.campaign} has no ingested items in ${this.dir}; ingest a dataset first (keyhole ingest FILE --campaign ${this.campaign})`);
    return ledger;
  }

  /** Records which dataset an ingest reads. */
  async writeLedgerMeta(meta: LedgerMeta): Promise<void> {
    await writeFileAtomic(join(this.dir, 'ingest.json'), JSON.stringify(parseWith(LedgerMeta, meta, 'ledger meta')));
  }

  /** Appends acknowledged items to the ledger and makes them durable (fsync) before returning. */
  async appendLedger(items: readonly LedgerItem[]): Promise<void> {
    if (items.length === 0) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const handle = await open(this.itemsFile, 'a+', 0o600);
    try {
      await dropTornTail(handle);
      await handle.appendFile(items.map((i) => `${JSON.stringify(i)}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Replaces the whole ledger (tests and tools that build one). */
  async writeLedger(ledger: Ledger): Promise<void> {
    const { items, ...meta } = ledger;
    await rm(this.itemsFile, { force: true });
    await this.appendLedger(items);
    await this.writeLedgerMeta(meta);
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
