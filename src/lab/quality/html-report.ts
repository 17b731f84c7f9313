/**
 * The quality report as one self-contained HTML page: server-rendered SVG
 * charts, one inline style sheet, no script and no outside asset, so it opens
 * from a file or an attachment anywhere. Annotator pseudonyms and every other
 * value go through the escaping template (src/monitor/audit/html.ts): a
 * pseudonym is the vendor's choice and is treated as hostile.
 */
import { html, type Html } from '../../monitor/audit/html.js';
import type { AlphaFigure, QualityReport, Share } from './campaign-quality.js';

const OK = '#2f6db5';
const FLAGGED = '#b3261e';
const CHAR_PX = 7.2;

const pct = (s: Share | null): string => (s === null || s.rate === null ? '—' : `${(s.rate * 100).toFixed(1)}% (${s.agree}/${s.n})`);
const num = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined ? '—' : x.toFixed(digits));
const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Landis & Koch (1977) words for a kappa-like figure, as readers expect them. */
function strength(x: number | null): string {
  if (x === null) return 'undefined';
  if (x < 0) return 'worse than chance';
  if (x <= 0.2) return 'slight';
  if (x <= 0.4) return 'fair';
  if (x <= 0.6) return 'moderate';
  if (x <= 0.8) return 'substantial';
  return 'almost perfect';
}

interface Bar {
  readonly label: string;
  readonly value: number;
  readonly text: string;
  readonly flagged: boolean;
}

/** Horizontal bars; the label column is as wide as the longest label, so no name is cut. */
function barChart(id: string, title: string, bars: readonly Bar[], max: number): Html {
  const labelW = Math.ceil(Math.max(60, ...bars.map((b) => b.label.length * CHAR_PX)) + 12);
  const valueW = Math.ceil(Math.max(60, ...bars.map((b) => b.text.length * CHAR_PX)) + 8);
  const plotW = 320;
  const width = labelW + plotW + valueW;
  const rowH = 22;
  const height = 8 + Math.max(1, bars.length) * rowH;
  const scale = plotW / Math.max(max, 1e-9);
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(0, b.value) * scale;
    return html`<g><text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${b.label}</text><rect x="${labelW}" y="${y + 3}" width="${fmt(Math.max(w, b.value > 0 ? 1 : 0))}" height="${rowH - 6}" fill="${b.flagged ? FLAGGED : OK}"><title>${b.label}: ${b.text}</title></rect><text x="${fmt(labelW + w + 6)}" y="${y + 15}">${b.text}</text></g>`;
  });
  const empty = bars.length === 0 ? html`<text x="8" y="20">nothing to show yet</text>` : '';
  return html`<svg id="${id}" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${id}-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title id="${id}-title">${title}</title>${rows}${empty}</svg>`;
}

/** Time on task: one column per histogram bin, with the seconds under it. */
function histogram(r: QualityReport): Html {
  const bins = r.time.histogram;
  const colW = 34;
  const plotH = 140;
  const left = 40;
  const width = left + bins.length * colW + 10;
  const height = plotH + 44;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const cols = bins.map((b, i) => {
    const h = (b.count / max) * plotH;
    const x = left + i * colW;
    return html`<g><rect x="${x + 3}" y="${fmt(10 + plotH - h)}" width="${colW - 6}" height="${fmt(h)}" fill="${OK}"><title>${b.from}–${b.to} s: ${b.count} labels</title></rect><text x="${x + colW / 2}" y="${plotH + 26}" text-anchor="middle">${b.from}</text></g>`;
  });
  return html`<svg id="time-chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="time-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title id="time-title">Time on task, seconds per label</title><text x="${left - 6}" y="18" text-anchor="end">${max}</text><text x="${left - 6}" y="${plotH + 10}" text-anchor="end">0</text><line x1="${left}" y1="${plotH + 10}" x2="${width - 10}" y2="${plotH + 10}" stroke="#555"/>${cols}<text x="${left}" y="${height - 2}">seconds on screen (bin start)</text></svg>`;
}

function alphaRow(a: AlphaFigure): Html {
  return html`<tr><td>Krippendorff's α (${a.metric})</td><td>${a.on}</td><td class="n">${num(a.alpha)}</td><td>${strength(a.alpha)}</td><td class="n">${a.units} items, ${a.pairable} values</td></tr>`;
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border-bottom: 1px solid #ccc; padding: .3rem .6rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; } .flag { color: ${FLAGGED}; font-weight: 600; }
svg text { font: 12px system-ui, sans-serif; fill: #1b1b1b; } .note { color: #444; }
`;

export function qualityHtml(r: QualityReport, generatedAt: Date): string {
  const flagged = new Set(r.outliers.map((o) => o.annotator));
  const ranked = r.task === 'ranking';
  const agreementBars = r.annotators
    .filter((a) => a.agreementWithOthers.rate !== null)
    .map((a) => ({ label: a.annotator, value: a.agreementWithOthers.rate!, text: pct(a.agreementWithOthers), flagged: flagged.has(a.annotator) }));
  const speedBars = r.annotators.map((a) => ({ label: a.annotator, value: a.secondsMedian, text: `${fmt(a.secondsMedian)} s`, flagged: flagged.has(a.annotator) }));
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quality of campaign ${r.campaign}</title><style>${STYLE}</style></head>
<body><main>
<h1>Quality of campaign ${r.campaign}</h1>
<p class="note">Task ${r.task ?? 'none yet'}; ${r.counts.labels} labels (${r.counts.reviewLabels} more from review) by ${r.counts.annotators} annotators on ${r.counts.itemsLabelled} of ${r.counts.items} items, ${r.counts.itemsWithOverlap} labelled more than once. Generated ${generatedAt.toISOString()}.</p>
<h2>Agreement</h2>
<table><thead><tr><th>statistic</th><th>on</th><th>value</th><th>reading</th><th>over</th></tr></thead><tbody>
${r.alpha.map(alphaRow)}
${r.fleiss === null ? '' : html`<tr><td>Fleiss' κ</td><td>${r.fleiss.on}</td><td class="n">${num(r.fleiss.kappa)}</td><td>${strength(r.fleiss.kappa)}</td><td class="n">${r.fleiss.subjects} items × ${r.fleiss.raters} annotators</td></tr>`}
${r.kendall === null ? '' : html`<tr><td>Kendall's W (mean)</td><td>rankings of the same replies</td><td class="n">${num(r.kendall.meanW)}</td><td>${strength(r.kendall.meanW)}</td><td class="n">${r.kendall.items} items</td></tr>`}
${r.gold === null ? '' : html`<tr><td>accuracy on gold items</td><td>the lab's known answers</td><td class="n">${pct(r.gold)}</td><td></td><td class="n">${r.gold.items} gold items</td></tr>`}
${r.source === null ? '' : html`<tr><td>agreement with the source dataset</td><td>the source's own preference</td><td class="n">${pct(r.source)}</td><td></td><td class="n">${r.source.ties} ties</td></tr>`}
</tbody></table>
${r.alpha.length === 0 && r.fleiss === null ? html`<p>No item has two labels yet: agreement needs overlap.</p>` : ''}
<h2>Annotators who stand out</h2>
${r.outliers.length === 0 ? html`<p>None, by the thresholds below.</p>` : html`<ul>${r.outliers.map((o) => html`<li><span class="flag">${o.annotator}</span>: ${o.reasons.join('; ')}</li>`)}</ul>`}
<p class="note">Thresholds: agreement with the others under ${(r.thresholds.minAgreement * 100).toFixed(0)}%, gold accuracy under ${(r.thresholds.minGoldAccuracy * 100).toFixed(0)}%, a median time under ${(r.thresholds.fastFraction * 100).toFixed(0)}% of the campaign's or under ${r.thresholds.minSeconds} s; each needs ${r.thresholds.minEvidence} labels or more.</p>
<h2>Agreement with the other annotators</h2>
${barChart('agreement-chart', 'Share of answers equal to the majority of the other annotators', agreementBars, 1)}
<h2>Time on task</h2>
<p>Median ${fmt(r.time.median)} s (10th percentile ${fmt(r.time.p10)} s, 90th ${fmt(r.time.p90)} s, longest ${fmt(r.time.max)} s) over ${r.time.labels} labels.</p>
${histogram(r)}
${barChart('speed-chart', 'Median seconds per item, per annotator', speedBars, Math.max(1, ...speedBars.map((b) => b.value)))}
<h2>Per annotator</h2>
<table><thead><tr><th>annotator</th><th>labels</th><th>review</th><th>agrees with others</th>${ranked ? html`<th>τ vs others</th>` : ''}<th>gold</th><th>source</th><th>median s</th></tr></thead><tbody>
${r.annotators.map((a) => html`<tr><td class="${flagged.has(a.annotator) ? 'flag' : ''}">${a.annotator}</td><td class="n">${a.labels}</td><td class="n">${a.reviewLabels}</td><td class="n">${pct(a.agreementWithOthers)}</td>${ranked ? html`<td class="n">${num(a.tau)}</td>` : ''}<td class="n">${pct(a.gold)}</td><td class="n">${pct(a.source)}</td><td class="n">${fmt(a.secondsMedian)}</td></tr>`)}
</tbody></table>
</main></body></html>
`;
  return page.text;
}
