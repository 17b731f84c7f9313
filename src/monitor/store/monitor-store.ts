/**
 * The monitor's state in SQLite: the follower's verified position, every
 * checkpoint seen (evidence), the decoded records, per-annotator, device,
 * vendor and campaign summaries, exposure, alerts and pending gossip.
 * Writes of one verified chunk happen in one transaction, so after a crash
 * the position, the records and the alerts agree.
 */
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { migrateMonitorSchema } from './monitor-schema.js';

export interface FollowerRow {
  origin: string;
  size: number;
  root: Uint8Array;
  frontier: string;
  note: string;
  verified_ms: number;
}

export interface RecordRow {
  idx: number;
  entry: Uint8Array;
  kind: string;
  time_ms: number;
  campaign: string | null;
  item: string | null;
  annotator: string | null;
  device: string | null;
  vendor: string;
}

export interface ExposureRow {
  vendor: string;
  campaign: string;
  item: string;
  first_ms: number;
  first_idx: number;
}

const RECORD_COLUMNS = ['idx', 'entry', 'kind', 'time_ms', 'campaign', 'item', 'annotator', 'device', 'vendor'] as const;
const EXPOSURE_COLUMNS = ['vendor', 'campaign', 'item', 'first_ms', 'first_idx'] as const;
/** Rows per INSERT statement on the ingest path: one statement per row costs more than the row itself (bench/monitor.ts). */
const ROWS_PER_INSERT = 64;
const valuesList = (columns: number): string => Array.from({ length: ROWS_PER_INSERT }, () => `(${Array(columns).fill('?').join(', ')})`).join(', ');

export interface AlertRow {
  id: number;
  rule: string;
  category: string;
  severity: string;
  dedup: string;
  annotator: string | null;
  device: string | null;
  vendor: string | null;
  campaign: string | null;
  item: string | null;
  entries: string;
  message: string;
  offending_ms: number | null;
  detected_ms: number;
  latency_ms: number | null;
  evidence: string | null;
  suspension: string | null;
}

export type NewAlert = Omit<AlertRow, 'id' | 'suspension'>;

export interface CheckpointRow {
  size: number;
  root: Uint8Array;
  note: string;
  source: string;
  seen_ms: number;
}

export interface SummaryRows {
  annotators: { annotator: string; vendor: string; first_ms: number; last_ms: number; releases: number; denies: number; submits: number; devices: number }[];
  devices: { device: string; annotator: string | null; first_ms: number; last_ms: number; releases: number }[];
  vendors: { vendor: string; releases: number; exposed: number }[];
  campaigns: { campaign: string; releases: number; exposed: number; shredded_ms: number | null }[];
}

export class MonitorStore {
  readonly db: Database;
  private readonly s: Record<string, Statement>;

  constructor(path: string) {
    this.db = new BetterSqlite3(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    migrateMonitorSchema(this.db);
    const p = (sql: string): Statement => this.db.prepare(sql);
    this.s = {
      follower: p('SELECT * FROM follower WHERE id = 1'),
      saveFollower: p('INSERT INTO follower (id, origin, size, root, frontier, note, verified_ms) VALUES (1, @origin, @size, @root, @frontier, @note, @verified_ms) ON CONFLICT (id) DO UPDATE SET origin = excluded.origin, size = excluded.size, root = excluded.root, frontier = excluded.frontier, note = excluded.note, verified_ms = excluded.verified_ms'),
      checkpointsAt: p('SELECT * FROM checkpoints WHERE size = ?'),
      addCheckpoint: p('INSERT OR IGNORE INTO checkpoints (size, root, note, source, seen_ms) VALUES (@size, @root, @note, @source, @seen_ms)'),
      addRecord: p('INSERT INTO records (idx, entry, kind, time_ms, campaign, item, annotator, device, vendor) VALUES (@idx, @entry, @kind, @time_ms, @campaign, @item, @annotator, @device, @vendor)'),
      addRecords: p(`INSERT INTO records (${RECORD_COLUMNS.join(', ')}) VALUES ${valuesList(RECORD_COLUMNS.length)}`),
      addExposure: p('INSERT OR IGNORE INTO exposed_items (vendor, campaign, item, first_ms, first_idx) VALUES (@vendor, @campaign, @item, @first_ms, @first_idx)'),
      addExposures: p(`INSERT OR IGNORE INTO exposed_items (${EXPOSURE_COLUMNS.join(', ')}) VALUES ${valuesList(EXPOSURE_COLUMNS.length)}`),
      annotator: p('INSERT INTO annotators VALUES (@annotator, @vendor, @first_ms, @last_ms, @releases, @denies, @submits, @devices) ON CONFLICT (annotator) DO UPDATE SET last_ms = excluded.last_ms, releases = excluded.releases, denies = excluded.denies, submits = excluded.submits, devices = excluded.devices'),
      device: p('INSERT INTO devices VALUES (@device, @annotator, @first_ms, @last_ms, @releases) ON CONFLICT (device) DO UPDATE SET last_ms = excluded.last_ms, releases = excluded.releases'),
      vendor: p('INSERT INTO vendors VALUES (@vendor, @releases, @exposed) ON CONFLICT (vendor) DO UPDATE SET releases = excluded.releases, exposed = excluded.exposed'),
      campaign: p('INSERT INTO campaigns VALUES (@campaign, @releases, @exposed, @shredded_ms) ON CONFLICT (campaign) DO UPDATE SET releases = excluded.releases, exposed = excluded.exposed, shredded_ms = excluded.shredded_ms'),
      addAlert: p('INSERT INTO alerts (rule, category, severity, dedup, annotator, device, vendor, campaign, item, entries, message, offending_ms, detected_ms, latency_ms, evidence) VALUES (@rule, @category, @severity, @dedup, @annotator, @device, @vendor, @campaign, @item, @entries, @message, @offending_ms, @detected_ms, @latency_ms, @evidence)'),
      setSuspension: p('UPDATE alerts SET suspension = ? WHERE id = ?'),
      lastAlerts: p('SELECT dedup, MAX(COALESCE(offending_ms, detected_ms)) AS at FROM alerts GROUP BY dedup'),
      alert: p('SELECT * FROM alerts WHERE id = ?'),
      alerts: p('SELECT * FROM alerts ORDER BY id DESC LIMIT ?'),
      allAlerts: p('SELECT * FROM alerts ORDER BY id'),
      record: p('SELECT * FROM records WHERE idx = ?'),
      replay: p('SELECT idx, entry, vendor FROM records ORDER BY idx'),
      releasesOf: p("SELECT * FROM records WHERE campaign = ? AND item = ? AND kind IN ('release', 'submit') ORDER BY idx"),
      releasesOfItem: p("SELECT * FROM records WHERE item = ? AND kind IN ('release', 'submit') ORDER BY idx"),
      addGossip: p('INSERT OR IGNORE INTO gossip (size, root, note, seen_ms) VALUES (@size, @root, @note, @seen_ms)'),
      gossip: p('SELECT * FROM gossip ORDER BY size'),
      dropGossip: p('DELETE FROM gossip WHERE size = ? AND root = ?'),
      exposureSeries: p('SELECT vendor, first_ms FROM exposed_items ORDER BY first_ms'),
      annotatorRows: p('SELECT * FROM annotators ORDER BY releases DESC, annotator LIMIT ?'),
      vendorRows: p('SELECT * FROM vendors ORDER BY vendor'),
      alertsPerAnnotator: p('SELECT annotator, COUNT(*) AS n FROM alerts WHERE annotator IS NOT NULL GROUP BY annotator'),
      alertCount: p('SELECT COUNT(*) AS n FROM alerts'),
    };
  }

  follower(): FollowerRow | undefined {
    return this.s.follower!.get() as FollowerRow | undefined;
  }

  saveFollower(row: FollowerRow): void {
    this.s.saveFollower!.run(row);
  }

  checkpointsAt(size: number): CheckpointRow[] {
    return this.s.checkpointsAt!.all(size) as CheckpointRow[];
  }

  addCheckpoint(row: CheckpointRow): void {
    this.s.addCheckpoint!.run(row);
  }

  /** Inserts the records of a verified chunk, in log order. */
  addRecords(rows: readonly RecordRow[]): void {
    this.insertMany(rows, RECORD_COLUMNS, this.s.addRecords!, this.s.addRecord!);
  }

  /** First releases of items to vendors; items already exposed to the vendor are kept as they were. */
  addExposures(rows: readonly ExposureRow[]): void {
    this.insertMany(rows, EXPOSURE_COLUMNS, this.s.addExposures!, this.s.addExposure!);
  }

  private insertMany<R>(rows: readonly R[], columns: readonly (keyof R)[], many: Statement, one: Statement): void {
    let i = 0;
    for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
      const values: unknown[] = [];
      for (let j = i; j < i + ROWS_PER_INSERT; j++) for (const c of columns) values.push(rows[j]![c]);
      many.run(values);
    }
    for (; i < rows.length; i++) one.run(rows[i]);
  }

  saveSummaries(rows: SummaryRows): void {
    for (const r of rows.annotators) this.s.annotator!.run(r);
    for (const r of rows.devices) this.s.device!.run(r);
    for (const r of rows.vendors) this.s.vendor!.run(r);
    for (const r of rows.campaigns) this.s.campaign!.run(r);
  }

  addAlert(row: NewAlert): number {
    return Number(this.s.addAlert!.run(row).lastInsertRowid);
  }

  setSuspension(id: number, outcome: unknown): void {
    this.s.setSuspension!.run(JSON.stringify(outcome), id);
  }

  /** dedup key -> time of its latest alert, to restore cooldowns after a restart. */
  lastAlertTimes(): Map<string, number> {
    return new Map((this.s.lastAlerts!.all() as { dedup: string; at: number }[]).map((r) => [r.dedup, r.at]));
  }

  alert(id: number): AlertRow | undefined {
    return this.s.alert!.get(id) as AlertRow | undefined;
  }

  recentAlerts(limit: number): AlertRow[] {
    return this.s.alerts!.all(limit) as AlertRow[];
  }

  allAlerts(): AlertRow[] {
    return this.s.allAlerts!.all() as AlertRow[];
  }

  record(idx: number): RecordRow | undefined {
    return this.s.record!.get(idx) as RecordRow | undefined;
  }

  replay(): IterableIterator<Pick<RecordRow, 'idx' | 'entry' | 'vendor'>> {
    return this.s.replay!.iterate() as IterableIterator<Pick<RecordRow, 'idx' | 'entry' | 'vendor'>>;
  }

  /** Releases and submits of one item, from the verified log. */
  releasesOf(campaign: string | undefined, item: string): RecordRow[] {
    return (campaign === undefined ? this.s.releasesOfItem!.all(item) : this.s.releasesOf!.all(campaign, item)) as RecordRow[];
  }

  addGossip(row: { size: number; root: Uint8Array; note: string; seen_ms: number }): void {
    this.s.addGossip!.run(row);
  }

  gossip(): { size: number; root: Uint8Array; note: string; seen_ms: number }[] {
    return this.s.gossip!.all() as { size: number; root: Uint8Array; note: string; seen_ms: number }[];
  }

  dropGossip(size: number, root: Uint8Array): void {
    this.s.dropGossip!.run(size, root);
  }

  /** (vendor, time of first release) of every exposed item, oldest first. */
  exposureSeries(): { vendor: string; first_ms: number }[] {
    return this.s.exposureSeries!.all() as { vendor: string; first_ms: number }[];
  }

  topAnnotators(limit: number): SummaryRows['annotators'] {
    return this.s.annotatorRows!.all(limit) as SummaryRows['annotators'];
  }

  vendorRows(): SummaryRows['vendors'] {
    return this.s.vendorRows!.all() as SummaryRows['vendors'];
  }

  alertsPerAnnotator(): Map<string, number> {
    return new Map((this.s.alertsPerAnnotator!.all() as { annotator: string; n: number }[]).map((r) => [r.annotator, r.n]));
  }

  alertCount(): number {
    return (this.s.alertCount!.get() as { n: number }).n;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}
