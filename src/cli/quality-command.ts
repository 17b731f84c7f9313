/**
 * `keyhole quality [--config FILE] [--campaign C] [--json] [--html FILE] [--gold FILE]`:
 * the lab's measure of its vendor's work (src/lab/quality), from the labels
 * `keyhole results pull` collected. Wiring only. It reads the lab's records
 * through the `CampaignStore` the lab config names, like `keyhole export`,
 * and asks the gatekeeper for nothing: the collected labels are already
 * opened and un-blinded, and the source's preference is in the minimized
 * content of the lab's ledger.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { fail } from '../core/errors.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import type { CampaignStore } from '../lab/lab-store.js';
import { campaignQuality, type QualityReport } from '../lab/quality/campaign-quality.js';
import { readGoldAnswers } from '../lab/quality/gold.js';
import { qualityHtml } from '../lab/quality/html-report.js';
import { DEFAULT_LAB_CONFIG, openLabSide } from './lab-operator.js';

export interface QualityOptions {
  /** A file of gold answers (src/lab/quality/gold.ts). */
  readonly gold?: string;
  /** Where to write the HTML report, if anywhere. */
  readonly html?: string;
  readonly now?: Date;
}

/** The report for one campaign's store; writes the HTML page when asked. */
export async function qualityOf(store: CampaignStore, o: QualityOptions = {}): Promise<QualityReport> {
  const ledger = await store.requireLedger();
  const results = await store.results();
  if (results.accepted.length === 0) fail('NOT_FOUND', `campaign ${store.campaign} has no collected labels yet; run \`keyhole results pull\` first`);
  const gold = o.gold === undefined ? undefined : await readGoldAnswers(resolve(o.gold), ledger);
  const report = campaignQuality({ campaign: store.campaign, ledger, accepted: results.accepted, ...(gold === undefined ? {} : { gold }) });
  if (o.html !== undefined) await writeFileAtomic(resolve(o.html), qualityHtml(report, o.now ?? new Date()));
  return report;
}

const f3 = (x: number | null): string => (x === null ? 'undefined' : x.toFixed(3));
const rate = (s: { rate: number | null; agree: number; n: number } | null): string => (s === null || s.rate === null ? '—' : `${(s.rate * 100).toFixed(1)}% (${s.agree}/${s.n})`);

export function formatQuality(r: QualityReport): string {
  const lines = [
    `campaign ${r.campaign} (${r.task ?? 'no labels'}): ${r.counts.labels} labels by ${r.counts.annotators} annotators on ${r.counts.itemsLabelled} of ${r.counts.items} items; ${r.counts.itemsWithOverlap} with overlap; ${r.counts.reviewLabels} review labels`,
  ];
  for (const a of r.alpha) lines.push(`  Krippendorff's alpha, ${a.metric}, on ${a.on}: ${f3(a.alpha)} (${a.units} items)`);
  if (r.fleiss !== null) lines.push(`  Fleiss' kappa on ${r.fleiss.on}: ${f3(r.fleiss.kappa)} (${r.fleiss.subjects} items x ${r.fleiss.raters} annotators)`);
  if (r.kendall !== null) lines.push(`  Kendall's W, mean over ${r.kendall.items} items: ${f3(r.kendall.meanW)}`);
  if (r.alpha.length === 0 && r.fleiss === null) lines.push('  agreement: no item has two labels yet');
  if (r.gold !== null) lines.push(`  accuracy on ${r.gold.items} gold items: ${rate(r.gold)}`);
  if (r.source !== null) lines.push(`  agreement with the source dataset's preference: ${rate(r.source)}, ${r.source.ties} ties`);
  lines.push(`  time on task: median ${r.time.median.toFixed(1)} s, 10th-90th percentile ${r.time.p10.toFixed(1)}-${r.time.p90.toFixed(1)} s, max ${r.time.max} s`);
  lines.push('  annotator                         labels  agrees-with-others  tau     gold            source          median-s');
  for (const a of r.annotators) {
    lines.push(`  ${a.annotator.padEnd(32)}  ${String(a.labels).padStart(6)}  ${rate(a.agreementWithOthers).padEnd(18)}  ${(a.tau === null ? '—' : a.tau.toFixed(2)).padEnd(6)}  ${rate(a.gold).padEnd(14)}  ${rate(a.source).padEnd(14)}  ${a.secondsMedian.toFixed(1)}`);
  }
  if (r.outliers.length === 0) lines.push('  no annotator stands out');
  for (const o of r.outliers) lines.push(`  STANDS OUT ${o.annotator}: ${o.reasons.join('; ')}`);
  return lines.join('\n');
}

export function registerQualityCommand(program: Command): void {
  program
    .command('quality')
    .description("Agreement (Krippendorff's alpha, Fleiss' kappa, Kendall's W/tau), gold accuracy, agreement with the source, time on task and annotators who stand out, from the collected labels")
    .option('--config <file>', 'lab config (gatekeeper admin API, operator key, state directory)', DEFAULT_LAB_CONFIG)
    .option('--campaign <id>', "campaign (default: the config's)")
    .option('--gold <file>', 'gold answers, one JSON object a line: {"item"|"line", "preferred"|"order"}')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write the report as a self-contained HTML page with charts')
    .action(async (o: { config: string; campaign?: string; gold?: string; json?: boolean; html?: string }) => {
      const store = (await openLabSide(o.config)).store(o.campaign);
      const report = await qualityOf(store, { ...(o.gold === undefined ? {} : { gold: o.gold }), ...(o.html === undefined ? {} : { html: o.html }) });
      console.log(o.json === true ? JSON.stringify(report) : formatQuality(report));
      if (o.html !== undefined && o.json !== true) console.log(`  HTML report: ${resolve(o.html)}`);
    });
}
