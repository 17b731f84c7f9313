/**
 * The monitor's own SQLite schema, versioned with PRAGMA user_version.
 * Append a migration to change it; never edit one that has shipped.
 *
 * The monitor talks to better-sqlite3 directly rather than through Kysely:
 * its hot path is one synchronous transaction per verified batch of tens of
 * thousands of rows, where an async query builder's per-statement cost would
 * dominate (bench/monitor.ts).
 */
import type { Database } from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE follower (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    origin TEXT NOT NULL,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    frontier TEXT NOT NULL,      -- JSON array of base64 subtree roots (compact range of the verified tree)
    note TEXT NOT NULL,          -- the last verified checkpoint, as served
    verified_ms INTEGER NOT NULL
  );
  CREATE TABLE checkpoints (     -- every valid checkpoint seen, from any source: the evidence of a split view
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    source TEXT NOT NULL,
    seen_ms INTEGER NOT NULL,
    PRIMARY KEY (size, root)
  );
  CREATE TABLE records (
    idx INTEGER PRIMARY KEY,
    entry BLOB NOT NULL,
    kind TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    campaign TEXT,
    item TEXT,
    annotator TEXT,
    device TEXT,
    vendor TEXT NOT NULL
  );
  CREATE INDEX records_by_item ON records (campaign, item);
  CREATE INDEX records_by_annotator ON records (annotator, time_ms);
  CREATE TABLE exposed_items (   -- first release of each item to each vendor: exposure over time, and trace
    vendor TEXT NOT NULL,
    campaign TEXT NOT NULL,
    item TEXT NOT NULL,
    first_ms INTEGER NOT NULL,
    first_idx INTEGER NOT NULL,
    PRIMARY KEY (vendor, campaign, item)
  );
  CREATE INDEX exposed_by_time ON exposed_items (vendor, first_ms);
  CREATE TABLE annotators (
    annotator TEXT PRIMARY KEY,
    vendor TEXT NOT NULL,
    first_ms INTEGER NOT NULL,
    last_ms INTEGER NOT NULL,
    releases INTEGER NOT NULL,
    denies INTEGER NOT NULL,
    submits INTEGER NOT NULL,
    devices INTEGER NOT NULL
  );
  CREATE TABLE devices (
    device TEXT PRIMARY KEY,
    annotator TEXT,
    first_ms INTEGER NOT NULL,
    last_ms INTEGER NOT NULL,
    releases INTEGER NOT NULL
  );
  CREATE TABLE vendors (vendor TEXT PRIMARY KEY, releases INTEGER NOT NULL, exposed INTEGER NOT NULL);
  CREATE TABLE campaigns (campaign TEXT PRIMARY KEY, releases INTEGER NOT NULL, exposed INTEGER NOT NULL, shredded_ms INTEGER);
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    dedup TEXT NOT NULL,
    annotator TEXT,
    device TEXT,
    vendor TEXT,
    campaign TEXT,
    item TEXT,
    entries TEXT NOT NULL,       -- JSON array of log indices
    message TEXT NOT NULL,
    offending_ms INTEGER,
    detected_ms INTEGER NOT NULL,
    latency_ms INTEGER,
    evidence TEXT,               -- JSON
    suspension TEXT              -- JSON: outcome of the suspension call, when the rule asks for one
  );
  CREATE INDEX alerts_by_dedup ON alerts (dedup, detected_ms);
  CREATE TABLE gossip (          -- checkpoints reported by others that the log has not yet caught up with
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    seen_ms INTEGER NOT NULL,
    PRIMARY KEY (size, root)
  );
  `,
];

export function migrateMonitorSchema(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
