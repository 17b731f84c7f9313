/**
 * `keyhole demo` (= `npm start`): the whole exchange on this machine
 * (DESIGN §8) through startExchange, with the synthetic dataset shipped in
 * demo/data unless --dataset names another. Prints where everything is and a
 * ready annotator login; with --bots, simulated annotators work the queue and
 * the lab collects; with --exit-after-bots it then prints a summary and ends.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { fail } from '../core/errors.js';
import type { Alert } from '../monitor/alerts/alert.js';
import { runBots } from './demo/bots.js';
import { startExchange, type Exchange } from './demo/exchange.js';
import { formatCollectReport, registerLabCommands } from './lab-commands.js';

/** Package root from dist/cli or src/cli alike. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEMO_DATASET = `${ROOT}demo/data/conversations.jsonl`;
/** Where `npm run prepare` builds the workstation app (vite, SRI, bundle hash). */
export const WORKSTATION_BUNDLE = `${ROOT}dist/workstation-app`;

interface DemoFlags {
  dataDir: string;
  dataset?: string;
  format: string;
  bots?: string;
  exitAfterBots?: boolean;
  db?: string;
  blobs?: string;
  port: string;
  overlap?: string;
  workstation: string;
}

function count(value: string | undefined, what: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail('BAD_FORMAT', `${what} must be a whole number of at least ${min}, not "${value}"`);
  return n;
}

function entitySummary(entities: Record<string, number>): string {
  const byType = new Map<string, number>();
  for (const [k, n] of Object.entries(entities)) byType.set(k.split('/')[0]!, (byType.get(k.split('/')[0]!) ?? 0) + n);
  return [...byType.entries()].map(([t, n]) => `${n} ${t}`).join(', ') || 'nothing';
}

function banner(ex: Exchange, dataDir: string): string {
  const i = ex.ingest;
  const login = ex.logins[0];
  return [
    `keyhole demo: lab, vendor, witness and monitor on this machine; state in ${dataDir}`,
    `  ingested ${i.dataset} (${i.format}): ${i.records} records, ${i.sealed} sealed now, ${i.alreadyIngested} from an earlier run, ${i.dropped + i.quarantined} held back by policy`,
    `  minimization replaced ${entitySummary(i.entities)}; the vendor holds only ciphertext`,
    '',
    `  workstation   ${ex.urls.workstation}`,
    login === undefined ? '' : `                sign in as ${login.username} / ${login.password}   (the demo lab approves new devices automatically)`,
    `  audit page    ${ex.urls.audit ?? '(no monitor)'}`,
    `  hub (vendor)  ${ex.urls.hub}`,
    `  gatekeeper    ${ex.urls.gatekeeper}   (key release, audit log tiles)`,
    `  witness       ${ex.urls.witness}`,
    `  admin API     ${ex.urls.admin}   (the lab's operators; config ${join(dataDir, 'lab.yaml')})`,
    '',
    `  lab side, in another terminal:  npx keyhole status --config ${join(dataDir, 'lab.yaml')}`,
    `                                  npx keyhole results pull --config ${join(dataDir, 'lab.yaml')}`,
    `                                  npx keyhole export --format trl --config ${join(dataDir, 'lab.yaml')}`,
    `                                  npx keyhole quality --config ${join(dataDir, 'lab.yaml')}`,
  ].join('\n');
}

const alertLine = (a: Alert): string => `monitor alert: ${a.rule} (${a.severity}) ${a.message}`;

/** `keyhole demo`, and the lab's `results pull` and `export` that work on its data directory. */
export function registerExchangeCommands(program: Command): void {
  registerLabCommands(program);
  program
    .command('demo')
    .description('Run the whole exchange on localhost: hub, gatekeeper with the workstation app, witness, monitor, and a demo campaign')
    .option('--data-dir <dir>', 'state directory (keys, SQLite files, log tiles, lab files)', '.keyhole')
    .option('--dataset <file>', 'JSONL dataset to ingest instead of the shipped synthetic one')
    .option('--format <format>', 'dataset format (auto, hh-rlhf, trl-preference, openai-chat, openai-dpo, oasst, ultrafeedback)', 'auto')
    .option('--bots <n>', 'simulated annotators working through the Node SDK')
    .option('--exit-after-bots', 'end once the bots have labelled everything and the lab has collected')
    .option('--overlap <n>', 'distinct annotators per item (first run only)')
    .option('--db <location>', 'postgres://… for the hub and gatekeeper tables (default: SQLite in the data directory)')
    .option('--blobs <location>', 's3://bucket/prefix for sealed items (endpoint from $AWS_ENDPOINT_URL), or a directory')
    .option('--port <port>', 'gatekeeper port; hub, witness, audit page and admin API take the next four', '7380')
    .option('--workstation <dir>', 'the built workstation app', WORKSTATION_BUNDLE)
    .action(async (o: DemoFlags) => {
      const bots = count(o.bots, '--bots', 1);
      if (o.exitAfterBots && bots === undefined) fail('BAD_FORMAT', '--exit-after-bots needs --bots N');
      const port = count(o.port, '--port', 0)!;
      await access(join(o.workstation, 'bundle.json')).catch(() =>
        fail('NOT_FOUND', `the workstation app is not built in ${o.workstation}; run \`npm run prepare\` (it builds the CLI and the app)`),
      );
      const overlap = count(o.overlap, '--overlap', 1);
      const ex = await startExchange({
        dataDir: o.dataDir,
        dataset: o.dataset ?? DEMO_DATASET,
        format: o.format,
        bundleDir: o.workstation,
        port,
        ...(o.db === undefined ? {} : { db: o.db }),
        ...(o.blobs === undefined ? {} : { blobs: o.blobs }),
        ...(process.env.AWS_ENDPOINT_URL ? { s3Endpoint: process.env.AWS_ENDPOINT_URL } : {}),
        ...(overlap === undefined ? {} : { overlap }),
        // Bots answer at machine speed; a person's pace limits would stop them within a minute.
        ...(bots === undefined ? {} : { pace: { perMinute: 100_000, perHour: 1_000_000 } }),
        onAlert: (a) => console.log(alertLine(a)),
      });
      let stopping = false;
      const stop = async (): Promise<void> => {
        if (stopping) return;
        stopping = true;
        await ex.close();
      };
      process.once('SIGINT', () => void stop().then(() => process.exit(0)));
      process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
      console.log(banner(ex, o.dataDir));
      if (bots === undefined) {
        console.log('\nserving; Ctrl-C to stop');
        return;
      }
      const started = Date.now();
      console.log(`\n${bots} bots at work…`);
      try {
        const run = await runBots(ex, { count: bots, prefix: `bot-${Date.now().toString(36)}` });
        const stopped = run.results.filter((r) => r.stopped !== 'queue-empty').map((r) => String(r.stopped));
        const report = await ex.collect();
        const seconds = (Date.now() - started) / 1000;
        console.log(`bots submitted ${run.choices.length} labels in ${seconds.toFixed(1)} s${stopped.length > 0 ? `; ${stopped.length} bots stopped early: ${[...new Set(stopped)].join('; ')}` : ''}`);
        console.log(formatCollectReport(report));
        console.log(`monitor: ${ex.alerts.length} alerts${ex.alerts.length > 0 ? ` (${[...new Set(ex.alerts.map((a) => a.rule))].join(', ')})` : ''}`);
        if (report.total.itemsLabelled < report.total.items) {
          // Say which items stayed unlabelled and why the bots stopped, and fail the run (issue 16).
          const labelled = new Set((await ex.store.results()).accepted.map((a) => a.item));
          const left = (await ex.store.requireLedger()).items.filter((i) => !labelled.has(i.item));
          console.log(`UNFINISHED: ${left.length} of ${report.total.items} items have no label: ${left.slice(0, 10).map((i) => `${i.item} (dataset line ${i.line})`).join(', ')}${left.length > 10 ? ', …' : ''}`);
          console.log(`  why: ${stopped.length > 0 ? `bots stopped on ${[...new Set(stopped)].join('; ')}` : 'every bot found the queue empty (items held by expired or abandoned leases, or refused by the gatekeeper)'}; see \`keyhole status --config ${join(o.dataDir, 'lab.yaml')}\``);
          process.exitCode = 1;
        }
      } finally {
        if (o.exitAfterBots) await stop();
      }
      if (!o.exitAfterBots) console.log('\nserving; Ctrl-C to stop');
    });
}
