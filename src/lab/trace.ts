/**
 * `keyhole trace`: which of the lab's items are in a leaked dump, and who had
 * them. The dump is any text (JSONL, a paste, a re-serialized export); it is
 * reduced to word shingles (text-fingerprint.ts) and matched against the
 * lab's fingerprint store. An item counts as leaked when enough of its
 * shingles appear (a partial copy is enough), or, for a canary, when two of
 * its invented words do. Recipients come from the log's release records
 * (as verified by the monitor), so the answer does not rest on the hub.
 */
import type { FingerprintStore } from './fingerprint-store.js';
import { hashGram, shingleHashes, words } from './text-fingerprint.js';

export interface ReleaseRecord {
  readonly idx: number;
  readonly kind: string;
  readonly time_ms: number;
  readonly annotator: string | null;
  readonly vendor: string;
}

/** Log records about one item (the monitor's verified copy of the log). */
export type ReleaseLookup = (campaign: string, item: string) => readonly ReleaseRecord[];

export interface TraceOptions {
  /** Shingles that must match before an item counts (partial copies). */
  readonly minShingles?: number;
  /** ...and the share of the item's shingles they must be, unless at least `sureShingles` match. */
  readonly minCoverage?: number;
  readonly sureShingles?: number;
  /** A shingle shared by more items than this is boilerplate and proves nothing. */
  readonly maxOwners?: number;
  /** Distinct invented words of one canary that make it leaked on their own. */
  readonly minMarkers?: number;
}

export interface Recipient {
  readonly annotator: string;
  readonly vendor: string;
  readonly time: string;
  readonly logIndex: number;
}

export interface LeakedItem {
  readonly campaign: string;
  readonly item: string;
  readonly canary: boolean;
  readonly matchedShingles: number;
  readonly shingles: number;
  readonly markers: number;
  readonly recipients: readonly Recipient[];
}

export interface Suspect {
  readonly annotator: string;
  readonly vendor: string;
  readonly items: number;
  readonly canaries: number;
}

export interface TraceResult {
  readonly words: number;
  readonly leaked: readonly LeakedItem[];
  /** Recipients of leaked items, those holding the most leaked canaries (then items) first. */
  readonly suspects: readonly Suspect[];
}

export function traceLeak(store: FingerprintStore, dump: string, lookup: ReleaseLookup, o: TraceOptions = {}): TraceResult {
  const minShingles = o.minShingles ?? 4;
  const minCoverage = o.minCoverage ?? 0.2;
  const sureShingles = o.sureShingles ?? 20;
  const maxOwners = o.maxOwners ?? 3;
  const minMarkers = o.minMarkers ?? 2;
  const tokens = words(dump);
  const shingleHits = new Map<number, number>();
  for (const ids of store.shingleOwners(shingleHashes(store.key, tokens)).values()) {
    if (ids.length > maxOwners) continue;
    for (const id of ids) shingleHits.set(id, (shingleHits.get(id) ?? 0) + 1);
  }
  const markerHits = new Map<number, number>();
  for (const ids of store.markerOwners(new Set(tokens.map((t) => hashGram(store.key, t)))).values()) for (const id of ids) markerHits.set(id, (markerHits.get(id) ?? 0) + 1);

  const leaked: LeakedItem[] = [];
  for (const it of store.items()) {
    const matched = shingleHits.get(it.id) ?? 0;
    const markers = markerHits.get(it.id) ?? 0;
    const byText = matched >= Math.min(minShingles, it.shingles) && (matched >= sureShingles || matched / it.shingles >= minCoverage);
    if (!byText && !(it.canary && markers >= minMarkers)) continue;
    const recipients = lookup(it.campaign, it.item)
      .filter((r) => r.kind === 'release' && r.annotator !== null)
      .map((r) => ({ annotator: r.annotator!, vendor: r.vendor, time: new Date(r.time_ms).toISOString(), logIndex: r.idx }));
    leaked.push({ campaign: it.campaign, item: it.item, canary: it.canary, matchedShingles: matched, shingles: it.shingles, markers, recipients });
  }

  const suspects = new Map<string, { annotator: string; vendor: string; items: number; canaries: number }>();
  for (const l of leaked) {
    for (const annotator of new Set(l.recipients.map((r) => r.annotator))) {
      const s = suspects.get(annotator) ?? { annotator, vendor: l.recipients.find((r) => r.annotator === annotator)!.vendor, items: 0, canaries: 0 };
      s.items++;
      if (l.canary) s.canaries++;
      suspects.set(annotator, s);
    }
  }
  const ranked = [...suspects.values()].sort((a, b) => b.canaries - a.canaries || b.items - a.items || a.annotator.localeCompare(b.annotator));
  return { words: tokens.length, leaked, suspects: ranked };
}

/** The trace as a person reads it; ids and annotator names are log ids ([A-Za-z0-9._:-]), safe to print. */
export function formatTrace(t: TraceResult): string {
  const lines = [`scanned ${t.words} words; ${t.leaked.length} item(s) found, ${t.leaked.filter((l) => l.canary).length} of them canaries`];
  for (const l of t.leaked) {
    const who = l.recipients.length === 0 ? 'nobody, per the log' : l.recipients.map((r) => `${r.annotator} at ${r.time} (log #${r.logIndex})`).join(', ');
    lines.push(`  ${l.canary ? 'CANARY ' : ''}${l.campaign}/${l.item}: ${l.matchedShingles}/${l.shingles} shingles${l.canary ? `, ${l.markers} marker words` : ''}; released to ${who}`);
  }
  if (t.suspects.length > 0) lines.push(`suspects: ${t.suspects.map((s) => `${s.annotator} (${s.canaries} canaries, ${s.items} items)`).join('; ')}`);
  return lines.join('\n');
}
