/**
 * The audit page's two charts as inline SVG, rendered on the server: no
 * script, no third-party asset, nothing the CSP has to allow. Colours are
 * presentation attributes (not style attributes, which a strict CSP blocks);
 * every label goes through the escaping template.
 */
import { html, type Html } from './html.js';

const PALETTE = ['#2f6db5', '#d9822b', '#2e9c6a', '#8e5cc2', '#c2474f', '#6b7a8f', '#b59a2f', '#3aa6b9'];
const ALERTED = '#c2474f';
const DENIED = '#f0a35e';
const RELEASED = '#2f6db5';

export interface AnnotatorBar {
  readonly annotator: string;
  readonly releases: number;
  readonly denies: number;
  readonly alerts: number;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** One row per annotator, longest first: releases (red when the annotator has alerts) with denials stacked after. */
export function releasesPerAnnotatorChart(rows: readonly AnnotatorBar[]): Html {
  const width = 560;
  const labelW = 170;
  const valueW = 90;
  const rowH = 22;
  const top = 28;
  const height = top + Math.max(1, rows.length) * rowH + 8;
  const max = Math.max(1, ...rows.map((r) => r.releases + r.denies));
  const scale = (width - labelW - valueW) / max;
  const bars = rows.map((r, i) => {
    const y = top + i * rowH;
    const rw = r.releases * scale;
    const dw = r.denies * scale;
    return html`<g class="bar" data-annotator="${r.annotator}">
<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" class="label">${r.annotator}</text>
<rect x="${labelW}" y="${y + 3}" width="${fmt(Math.max(rw, r.releases > 0 ? 1 : 0))}" height="${rowH - 6}" fill="${r.alerts > 0 ? ALERTED : RELEASED}"><title>${r.annotator}: ${r.releases} releases, ${r.denies} denied, ${r.alerts} alerts</title></rect>
<rect x="${fmt(labelW + rw)}" y="${y + 3}" width="${fmt(dw)}" height="${rowH - 6}" fill="${DENIED}"/>
<text x="${fmt(labelW + rw + dw + 6)}" y="${y + 15}" class="value">${r.releases}${r.denies > 0 ? ` +${r.denies} denied` : ''}</text>
</g>`;
  });
  const legend = html`<g class="legend"><rect x="${labelW}" y="6" width="12" height="12" fill="${RELEASED}"/><text x="${labelW + 16}" y="16">released</text><rect x="${labelW + 90}" y="6" width="12" height="12" fill="${ALERTED}"/><text x="${labelW + 106}" y="16">released, has alerts</text><rect x="${labelW + 250}" y="6" width="12" height="12" fill="${DENIED}"/><text x="${labelW + 266}" y="16">denied</text></g>`;
  const empty = rows.length === 0 ? html`<text x="${labelW}" y="${top + 15}" class="label">no releases yet</text>` : '';
  return html`<svg id="releases-chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="releases-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title id="releases-title">Releases per annotator</title>${legend}${bars}${empty}</svg>`;
}

export interface ExposureSeries {
  readonly vendor: string;
  /** Cumulative distinct items exposed, at each time (ms), ascending. */
  readonly points: readonly { readonly t: number; readonly n: number }[];
  readonly budget?: number;
}

const MAX_POINTS = 400;

/** Cumulative exposure from (vendor, first release time) rows, thinned to at most MAX_POINTS steps per vendor. */
export function exposureSeriesFrom(rows: readonly { vendor: string; first_ms: number }[], budgets: Readonly<Record<string, number>>): ExposureSeries[] {
  const by = new Map<string, number[]>();
  for (const r of rows) {
    const list = by.get(r.vendor) ?? [];
    list.push(r.first_ms);
    by.set(r.vendor, list);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([vendor, times]) => {
      const step = Math.max(1, Math.ceil(times.length / MAX_POINTS));
      const points = times.flatMap((t, i) => ((i + 1) % step === 0 || i === times.length - 1 ? [{ t, n: i + 1 }] : []));
      return { vendor, points, ...(budgets[vendor] !== undefined ? { budget: budgets[vendor] } : {}) };
    });
}

const when = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** Step lines of distinct items exposed per vendor over time, with dashed budget lines where a budget is configured. */
export function exposureChart(series: readonly ExposureSeries[]): Html {
  const width = 560;
  const height = 260;
  const left = 56;
  const right = 150;
  const top = 16;
  const bottom = 36;
  const times = series.flatMap((s) => s.points.map((p) => p.t));
  const t0 = Math.min(...times, Date.now());
  const t1 = Math.max(...times, t0 + 60_000);
  const yMax = Math.max(1, ...series.flatMap((s) => [...s.points.map((p) => p.n), s.budget ?? 0]));
  const x = (t: number): string => fmt(left + ((t - t0) / (t1 - t0)) * (width - left - right));
  const y = (n: number): string => fmt(top + (1 - n / yMax) * (height - top - bottom));
  const lines = series.map((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    let d = `M${x(t0)},${y(0)}`;
    let last = 0;
    for (const p of s.points) {
      d += ` L${x(p.t)},${y(last)} L${x(p.t)},${y(p.n)}`;
      last = p.n;
    }
    d += ` L${x(t1)},${y(last)}`;
    const budget = s.budget === undefined ? '' : html`<line x1="${left}" x2="${width - right}" y1="${y(s.budget)}" y2="${y(s.budget)}" stroke="${colour}" stroke-dasharray="6 4" stroke-width="1.5"><title>${s.vendor} budget ${s.budget}</title></line>`;
    const label = `${s.vendor}: ${last}${s.budget === undefined ? '' : ` / ${s.budget}`}`;
    return html`<g class="series" data-vendor="${s.vendor}"><path d="${d}" fill="none" stroke="${colour}" stroke-width="2.5"/>${budget}<rect x="${width - right + 10}" y="${top + i * 20}" width="12" height="12" fill="${colour}"/><text x="${width - right + 26}" y="${top + i * 20 + 11}" class="label">${label}</text></g>`;
  });
  const ticks = [0, 0.5, 1].map((f) => {
    const n = Math.round(yMax * f);
    return html`<line x1="${left}" x2="${width - right}" y1="${y(n)}" y2="${y(n)}" stroke="#d8dde3"/><text x="${left - 6}" y="${y(n)}" dy="4" text-anchor="end" class="axis">${n}</text>`;
  });
  const empty = series.length === 0 ? html`<text x="${left + 10}" y="${height / 2}" class="label">nothing released yet</text>` : '';
  return html`<svg id="exposure-chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="exposure-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title id="exposure-title">Distinct items exposed per vendor over time</title>${ticks}<line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="#8a94a0"/><line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" stroke="#8a94a0"/><text x="${left}" y="${height - bottom + 18}" class="axis">${when(t0)}</text><text x="${width - right}" y="${height - bottom + 18}" text-anchor="end" class="axis">${when(t1)} UTC</text>${lines}${empty}</svg>`;
}
