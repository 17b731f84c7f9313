/** The drill's report: the JSON every CI run checks, and the same as Markdown for a person. */
import type { PlantedKeyControl, TrialResult } from './key-trial.js';
import type { PlantedSearchControl, SearchResult } from './plaintext-search.js';
import type { VendorMintedResult } from './vendor-minted.js';

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
    readonly hits: SearchResult['hits'];
    /** A canary and a word run planted inside a file of the copy, in each encoding: proof that the search finds what is there. */
    readonly control: PlantedSearchControl;
  };
  readonly keys: TrialResult & {
    readonly decrypted: number;
    /** Real keys planted inside a file of the copy: proof that the candidate finder finds them and the trial opens with them. */
    readonly control: PlantedKeyControl;
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
    readonly leaseSeconds: number;
  };
  /** The stolen device again, on a fresh annotator, with one-second leases and no submits (issue 14 finding 2). */
  readonly stolenDeviceShortLeases: {
    readonly leaseSeconds: number;
    readonly submitted: boolean;
    readonly maxOutstanding: number;
    readonly minExposureSeconds: number;
    readonly requests: number;
    readonly itemsDecrypted: number;
    readonly denials: Readonly<Record<string, number>>;
    readonly stoppedBy: 'suspended' | 'time' | 'no-items';
    readonly alerts: readonly { readonly rule: string; readonly latencyMs: number | null; readonly suspended: boolean }[];
  };
  /** Requests naming an honest annotator, forged by the vendor without her device (issue 14 finding 1). */
  readonly forgedRequests: {
    readonly sent: number;
    readonly answers: Readonly<Record<string, number>>;
    readonly granted: number;
    readonly recordsAdded: number;
    readonly recordsNamingPeople: number;
    readonly alertsAgainstNamed: number;
    readonly namedSuspended: boolean;
  };
  /** An annotator and devices the vendor minted itself, against lab-bound enrollment (issue 17). */
  readonly vendorMinted: VendorMintedResult;
  readonly tampering: readonly TamperingCheck[];
  readonly log: { readonly size: number; readonly verified: boolean; readonly integrityAlerts: number };
  readonly verdict: {
    readonly plaintextFound: number;
    readonly itemsDecryptedWithoutDevice: number;
    readonly itemsDecryptedWithStolenDevice: number;
    readonly withinExposureBudget: boolean;
    readonly undetectedTampering: number;
    readonly shortLeasesWithinOutstanding: boolean;
    readonly forgedRecordsNamingPeople: number;
    readonly forgedAlertsOrSuspensions: number;
    readonly controlsPassed: boolean;
    /** Whether the lab approved any device the vendor minted (issue 17); must be false. */
    readonly vendorMintedDeviceApproved: boolean;
    readonly vendorMintedKeysObtained: number;
    pass: boolean;
  };
}

const ms = (v: number | null): string => (v === null ? 'never' : `${(v / 1000).toFixed(2)} s`);
const yes = (b: boolean): string => (b ? 'yes' : '**NO**');

export function drillMarkdown(r: DrillReport): string {
  const d = r.stolenDevice;
  const s = r.stolenDeviceShortLeases;
  const f = r.forgedRequests;
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
    `| items decrypted with a stolen device key, ${d.leaseSeconds} s leases | ${d.itemsDecrypted} (exposure budget ${d.exposureBudget}; within: ${yes(r.verdict.withinExposureBudget)}) |`,
    `| items decrypted with a stolen device key, ${s.leaseSeconds} s leases and no submits | ${s.itemsDecrypted} (outstanding limit ${s.maxOutstanding}; within: ${yes(r.verdict.shortLeasesWithinOutstanding)}) |`,
    `| records naming anyone after ${f.sent} forged requests naming an annotator | ${f.recordsNamingPeople} of ${f.recordsAdded} (alerts or suspensions against her: ${r.verdict.forgedAlertsOrSuspensions}) |`,
    `| monitor's first alert after the attacker's first key | ${ms(d.firstAlertAfterMs)} (release-to-alert ${ms(d.alertLatencyMs)}) |`,
    `| suspended after | ${ms(d.suspendedAfterMs)}; the attacker was refused from ${ms(d.refusedAfterSuspensionMs)} |`,
    `| devices the vendor minted (a new annotator; a real annotator's name) approved by the lab / keys they got | ${r.verdict.vendorMintedDeviceApproved ? '**yes**' : 'no'} / ${r.verdict.vendorMintedKeysObtained} (control, an invited person: ${r.vendorMinted.control.keysObtained} key(s)) |`,
    `| tampering undetected | ${r.verdict.undetectedTampering} of ${r.tampering.length} |`,
    `| controls (planted inside ${r.plaintext.control.plantedIn}: a canary and a word run in ${r.plaintext.control.plantings.length} encodings found; a real DEK, KEK and result key found and opening) | ${yes(r.verdict.controlsPassed)} |`,
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
    `With ${s.leaseSeconds} s leases and no submits (a release counts as open for the campaign's ${s.minExposureSeconds} s minimum window whatever the lease says): ${s.requests} requests, ${s.itemsDecrypted} items decrypted, stopped by ${s.stoppedBy}. Denials: ${Object.entries(s.denials).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}. Alerts: ${s.alerts.map((a) => `${a.rule}${a.suspended ? ' (suspended)' : ''}`).join(', ') || 'none'}.`,
    '',
    '## Forged requests',
    '',
    `${f.sent} release requests naming an honest annotator, her device and every item, signed by keys the lab never enrolled under assignments the real hub key signed: ${Object.entries(f.answers).map(([k, n]) => `${k} ${n}`).join(', ')}; ${f.granted} granted. The log gained ${f.recordsAdded} records, ${f.recordsNamingPeople} naming a person, device, item or campaign; ${f.alertsAgainstNamed} alerts against her; suspended: ${f.namedSuspended ? '**yes**' : 'no'}.`,
    '',
    '## Vendor-minted devices',
    '',
    `Manual approval for the vendor: ${r.vendorMinted.manualApproval ? 'on' : 'off (invitations only)'}. A redemption with a made-up invitation code: ${r.vendorMinted.madeUpInvitation}.`,
    '',
    '| device | approved at its hub | the lab\'s approval | approved by the lab | requests | keys | denials |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...r.vendorMinted.devices.map((d) => `| ${d.how} (${d.annotator}) | ${d.approvedAtHub ? 'yes' : 'no'} | ${d.labApproval} | ${d.approvedAtGatekeeper ? '**yes**' : 'no'} | ${d.requests} | ${d.keysObtained} | ${Object.entries(d.denials).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'} |`),
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
