/**
 * `keyhole canary plant|fingerprint` and `keyhole trace`: wiring only; the
 * work is in src/lab (canary.ts, fingerprint-store.ts, trace.ts) and the
 * records come from the monitor's verified copy of the log (docs/MONITOR.md).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { fail } from '../core/errors.js';
import { parseJsonText } from '../core/schema.js';
import { plantCanaries } from '../lab/canary.js';
import { FingerprintStore } from '../lab/fingerprint-store.js';
import { formatTrace, traceLeak } from '../lab/trace.js';
import { MonitorStore } from '../monitor/store/monitor-store.js';

const DEFAULT_STORE = '.keyhole/fingerprints.sqlite';

async function readAll(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return fail('BAD_FORMAT', `cannot read ${what} from ${path}`);
  }
}

function withStore<T>(path: string, fn: (store: FingerprintStore) => T): T {
  const store = new FingerprintStore(path);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

export function registerCanaryCommands(program: Command): void {
  const canary = program.command('canary').description('Canary items: synthetic, invented content whose leak names its recipient');

  canary
    .command('plant')
    .description('Invent canary items for a campaign, fingerprint them in the lab store, and write them as JSONL {item, content} to send with the campaign')
    .requiredOption('--campaign <id>')
    .requiredOption('--out <file>', 'JSONL of the canary items (plaintext: seal them with the rest of the batch)')
    .option('--count <n>', 'how many', '10')
    .option('--id-prefix <prefix>', "make the ids look like the campaign's other item ids", 'item-')
    .option('--store <file>', "the lab's fingerprint store", DEFAULT_STORE)
    .action(async (o: { campaign: string; out: string; count: string; idPrefix: string; store: string }) => {
      const canaries = withStore(o.store, (store) => plantCanaries(store, { campaign: o.campaign, count: Number(o.count), idPrefix: o.idPrefix }));
      await writeFile(o.out, canaries.map((c) => `${JSON.stringify({ item: c.item, content: c.content })}\n`).join(''), { mode: 0o600, flag: 'wx' });
      console.error(`planted ${canaries.length} canaries for ${o.campaign}; items in ${o.out}`);
    });

  canary
    .command('fingerprint')
    .argument('<items.jsonl>', 'JSONL, one {item, content} per line: the items of a campaign as sent')
    .description('Fingerprint ordinary items too, so trace finds them in a leak')
    .requiredOption('--campaign <id>')
    .option('--store <file>', "the lab's fingerprint store", DEFAULT_STORE)
    .action(async (file: string, o: { campaign: string; store: string }) => {
      const items = (await readAll(file, 'the items'))
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((line, i) => {
          const v = parseJsonText(line, `line ${i + 1}`) as { item?: unknown; content?: unknown };
          if (typeof v.item !== 'string') fail('BAD_FORMAT', `line ${i + 1}: no "item" id`);
          return { campaign: o.campaign, item: v.item, content: v.content };
        });
      withStore(o.store, (store) => store.add(items));
      console.error(`fingerprinted ${items.length} items of ${o.campaign}`);
    });

  program
    .command('trace')
    .argument('<leaked-file>', 'the leaked dump: any text, JSONL or not')
    .description('Find canaries and fingerprinted items in a leaked dump, and who they were released to and when (from the log)')
    .option('--store <file>', "the lab's fingerprint store", DEFAULT_STORE)
    .option('--monitor-db <file>', "the monitor's SQLite state (its verified copy of the log)", '.keyhole/monitor.sqlite')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { store: string; monitorDb: string; json?: boolean }) => {
      const dump = await readAll(file, 'the leaked file');
      const records = new MonitorStore(o.monitorDb);
      try {
        const result = withStore(o.store, (store) => traceLeak(store, dump, (campaign, item) => records.releasesOf(campaign, item)));
        console.log(o.json ? JSON.stringify(result) : formatTrace(result));
      } finally {
        records.close();
      }
    });
}
