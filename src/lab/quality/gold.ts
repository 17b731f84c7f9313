/**
 * Gold answers: items whose right answer the lab knows, in the source
 * dataset's terms (the names un-blinded labels use, src/lab/collect.ts):
 * `{"item": ID, "preferred": "chosen"}` for a pair, `{"item": ID, "order":
 * ["reply-2", …]}` for a ranking (the best one is what counts). An entry may
 * name the dataset line instead of the item id (`"line": 12`), which is what
 * the lab knows before ingest made item ids. One JSON object per line.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { fail } from '../../core/errors.js';
import { parseJsonText, parseWith } from '../../core/schema.js';
import type { Ledger } from '../lab-store.js';

const GoldLine = z.union([
  z.object({ item: z.string().min(1).optional(), line: z.number().int().positive().optional(), preferred: z.string().min(1) }).strict(),
  z.object({ item: z.string().min(1).optional(), line: z.number().int().positive().optional(), order: z.array(z.string().min(1)).min(1) }).strict(),
]);

export type GoldAnswer = { readonly preferred: string } | { readonly order: readonly string[] };
/** Item id → its gold answer. */
export type GoldAnswers = ReadonlyMap<string, GoldAnswer>;

/** Reads a gold file against the ledger; an entry naming an item or line the campaign lacks is refused by its line. */
export async function readGoldAnswers(path: string, ledger: Ledger): Promise<GoldAnswers> {
  const byLine = new Map(ledger.items.map((i) => [i.line, i.item]));
  const items = new Set(ledger.items.map((i) => i.item));
  const out = new Map<string, GoldAnswer>();
  const lines = (await readFile(path, 'utf8')).split('\n');
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const where = `${path}:${i + 1}`;
    const entry = parseWith(GoldLine, parseJsonText(text, where), where);
    if (entry.item === undefined && entry.line === undefined) fail('BAD_FORMAT', `${where}: name the item ("item") or its dataset line ("line")`);
    const item = entry.item ?? byLine.get(entry.line!);
    if (item === undefined || !items.has(item)) fail('NOT_FOUND', `${where}: the campaign has no item ${entry.item ?? `from dataset line ${entry.line}`}`);
    out.set(item, 'preferred' in entry ? { preferred: entry.preferred } : { order: entry.order });
  });
  return out;
}
