/**
 * The monitor: follows the log (follower/), folds verified records into the
 * activity state, runs the rules (evaluator.ts), stores everything in SQLite
 * (store/) and raises alerts: stored first, then suspension (when the rule
 * asks for it), then the sinks (stdout, webhook).
 *
 * On open it replays the stored records into the state without raising
 * anything, so a restart resumes where it stopped with the same windows,
 * chains and open leases, and cooldowns restored from the stored alerts.
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual, toBase64, toHex, fromBase64Url } from '../core/bytes.js';
import { decodeAccessRecord, type AccessRecord } from '../core/access-record.js';
import { parseCheckpointBody } from '../core/checkpoint.js';
import { consistencyProof, verifyConsistency } from '../core/merkle.js';
import { parseNote } from '../core/note.js';
import type { Primitives } from '../core/primitives.js';
import { TileNodeSource, type ObjectReader } from '../log/tile-reader.js';
import { ActivityState, type ObservedRecord } from './activity/activity-state.js';
import { alertFromRow, type Alert, type AlertSink } from './alerts/alert.js';
import { AlertGate, dedupKeyOf } from './alerts/alert-gate.js';
import { suspensionTargetFor, type Suspender } from './alerts/suspension-client.js';
import { Evaluator } from './evaluator.js';
import { splitView } from './follower/checkpoint-ledger.js';
import type { CheckpointPolicy, VerifiedCheckpoint } from './follower/checkpoint-policy.js';
import { CompactRange } from './follower/compact-range.js';
import { integrityFinding } from './follower/integrity-finding.js';
import { LogFollower, type FollowerPosition, type VerifiedChunk } from './follower/log-follower.js';
import type { MonitorConfig } from './monitor-config.js';
import type { Finding } from './rules/rule.js';
import type { ExposureRow, MonitorStore, RecordRow, SummaryRows } from './store/monitor-store.js';

export interface MonitorOptions {
  readonly p: Primitives;
  readonly reader: ObjectReader;
  readonly policy: CheckpointPolicy;
  readonly config: MonitorConfig;
  readonly store: MonitorStore;
  readonly sinks: readonly AlertSink[];
  readonly suspender?: Suspender;
  readonly now?: () => number;
  /** Problems that are not alerts (log unreachable, a sink failing); never secrets. */
  readonly onError?: (message: string) => void;
  readonly chunkSize?: number;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class Monitor {
  readonly state = new ActivityState();
  private readonly evaluator: Evaluator;
  private readonly follower: LogFollower;
  private readonly gate: AlertGate;
  private readonly now: () => number;
  private position: FollowerPosition;
  private readonly inflight = new Set<Promise<void>>();
  private readonly suspended = new Set<string>();
  private timer: { stop: boolean; done: Promise<void> } | undefined;

  private constructor(private readonly o: MonitorOptions) {
    this.now = o.now ?? Date.now;
    this.evaluator = new Evaluator(o.config);
    this.follower = new LogFollower(o.p, o.reader, o.policy, o.store, o.chunkSize);
    this.gate = new AlertGate(o.store.lastAlertTimes());
    const row = o.store.follower();
    if (row && row.origin !== o.policy.origin) throw new Error(`monitor state is for log "${row.origin}", not "${o.policy.origin}"`);
    this.position = row
      ? { size: row.size, root: row.root, frontier: CompactRange.restore(row.size, row.frontier), note: row.note }
      : { size: 0, root: CompactRange.empty().root(), frontier: CompactRange.empty(), note: '' };
    for (const r of o.store.replay()) {
      const event = this.observed(r.idx, r.entry, decodeAccessRecord(r.entry));
      this.evaluator.observe(event, this.state);
    }
  }

  static open(o: MonitorOptions): Monitor {
    return new Monitor(o);
  }

  get verifiedSize(): number {
    return this.position.size;
  }

  get store(): MonitorStore {
    return this.o.store;
  }

  get policy(): CheckpointPolicy {
    return this.o.policy;
  }

  get reader(): ObjectReader {
    return this.o.reader;
  }

  /** One round: follow the log, check gossip, expire leases. */
  async poll(): Promise<void> {
    const step = await this.follower.step(this.position, this.now(), (chunk) => this.ingest(chunk));
    this.raise(step.findings);
    if (step.served && step.served.checkpoint.size === this.position.size) await this.checkGossip(step.served);
    this.raise(this.stalls());
    this.raise(this.o.store.transaction(() => this.evaluator.expire(this.now(), this.state)));
  }

  /** A checkpoint (or a tlog-proof carrying one) reported by someone else: a workstation, a peer monitor. */
  async gossip(note: string, source = 'gossip'): Promise<void> {
    const { verified, findings } = await this.follower.admit(note, source, this.now());
    this.raise(findings);
    if (verified) this.o.store.addGossip({ size: verified.checkpoint.size, root: verified.checkpoint.rootHash, note: verified.note, seen_ms: this.now() });
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    const timer = { stop: false, done: Promise.resolve() };
    timer.done = (async () => {
      while (!timer.stop) {
        try {
          await this.poll();
        } catch (err) {
          this.o.onError?.(`monitor: ${errorText(err)}`);
        }
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    })();
    this.timer = timer;
  }

  async stop(): Promise<void> {
    if (this.timer) {
      this.timer.stop = true;
      await this.timer.done;
      this.timer = undefined;
    }
    await this.settled();
  }

  /** Resolves when every alert raised so far has been through suspension and the sinks. */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  private observed(index: number, entry: Uint8Array, record: AccessRecord): ObservedRecord {
    const device = record.deviceKeyHash === undefined ? undefined : deviceHex(record.deviceKeyHash);
    return { index, record, chainHash: leafChainHash(entry), vendor: this.evaluator.vendorOf(record), timeMs: Date.parse(record.time), ...(device !== undefined ? { device } : {}) };
  }

  private ingest(chunk: VerifiedChunk): void {
    const store = this.o.store;
    const rows = store.transaction(() => {
      const findings: Finding[] = [];
      const touched = { annotators: new Set<string>(), devices: new Set<string>(), vendors: new Set<string>(), campaigns: new Set<string>() };
      const records: RecordRow[] = [];
      const exposures: ExposureRow[] = [];
      chunk.entries.forEach((entry, i) => {
        const index = chunk.from + i;
        let record: AccessRecord;
        try {
          record = decodeAccessRecord(entry);
        } catch (err) {
          findings.push(integrityFinding('undecodable-entry', `entry ${index} is not an access record: ${errorText(err)}`, String(index), { index, entry: toBase64(entry.slice(0, 1024)) }, [index]));
          return;
        }
        const event = this.observed(index, entry, record);
        findings.push(...this.evaluator.observe(event, this.state));
        records.push({ idx: index, entry, kind: record.kind, time_ms: event.timeMs, campaign: record.campaign ?? null, item: record.item ?? null, annotator: record.annotator ?? null, device: event.device ?? null, vendor: event.vendor });
        if (record.kind === 'release' && record.decision === 'allow') exposures.push({ vendor: event.vendor, campaign: record.campaign ?? '', item: record.item ?? '', first_ms: event.timeMs, first_idx: index });
        if (record.annotator !== undefined) touched.annotators.add(record.annotator);
        if (event.device !== undefined) touched.devices.add(event.device);
        touched.vendors.add(event.vendor);
        if (record.campaign !== undefined) touched.campaigns.add(record.campaign);
      });
      store.addRecords(records);
      store.addExposures(exposures);
      store.saveSummaries(this.summaries(touched));
      store.saveFollower({ origin: this.o.policy.origin, size: chunk.position.size, root: chunk.position.root, frontier: chunk.position.frontier.toJSON(), note: chunk.position.note, verified_ms: this.now() });
      return this.admitAndStore(findings);
    });
    this.position = chunk.position;
    this.dispatch(rows);
  }

  private summaries(t: { annotators: Set<string>; devices: Set<string>; vendors: Set<string>; campaigns: Set<string> }): SummaryRows {
    const s = this.state;
    return {
      annotators: [...t.annotators].map((name) => {
        const a = s.annotators.get(name)!;
        return { annotator: name, vendor: a.vendor, first_ms: a.firstMs, last_ms: a.lastMs, releases: a.releases, denies: a.denies, submits: a.submits, devices: a.devices.size };
      }),
      devices: [...t.devices].flatMap((id) => {
        const d = s.devices.get(id);
        return d ? [{ device: id, annotator: d.annotator ?? null, first_ms: d.firstMs, last_ms: d.lastMs, releases: d.releases }] : [];
      }),
      vendors: [...t.vendors].map((v) => ({ vendor: v, releases: s.vendor(v).releases, exposed: s.vendor(v).exposed.size })),
      campaigns: [...t.campaigns].map((c) => ({ campaign: c, releases: s.campaign(c).releases, exposed: s.campaign(c).exposed.size, shredded_ms: s.campaign(c).shreddedMs ?? null })),
    };
  }

  /** Admits findings through the cooldown gate and stores them; returns the new alerts' ids with their findings. */
  private admitAndStore(findings: readonly Finding[]): { id: number; finding: Finding }[] {
    const out: { id: number; finding: Finding }[] = [];
    const detected = this.now();
    for (const f of findings) {
      if (!this.gate.admit(f, f.offendingTimeMs ?? detected)) continue;
      const s = f.subject;
      const id = this.o.store.addAlert({
        rule: f.rule,
        category: f.category,
        severity: f.severity,
        dedup: dedupKeyOf(f),
        annotator: s.annotator ?? null,
        device: s.device ?? null,
        vendor: s.vendor ?? null,
        campaign: s.campaign ?? null,
        item: s.item ?? null,
        entries: JSON.stringify(f.entries),
        message: f.message,
        offending_ms: f.offendingTimeMs ?? null,
        detected_ms: detected,
        latency_ms: f.offendingTimeMs === undefined ? null : detected - f.offendingTimeMs,
        evidence: f.evidence === undefined ? null : JSON.stringify(f.evidence),
      });
      out.push({ id, finding: f });
    }
    return out;
  }

  private raise(findings: readonly Finding[]): void {
    if (findings.length === 0) return;
    this.dispatch(this.o.store.transaction(() => this.admitAndStore(findings)));
  }

  private dispatch(alerts: readonly { id: number; finding: Finding }[]): void {
    for (const a of alerts) {
      const job = this.deliver(a.id, a.finding).catch((err: unknown) => this.o.onError?.(`alert ${a.id}: ${errorText(err)}`));
      this.inflight.add(job);
      void job.finally(() => this.inflight.delete(job));
    }
  }

  private async deliver(id: number, f: Finding): Promise<void> {
    const target = f.suspend && this.o.suspender ? suspensionTargetFor(f.subject) : undefined;
    if (target && this.o.suspender) {
      const key = JSON.stringify(target);
      if (!this.suspended.has(key)) {
        this.suspended.add(key);
        const outcome = await this.o.suspender.suspend(target, `${f.rule}: ${f.message}`);
        if (!outcome.ok) this.suspended.delete(key);
        this.o.store.setSuspension(id, outcome);
      }
    }
    const alert: Alert = alertFromRow(this.o.store.alert(id)!);
    for (const sink of this.o.sinks) {
      try {
        await sink(alert);
      } catch (err) {
        this.o.onError?.(`alert ${id}: sink failed: ${errorText(err)}`);
      }
    }
  }

  /** Gossiped checkpoints the log has caught up with must be prefixes of (or equal to) the verified tree. */
  private async checkGossip(served: VerifiedCheckpoint): Promise<void> {
    const size = served.checkpoint.size;
    const source = new TileNodeSource(this.o.p, this.o.reader, size);
    for (const g of this.o.store.gossip()) {
      if (g.size > size) continue;
      let consistent = true;
      let why = '';
      try {
        if (g.size === size) consistent = constantTimeEqual(g.root, served.checkpoint.rootHash);
        else if (g.size > 0) await verifyConsistency(this.o.p, g.size, size, await consistencyProof(this.o.p, source, g.size, size), g.root, served.checkpoint.rootHash);
      } catch (err) {
        consistent = false;
        why = errorText(err);
      }
      if (!consistent) this.raise([splitView(g.size, g.note, 'gossip', served.note, 'log', `a checkpoint of size ${g.size} shown to someone else is not part of the log's tree of size ${size}${why ? ` (${why})` : ''}`)]);
      this.o.store.dropGossip(g.size, g.root);
    }
  }

  /** Gossip shows a tree the log has not published for longer than stallSeconds: releases go on off the record. */
  private stalls(): Finding[] {
    const limit = this.now() - this.o.config.stallSeconds * 1000;
    const publishedSize = this.position.note ? parseCheckpointBody(parseNote(this.position.note).text).size : 0;
    return this.o.store
      .gossip()
      .filter((g) => g.size > publishedSize && g.seen_ms < limit)
      .map((g) =>
        integrityFinding('checkpoint-stall', `the log still serves size ${publishedSize}, but a checkpoint of size ${g.size} was shown to someone ${Math.round((this.now() - g.seen_ms) / 1000)} s ago`, `${g.size}|${toBase64(g.root)}`, {
          published: this.position.note,
          gossiped: g.note,
        }),
      );
  }
}

/**
 * Device ids in hex, by their base64url spelling: a log names a few thousand
 * devices over and over, and decoding each mention cost more than the rules
 * that read it (docs/PERFORMANCE.md, monitor). The spelling was already
 * checked canonical by decodeAccessRecord, so one spelling is one device.
 */
const deviceHexes = new Map<string, string>();
const DEVICE_HEXES_KEPT = 65_536;

function deviceHex(deviceKeyHash: string): string {
  let hex = deviceHexes.get(deviceKeyHash);
  if (hex === undefined) {
    hex = toHex(fromBase64Url(deviceKeyHash));
    if (deviceHexes.size >= DEVICE_HEXES_KEPT) deviceHexes.clear();
    deviceHexes.set(deviceKeyHash, hex);
  }
  return hex;
}

/** SHA-256 of the entry bytes (SPEC §8.4 `prev`), not the RFC 6962 leaf hash; synchronous for the hot path. */
function leafChainHash(entry: Uint8Array): string {
  return createHash('sha256').update(entry).digest('base64url');
}
