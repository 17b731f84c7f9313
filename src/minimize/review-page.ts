/**
 * The review page of `keyhole minimize --review FILE.html` (issue 15): before sealing, the lab
 * reads a sample of records side by side, the original and what the annotator will see, every
 * replacement coloured by entity with its detector on hover. The page holds plaintext: it says so
 * on its first line and in its banner, and belongs inside the lab. Self-contained (inline CSS, no
 * script, no external resource); every piece of data text is HTML-escaped.
 */
import type { EntityType } from './detectors/detector.js';

/** One stretch of a message: unchanged text, or a replacement with what it replaced. */
export type ReviewSegment = { readonly text: string } | { readonly original: string; readonly replaced: string; readonly entity: EntityType; readonly ruleId: string; readonly action: string };

export interface ReviewMessage {
  readonly role: string;
  readonly segments: readonly ReviewSegment[];
  /** The minimized text was cut to limits.maxMessageChars after these segments. */
  readonly truncated: boolean;
}

export interface ReviewRecord {
  readonly line: number;
  readonly messages: readonly ReviewMessage[];
}

/** Keeps a uniform random sample of `size` records from a stream of unknown length (reservoir sampling). */
export class ReviewSample {
  private readonly kept: ReviewRecord[] = [];
  private seen = 0;
  /** Where the record that `wants()` accepted goes once the sample is full. */
  private slot = -1;
  constructor(private readonly size: number, private readonly random: () => number = Math.random) {}

  /** Whether the next record would be kept, so the caller builds it only then. */
  wants(): boolean {
    this.seen++;
    if (this.kept.length < this.size) return true;
    this.slot = Math.floor(this.random() * this.seen);
    return this.slot < this.size;
  }

  add(record: ReviewRecord): void {
    if (this.kept.length < this.size) this.kept.push(record);
    else this.kept[this.slot] = record;
  }

  records(): ReviewRecord[] {
    return [...this.kept].sort((a, b) => a.line - b.line);
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

const COLOURS: Record<EntityType, string> = {
  person: '#ffd6a5', email: '#caffbf', phone: '#9bf6ff', payment_card: '#ffadad', iban: '#ffc6ff', us_ssn: '#bdb2ff', national_id: '#d0bfff',
  ip_address: '#a0c4ff', date_of_birth: '#fdffb6', street_address: '#e2f0cb', credential_url: '#ff9aa2', secret: '#ff8fab',
};

function side(message: ReviewMessage, which: 'original' | 'replaced'): string {
  let html = '';
  for (const s of message.segments) {
    if ('text' in s) html += escapeHtml(s.text);
    else html += `<mark class="e-${s.entity}" title="${escapeHtml(`${s.entity} · ${s.ruleId} · ${s.action}`)}">${escapeHtml(which === 'original' ? s.original : s.replaced)}</mark>`;
  }
  return which === 'replaced' && message.truncated ? `${html}<span class="cut"> [the annotator sees this message cut to limits.maxMessageChars]</span>` : html;
}

export interface ReviewPageInput {
  readonly input: string;
  readonly format: string;
  readonly recordsRead: number;
  /** Whole-run counts by "entity/ruleId", from the report. */
  readonly counts: Readonly<Record<string, number>>;
  readonly records: readonly ReviewRecord[];
}

export function renderReviewPage(page: ReviewPageInput): string {
  const byEntity = new Map<string, number>();
  for (const [key, n] of Object.entries(page.counts)) byEntity.set(key.split('/')[0]!, (byEntity.get(key.split('/')[0]!) ?? 0) + n);
  const entityRows = [...byEntity].sort((a, b) => b[1] - a[1]).map(([e, n]) => `<tr><td><mark class="e-${escapeHtml(e)}">${escapeHtml(e)}</mark></td><td>${n}</td></tr>`).join('');
  const ruleRows = Object.entries(page.counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `<tr><td>${escapeHtml(k)}</td><td>${n}</td></tr>`).join('');
  const styles = Object.entries(COLOURS).map(([e, c]) => `mark.e-${e}{background:${c}}`).join('');
  const records = page.records
    .map(
      (r) => `<section><h2>Line ${r.line}</h2><div class="grid"><div class="head">role</div><div class="head">original (lab only)</div><div class="head">what the annotator sees</div>${r.messages
        .map((m) => `<div class="role">${escapeHtml(m.role)}</div><div class="text">${side(m, 'original')}</div><div class="text">${side(m, 'replaced')}</div>`)
        .join('')}</div></section>`,
    )
    .join('\n');
  return `<!-- PLAINTEXT: this review page holds original personal data and secrets. For the lab only: never send it to a vendor or annotator. -->
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="robots" content="noindex">
<title>keyhole minimize review (plaintext, lab only)</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
.banner{background:#8b0000;color:#fff;padding:10px 16px;font-weight:600}
main{padding:12px 16px}
h1{font-size:18px;margin:12px 0}h2{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:0 24px 12px 0;display:inline-table;vertical-align:top}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}
.grid{display:grid;grid-template-columns:90px minmax(0,1fr) minmax(0,1fr);border:1px solid #ccc;background:#fff}
.grid>div{padding:6px 8px;border-top:1px solid #eee;white-space:pre-wrap;overflow-wrap:anywhere}
.head{font-weight:600;background:#f0f0f0}
.role{color:#555}
mark{border-radius:3px;padding:0 2px}
.cut{color:#8b0000}
${styles}
</style></head><body>
<div class="banner" role="alert">PLAINTEXT — for the lab only. This page shows original personal data and secrets next to their replacements.</div>
<main>
<h1>Minimization review: ${escapeHtml(page.input)} (${escapeHtml(page.format)})</h1>
<p>${page.records.length} of ${page.recordsRead} records sampled. Hover a highlighted value to see its entity, detector rule and action. Counts are for the whole run.</p>
<table><thead><tr><th>entity</th><th>replacements</th></tr></thead><tbody>${entityRows}</tbody></table>
<table><thead><tr><th>entity/rule</th><th>count</th></tr></thead><tbody>${ruleRows}</tbody></table>
${records}
</main></body></html>
`;
}
