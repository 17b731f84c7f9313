/**
 * The monitor's audit page (`keyhole monitor --serve PORT`), Hono:
 *
 *   GET /                     alerts, exposure per vendor over time, releases per annotator
 *   GET /alerts/:id           one alert: its evidence and its log entries, decoded
 *   GET /entries/:index/proof the entry's inclusion proof (c2sp.org/tlog-proof@v1) against the
 *                             monitor's latest verified checkpoint, checked before it is served (JSON)
 *   GET /audit.css            the only stylesheet
 *
 * Everything is rendered on the server from the monitor's store: no script
 * at all, a CSP that allows only the page's own stylesheet, and every value
 * escaped (html.ts), since log content is hostile.
 */
import { Hono } from 'hono';
import { fromUtf8 } from '../../core/bytes.js';
import type { Primitives } from '../../core/primitives.js';
import { verifyProofBundle } from '../../core/proof-bundle.js';
import { buildProofBundle } from '../../log/proofs.js';
import { alertFromRow, type Alert } from '../alerts/alert.js';
import type { Monitor } from '../monitor.js';
import { exposureChart, exposureSeriesFrom, releasesPerAnnotatorChart } from './charts.js';
import { html, type Html } from './html.js';
import { AUDIT_CSS } from './audit-css.js';

export const AUDIT_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface AuditPageOptions {
  readonly p: Primitives;
  readonly monitor: Monitor;
  /** Vendor exposure budgets to draw (the exposure-budget rule's vendorBudgets). */
  readonly budgets?: Readonly<Record<string, number>>;
  /** Alerts listed on the front page, newest first. */
  readonly alertLimit?: number;
  /** Annotators in the chart, most releases first. */
  readonly annotatorLimit?: number;
}

function page(title: string, body: Html, refresh = false): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${refresh ? html`<meta http-equiv="refresh" content="15">` : ''}
<title>${title}</title><link rel="stylesheet" href="/audit.css"></head>
<body>${body}</body></html>`.text;
}

const subjectOf = (a: Alert): string => Object.entries(a.subject).filter(([k]) => k !== 'device').map(([k, v]) => `${k} ${v}`).join(', ');
const seconds = (ms: number | null): string => (ms === null ? '—' : ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms / 1000)} s`);

function suspensionCell(a: Alert): Html {
  if (a.suspension === null) return html`<td class="muted">—</td>`;
  if (a.suspension.ok) return html`<td class="ok">suspended${a.suspension.logIndex !== undefined ? html` (<a href="/entries/${a.suspension.logIndex}/proof">log #${a.suspension.logIndex}</a>)` : ''}</td>`;
  return html`<td class="bad" title="${a.suspension.error ?? ''}">suspension failed</td>`;
}

function alertRow(a: Alert): Html {
  return html`<tr class="alert sev-${a.severity}">
<td><a href="/alerts/${a.id}">#${a.id}</a></td><td class="time">${a.detectedAt.slice(0, 19).replace('T', ' ')}</td>
<td><span class="badge sev-${a.severity}">${a.severity}</span></td><td class="rule">${a.rule}</td><td>${subjectOf(a)}</td>
<td class="message">${a.message}</td><td class="num">${seconds(a.latencyMs)}</td>${suspensionCell(a)}
<td>${a.entries.slice(0, 6).map((e) => html`<a href="/alerts/${a.id}#entry-${e}">#${e}</a> `)}${a.entries.length > 6 ? `+${a.entries.length - 6}` : ''}</td></tr>`;
}

export function auditApp(o: AuditPageOptions): Hono {
  const app = new Hono();
  const store = o.monitor.store;

  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', AUDIT_CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
  });

  app.get('/audit.css', (c) => c.body(AUDIT_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));

  app.get('/', (c) => {
    const follower = store.follower();
    const alerts = store.recentAlerts(o.alertLimit ?? 200).map(alertFromRow);
    const total = store.alertCount();
    const perAnnotator = store.alertsPerAnnotator();
    const bars = store.topAnnotators(o.annotatorLimit ?? 25).map((r) => ({ annotator: r.annotator, releases: r.releases, denies: r.denies, alerts: perAnnotator.get(r.annotator) ?? 0 }));
    const critical = alerts.filter((a) => a.severity === 'critical').length;
    const body = html`<header><h1>keyhole audit</h1><p class="origin">${o.monitor.policy.origin}</p>
<p class="status">verified <strong>${follower?.size ?? 0}</strong> entries${follower ? html`, last checkpoint verified ${new Date(follower.verified_ms).toISOString().slice(0, 19).replace('T', ' ')} UTC` : ''} · <strong class="${total > 0 ? 'bad' : 'ok'}">${total}</strong> alerts (${critical} critical among the latest ${alerts.length})</p></header>
<main>
<section class="charts">
<figure><figcaption>Distinct items exposed per vendor</figcaption>${exposureChart(exposureSeriesFrom(store.exposureSeries(), o.budgets ?? {}))}</figure>
<figure><figcaption>Releases per annotator</figcaption>${releasesPerAnnotatorChart(bars)}</figure>
</section>
<section><h2>Alerts</h2>${
      alerts.length === 0
        ? html`<p class="ok">No alerts.</p>`
        : html`<table id="alerts"><thead><tr><th>id</th><th>detected (UTC)</th><th>severity</th><th>rule</th><th>subject</th><th>what</th><th>release→alert</th><th>suspension</th><th>log entries</th></tr></thead><tbody>${alerts.map(alertRow)}</tbody></table>`
    }</section></main>`;
    return c.html(page('keyhole audit', body, true));
  });

  app.get('/alerts/:id', (c) => {
    const id = c.req.param('id');
    const row = /^[1-9][0-9]{0,15}$/.test(id) ? store.alert(Number(id)) : undefined;
    if (!row) return c.html(page('no such alert', html`<main><p>No alert ${id}. <a href="/">Back</a></p></main>`), 404);
    const a = alertFromRow(row);
    const entries = a.entries.map((idx) => {
      const record = store.record(idx);
      const text = record ? JSON.stringify(JSON.parse(fromUtf8(record.entry)), null, 2) : 'not in the verified log';
      return html`<li id="entry-${idx}"><h3>log entry #${idx} · <a href="/entries/${idx}/proof">inclusion proof (JSON)</a></h3><pre>${text}</pre></li>`;
    });
    const body = html`<header><p><a href="/">← audit</a></p><h1>alert #${a.id}: ${a.rule}</h1><p><span class="badge sev-${a.severity}">${a.severity}</span> ${a.category} · ${subjectOf(a)}</p></header>
<main><p class="message">${a.message}</p>
<table class="facts"><tr><th>offending access</th><td>${a.offendingTime ?? '—'}</td></tr><tr><th>detected</th><td>${a.detectedAt}</td></tr><tr><th>release→alert</th><td>${seconds(a.latencyMs)}</td></tr><tr><th>suspension</th>${suspensionCell(a)}</tr></table>
<h2>Log entries</h2><ol class="entries">${entries}</ol>
${a.evidence === null ? '' : html`<h2>Evidence</h2><pre>${JSON.stringify(a.evidence, null, 2)}</pre>`}</main>`;
    return c.html(page(`alert ${a.id}`, body));
  });

  app.get('/entries/:index/proof', async (c) => {
    const text = c.req.param('index');
    const follower = store.follower();
    if (!/^(0|[1-9][0-9]{0,15})$/.test(text) || !follower || Number(text) >= follower.size) {
      return c.json({ error: { code: 'NOT_FOUND', reason: `entry ${text.slice(0, 20)} is not in the verified log (size ${follower?.size ?? 0})` } }, 404);
    }
    try {
      const bundle = await buildProofBundle(o.p, o.monitor.reader, Number(text), follower.note);
      const { origin, log, witnesses, quorum } = o.monitor.policy;
      const proof = await verifyProofBundle(o.p, bundle, { origin, log, witnesses, quorum });
      return c.json({ index: proof.index, record: JSON.parse(fromUtf8(proof.entry)) as unknown, checkpointSize: proof.checkpoint.size, witnesses: proof.witnesses, bundle });
    } catch (err) {
      return c.json({ error: { code: 'UNAVAILABLE', reason: `the log did not give a proof that verifies: ${err instanceof Error ? err.message : String(err)}` } }, 502);
    }
  });

  app.notFound((c) => c.text('not found\n', 404));
  app.onError((_err, c) => c.text('internal error\n', 500));
  return app;
}
