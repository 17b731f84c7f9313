/** The audit page's stylesheet, served as /audit.css (the CSP allows no inline style). */
export const AUDIT_CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2733; background: #f5f7fa; }
body { margin: 0 auto; max-width: 1260px; padding: 12px 16px 32px; font-size: 14px; }
header h1 { margin: 0; font-size: 22px; display: inline-block; }
header .origin { display: inline-block; margin: 0 0 0 12px; color: #5b6775; font-family: ui-monospace, monospace; }
header .status { margin: 4px 0 10px; }
h2 { font-size: 16px; margin: 14px 0 6px; }
.charts { display: flex; gap: 16px; flex-wrap: wrap; }
figure { margin: 0; background: #fff; border: 1px solid #d8dde3; border-radius: 6px; padding: 8px 10px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font-size: 12px; fill: #1d2733; }
svg text.axis { fill: #5b6775; font-size: 11px; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #d8dde3; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e6e9ee; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; white-space: nowrap; }
td.time, td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.rule { font-family: ui-monospace, monospace; white-space: nowrap; }
td.message { max-width: 420px; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 6px; border-radius: 8px; font-size: 12px; color: #fff; background: #6b7a8f; }
.badge.sev-critical { background: #c2474f; }
.badge.sev-warning { background: #d9822b; }
.badge.sev-info { background: #2f6db5; }
tr.sev-critical td:first-child { border-left: 4px solid #c2474f; }
tr.sev-warning td:first-child { border-left: 4px solid #d9822b; }
.ok { color: #2e7d4f; }
.bad { color: #b3261e; }
.muted { color: #8a94a0; }
pre { background: #fff; border: 1px solid #d8dde3; padding: 8px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
ol.entries { padding-left: 0; list-style: none; }
ol.entries h3 { font-size: 14px; margin: 10px 0 4px; }
table.facts { width: auto; }
a { color: #1f5fa8; }
`;
