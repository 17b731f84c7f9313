/**
 * `keyhole results pull` and `keyhole export`: the lab's side of a running
 * exchange, found through the data directory `keyhole demo` set up (lab.json,
 * the keystore and the gatekeeper's tables). Wiring only; the work is in
 * src/lab. Both may run while the demo serves: they read the gatekeeper's
 * tables (SQLite WAL or PostgreSQL) and talk to the hub over HTTP, signed
 * with the lab's key.
 */
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { nodePrimitives as p } from '../platform/node-primitives.js';
import { fail } from '../core/errors.js';
import { openGatekeeperDatabase } from '../gatekeeper/db/database.js';
import { SecretStore } from '../gatekeeper/keystore/secrets.js';
import { collectResults, type CollectReport } from '../lab/collect.js';
import { EXPORT_FORMATS, exportResults, sidecarPath, type Sidecar } from '../lab/export.js';
import { HubLabClient } from '../lab/hub-lab-client.js';
import { labelsMissingAtHub, type MissingLabel } from '../lab/reconcile.js';
import { readLabConfig, type LabConfig } from '../lab/lab-config.js';
import { CampaignStore } from '../lab/lab-store.js';
import { DataDirLayout, demoRootKey } from './demo/exchange.js';

interface LabSide {
  config: LabConfig;
  secrets: SecretStore;
  store: CampaignStore;
  gatekeeperDb: Awaited<ReturnType<typeof openGatekeeperDatabase>>;
}

async function withLabSide<T>(dataDir: string, fn: (lab: LabSide) => Promise<T>): Promise<T> {
  const dir = resolve(dataDir);
  const config = await readLabConfig(dir);
  if (config === undefined) fail('NOT_FOUND', `${dir} holds no exchange (no lab.json); run \`keyhole demo --data-dir ${dataDir}\` first`);
  const root = await demoRootKey(dir, false);
  const location = config.db ?? `sqlite:${join(dir, DataDirLayout.gatekeeperDb)}`;
  const gatekeeperDb = await openGatekeeperDatabase(location, config.db?.startsWith('postgres') ? { pgSchema: `${config.pgSchemaPrefix ?? 'keyhole'}_gatekeeper` } : {});
  try {
    return await fn({ config, secrets: new SecretStore(p, gatekeeperDb.db, root), store: new CampaignStore(join(dir, DataDirLayout.lab), config.campaign), gatekeeperDb });
  } finally {
    await gatekeeperDb.close();
  }
}

const now = (): number => Math.floor(Date.now() / 1000);

type PullReport = CollectReport & { readonly missingAtHub: readonly MissingLabel[] };

/** `keyhole results pull` against an open lab side, then the reconciliation against the logged submit receipts. */
async function pull(lab: LabSide): Promise<PullReport> {
  const { config, secrets } = lab;
  const started = now();
  const labSigner = await secrets.labSigner(started);
  const report = await collectResults({
    p,
    lab: config.lab,
    vendor: config.vendor,
    campaign: config.campaign,
    task: config.task,
    hub: new HubLabClient(config.hub, config.vendor, config.lab, labSigner, p),
    gatekeeperDb: lab.gatekeeperDb.db,
    resultKey: await secrets.resultKey(config.campaign, now()),
    labSectionKey: await secrets.labSectionKey(now()),
    store: lab.store,
  });
  // A receipt logged before this pull began is for a label the hub already held, so the pull must have delivered it.
  const missing = (await labelsMissingAtHub(lab.gatekeeperDb.db, config.campaign, await lab.store.results())).filter((m) => m.receiptAt < started);
  return { ...report, missingAtHub: missing };
}

export function formatCollectReport(r: CollectReport & { readonly missingAtHub?: readonly MissingLabel[] }): string {
  const lines = [
    `campaign ${r.campaign}: pulled ${r.pulled} submissions, accepted ${r.accepted}, refused ${r.refused.length}`,
    `  in total: ${r.total.accepted} labels accepted, ${r.total.refused} refused; ${r.total.itemsLabelled} of ${r.total.items} items labelled`,
  ];
  for (const x of r.refused) lines.push(`  refused #${x.seq} (item ${x.item}, ${x.annotator}): ${x.reason}`);
  if (r.missingAtHub && r.missingAtHub.length > 0) {
    lines.push(`  ALERT: ${r.missingAtHub.length} labels have a logged submit receipt but the hub did not deliver them (rolled back, lost or withheld):`);
    for (const m of r.missingAtHub.slice(0, 20)) lines.push(`    item ${m.item}, lease ${m.lease}, ${m.annotator}, receipt at ${new Date(m.receiptAt * 1000).toISOString()}`);
  }
  return lines.join('\n');
}

export function formatExport(out: string, s: Sidecar): string {
  const overlap = s.records.filter((r) => r.agreement !== null);
  const agreement = overlap.length === 0 ? 'no item was labelled more than once' : `mean agreement ${(overlap.reduce((x, r) => x + r.agreement!, 0) / overlap.length).toFixed(2)} over ${overlap.length} items with overlap`;
  return [
    `wrote ${s.records.length} ${s.format} records to ${out}${s.reidentified ? ' (re-identified: originals put back)' : ' (pseudonyms kept)'}`,
    `  sidecar ${sidecarPath(out)}: ${s.annotators.length} annotators, ${agreement}`,
    `  left out: ${s.skipped.unlabelled} unlabelled, ${s.skipped.tied} tied, ${s.skipped.notRankable} not rankable`,
  ].join('\n');
}

export function registerLabCommands(program: Command): void {
  const results = program.command('results').description("The lab's collected labels");
  results
    .command('pull')
    .description("Fetch new submissions from the hub; verify each label's signature and binding, decrypt, un-blind; report refused labels with the reason")
    .option('--data-dir <dir>', 'the exchange state directory', '.keyhole')
    .option('--json', 'print the report as JSON')
    .action(async (o: { dataDir: string; json?: boolean }) => {
      const report = await withLabSide(o.dataDir, pull);
      console.log(o.json ? JSON.stringify(report) : formatCollectReport(report));
      if (report.missingAtHub.length > 0) process.exitCode = 1;
    });

  program
    .command('export')
    .description('Training-ready JSONL from the collected labels, plus a sidecar (annotator pseudonyms, time on task, agreement)')
    .requiredOption('--format <format>', EXPORT_FORMATS.join(' | '))
    .option('--data-dir <dir>', 'the exchange state directory', '.keyhole')
    .option('--out <file>', 'output JSONL (default: <data-dir>/export.<format>.jsonl); the sidecar is <file>.sidecar.json')
    .option('--reidentify', 'put the original personal data back in place of surrogates (the lab only; the output is then sensitive)')
    .action(async (o: { format: string; dataDir: string; out?: string; reidentify?: boolean }) => {
      const out = resolve(o.out ?? join(o.dataDir, `export.${o.format}.jsonl`));
      const sidecar = await withLabSide(o.dataDir, async (lab) =>
        exportResults({ p, store: lab.store, format: o.format, out, reidentify: o.reidentify === true, labSectionKey: await lab.secrets.labSectionKey(now()) }),
      );
      console.log(formatExport(out, sidecar));
    });
}
