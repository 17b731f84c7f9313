/** The drill's report: the JSON every CI run checks, and the same as Markdown for a person. */
import type { TrialResult } from './key-trial.js';

export interface TamperingCheck {
  readonly attack: string;
  readonly performed: string;
  readonly detected: boolean;
  readonly by: string;
}

export interface DrillReport {
  readonly drill: 'vendor-breach';
  readonly v: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly instance: { readonly db: 'sqlite' | 'postgres'; readonly blobs: 'directory' | 's3'; readonly records: number; readonly itemsSealed: number };
  readonly honest: { readonly bots: number; readonly labelled: number; readonly alerts: number };
  readonly copy: { readonly files: number; readonly bytes: number; readonly sources: Readonly<Record<string, number>> };
  readonly plaintext: {
    readonly canariesSearched: number;
    readonly canariesFound: number;
    readonly recordsSearched: number;
    readonly ngramsSearched: number;
    readonly recordsFound: number;
    readonly hits: readonly { readonly source: string; readonly record: string; readonly canary: boolean }[];
    /** The same search over the dataset file: proof that it finds what is there. */
    readonly control: { readonly canariesFoundInDataset: number; readonly recordsFoundInDataset: number };
  };
  readonly keys: TrialResult & {
    readonly decrypted: number;
    /** The same trial with the item's real DEK: proof that it opens what a right key opens. */
    readonly control: { readonly realDekOpensItem: boolean };
  };
  readonly stolenDevice: {
    readonly exposureBudget: number;
    readonly itemsTargeted: number;
    readonly requests: number;
    readonly itemsDecrypted: number;
    readonly denials: Readonly<Record<string, number>>;
    readonly stoppedBy: 'suspended' | 'time' | 'no-items';
    readonly alerts: readonly { readonly rule: string; readonly latencyMs: number | null; readonly suspended: boolean }[];
    /** From the attacker's first key to the monitor's first alert about it. */
    readonly firstAlertAfterMs: number | null;
    /** From the offending release's log time to that alert. */
    readonly alertLatencyMs: number | null;
    /** From the first key to the alert whose suspension the gatekeeper logged. */
    readonly suspendedAfterMs: number | null;
    /** From the first key to the first answer that said "suspended". */
    readonly refusedAfterSuspensionMs: number | null;
  };
  readonly tampering: readonly TamperingCheck[];
  readonly log: { readonly size: number; readonly verified: boolean; readonly integrityAlerts: number };
  readonly verdict: {
    readonly plaintextFound: number;
    readonly itemsDecryptedWithoutDevice: number;
    readonly itemsDecryptedWithStolenDevice: number;
    readonly withinExposureBudget: boolean;
    readonly undetectedTampering: number;
    readonly controlsPassed: boolean;
    pass: boolean;
  };
}

const ms = (v: number | null): string => (v === null ? 'never' : `${(v / 1000).toFixed(2)} s`);
const yes = (b: boolean): string => (b ? 'yes' : '**NO**');

export function drillMarkdown(r: DrillReport): string {
  const d = r.stolenDevice;
  const lines = [
    `# keyhole drill: the vendor breach, replayed`,
    '',
    `${r.verdict.pass ? '**PASS**' : '**FAIL**'} — ${r.startedAt} to ${r.finishedAt}, on ${r.instance.db} with ${r.instance.blobs} blobs.`,
    '',
    `A throwaway exchange ingested ${r.instance.records} invented records, each carrying a unique canary phrase, and sealed ${r.instance.itemsSealed} items. ${r.honest.bots} honest annotators labelled ${r.honest.labelled} of them (${r.honest.alerts} alerts). Then an attacker took the vendor whole.`,
    '',
    '| question | answer |',
    '| --- | --- |',
    `| plaintext in the vendor's copy (canaries + ${r.plaintext.ngramsSearched} eight-word runs of ${r.plaintext.recordsSearched} records) | ${r.verdict.plaintextFound} |`,
    `| items or labels opened with ${r.keys.candidates} key-shaped values found in the copy (${r.keys.attempts} attempts) | ${r.keys.decrypted} |`,
    `| items decrypted with a stolen device key | ${d.itemsDecrypted} (exposure budget ${d.exposureBudget}; within: ${yes(r.verdict.withinExposureBudget)}) |`,
    `| monitor's first alert after the attacker's first key | ${ms(d.firstAlertAfterMs)} (release-to-alert ${ms(d.alertLatencyMs)}) |`,
    `| suspended after | ${ms(d.suspendedAfterMs)}; the attacker was refused from ${ms(d.refusedAfterSuspensionMs)} |`,
    `| tampering undetected | ${r.verdict.undetectedTampering} of ${r.tampering.length} |`,
    `| controls (the search finds canaries in the dataset; the real DEK opens an item) | ${yes(r.verdict.controlsPassed)} |`,
    '',
    '## What the attacker copied',
    '',
    `${r.copy.files} files, ${r.copy.bytes} bytes: ${Object.entries(r.copy.sources).map(([k, n]) => `${k} (${n})`).join(', ')}.`,
    '',
    '## Stolen device',
    '',
    `${d.requests} release requests for ${d.itemsTargeted} items, stopped by ${d.stoppedBy}. Denials: ${Object.entries(d.denials).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}.`,
    `Alerts: ${d.alerts.map((a) => `${a.rule}${a.suspended ? ' (suspended)' : ''}`).join(', ') || 'none'}.`,
    '',
    '## Tampering',
    '',
    '| attack | what was done | detected | by |',
    '| --- | --- | --- | --- |',
    ...r.tampering.map((t) => `| ${t.attack} | ${t.performed} | ${yes(t.detected)} | ${t.by.replace(/\|/g, '\\|')} |`),
    '',
    `The audit log holds ${r.log.size} entries and verifies from its tiles; the monitor raised ${r.log.integrityAlerts} integrity alerts.`,
    '',
  ];
  return lines.join('\n');
}
