/**
 * `keyhole results pull` and `keyhole export`: the lab's operator, through
 * the gatekeeper's admin API (lab config: src/cli/lab-operator.ts), while key
 * release goes on. Wiring only; the work is in src/lab. The keys that open
 * labels and lab sections stay in the gatekeeper.
 */
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { collectResults, type CollectReport } from '../lab/collect.js';
import { EXPORT_FORMATS, exportResults, sidecarPath, type Sidecar } from '../lab/export.js';
import { labelsMissingAtHub, type MissingLabel } from '../lab/reconcile.js';
import { DEFAULT_LAB_CONFIG, openLabSide, type LabSide } from './lab-operator.js';

type PullReport = CollectReport & { readonly missingAtHub: readonly MissingLabel[] };

/** `keyhole results pull`, then the reconciliation against the logged submit receipts. */
async function pull(lab: LabSide, campaignFlag: string | undefined): Promise<PullReport> {
  const campaign = lab.campaign(campaignFlag);
  const started = Math.floor(Date.now() / 1000);
  const manifest = await lab.admin.manifest(campaign);
  const store = lab.store(campaign);
  const report = await collectResults({ task: manifest.body.task, admin: lab.admin, store });
  // A receipt logged before this pull began is for a label the hub already held, so the pull must have delivered it.
  const missing = labelsMissingAtHub(await lab.admin.receipts(campaign), await store.results()).filter((m) => m.receiptAt < started);
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
    .description("Fetch new submissions through the gatekeeper (which verifies and opens them); check them against the ingest ledger, un-blind, store; reconcile with the logged submit receipts")
    .option('--config <file>', 'lab config (gatekeeper admin API, operator key, state directory)', DEFAULT_LAB_CONFIG)
    .option('--campaign <id>', 'campaign (default: the config\'s)')
    .option('--json', 'print the report as JSON')
    .action(async (o: { config: string; campaign?: string; json?: boolean }) => {
      const report = await pull(await openLabSide(o.config), o.campaign);
      console.log(o.json ? JSON.stringify(report) : formatCollectReport(report));
      if (report.missingAtHub.length > 0) process.exitCode = 1;
    });

  program
    .command('export')
    .description('Training-ready data from the collected labels, plus a sidecar (every label, annotator pseudonyms, time on task, agreement)')
    .requiredOption('--format <format>', EXPORT_FORMATS.join(' | '))
    .option('--config <file>', 'lab config (gatekeeper admin API, operator key, state directory)', DEFAULT_LAB_CONFIG)
    .option('--campaign <id>', 'campaign (default: the config\'s)')
    .option('--out <file>', 'output JSONL, or folder for hf (default: export.<campaign>.<format>[.jsonl] in the state directory)')
    .option('--reidentify', 'put the original personal data back in place of surrogates (the lab only; the output is then sensitive)')
    .action(async (o: { format: string; config: string; campaign?: string; out?: string; reidentify?: boolean }) => {
      const lab = await openLabSide(o.config);
      const campaign = lab.campaign(o.campaign);
      const store = lab.store(campaign);
      const out = resolve(o.out ?? join(store.dir, `export.${o.format}${o.format === 'hf' ? '' : '.jsonl'}`));
      const sidecar = await exportResults({
        store,
        format: o.format,
        out,
        reidentify: o.reidentify === true,
        openLabSection: async (digest, section) => (await lab.admin.labSections(campaign, [{ digest, section }]))[0]!,
      });
      console.log(formatExport(out, sidecar));
    });
}
