/**
 * The lab's fingerprint store (SQLite, lab side only; it never goes to a hub
 * or a vendor): for each item the lab sent, which campaign and item id it is,
 * whether it is a canary, and the keyed hashes of its shingles and canary
 * markers. No text is stored: shingles are HMAC-SHA256 under a key made when
 * the store is created, so the file alone does not let anyone read the items
 * or test guesses about them without that key (kept in the same file: guard
 * the file as the lab guards its item list).
 */
import { randomBytes } from 'node:crypto';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { fail } from '../core/errors.js';
import { hashGram, shingleHashes, stringValues, words, type ShingleHash } from './text-fingerprint.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS fingerprint_key (id INTEGER PRIMARY KEY CHECK (id = 1), key BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS fingerprinted_items (
  id INTEGER PRIMARY KEY,
  campaign TEXT NOT NULL,
  item TEXT NOT NULL,
  canary INTEGER NOT NULL,
  shingles INTEGER NOT NULL,
  added_ms INTEGER NOT NULL,
  UNIQUE (campaign, item)
);
CREATE TABLE IF NOT EXISTS shingles (hash TEXT NOT NULL, item_id INTEGER NOT NULL REFERENCES fingerprinted_items (id), PRIMARY KEY (hash, item_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS canary_markers (hash TEXT NOT NULL, item_id INTEGER NOT NULL REFERENCES fingerprinted_items (id), PRIMARY KEY (hash, item_id)) WITHOUT ROWID;
`;

export interface FingerprintedItem {
  readonly id: number;
  readonly campaign: string;
  readonly item: string;
  readonly canary: boolean;
  readonly shingles: number;
}

export interface ItemToFingerprint {
  readonly campaign: string;
  readonly item: string;
  /** The item's plaintext record (JSON); only its string values are fingerprinted. */
  readonly content: unknown;
  /** For canaries: the invented words that occur nowhere else. */
  readonly markers?: readonly string[];
}

export class FingerprintStore {
  private readonly db: Database;
  readonly key: Uint8Array;

  constructor(path: string) {
    this.db = new BetterSqlite3(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    const row = this.db.prepare('SELECT key FROM fingerprint_key WHERE id = 1').get() as { key: Buffer } | undefined;
    if (row) this.key = new Uint8Array(row.key);
    else {
      this.key = new Uint8Array(randomBytes(32));
      this.db.prepare('INSERT INTO fingerprint_key (id, key) VALUES (1, ?)').run(this.key);
    }
  }

  /** Adds items (idempotent per campaign and item: a second add with other content is refused). */
  add(items: readonly ItemToFingerprint[]): void {
    const insertItem = this.db.prepare('INSERT INTO fingerprinted_items (campaign, item, canary, shingles, added_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (campaign, item) DO NOTHING');
    const existing = this.db.prepare('SELECT id, shingles FROM fingerprinted_items WHERE campaign = ? AND item = ?');
    const insertShingle = this.db.prepare('INSERT OR IGNORE INTO shingles (hash, item_id) VALUES (?, ?)');
    const insertMarker = this.db.prepare('INSERT OR IGNORE INTO canary_markers (hash, item_id) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const it of items) {
        const hashes = shingleHashes(this.key, words(stringValues(it.content).join('\n')));
        if (hashes.size === 0) fail('BAD_FORMAT', `item ${it.item} of ${it.campaign}: no text to fingerprint`);
        const markers = it.markers ?? [];
        const result = insertItem.run(it.campaign, it.item, markers.length > 0 ? 1 : 0, hashes.size, Date.now());
        if (result.changes === 0) {
          const row = existing.get(it.campaign, it.item) as { id: number; shingles: number };
          if (row.shingles !== hashes.size) fail('CONFLICT', `item ${it.item} of ${it.campaign} is already fingerprinted with other content`);
          continue;
        }
        const id = Number(result.lastInsertRowid);
        for (const h of hashes) insertShingle.run(h, id);
        for (const m of markers) for (const w of words(m)) insertMarker.run(hashGram(this.key, w), id);
      }
    })();
  }

  items(): FingerprintedItem[] {
    return (this.db.prepare('SELECT id, campaign, item, canary, shingles FROM fingerprinted_items ORDER BY id').all() as { id: number; campaign: string; item: string; canary: number; shingles: number }[]).map((r) => ({ ...r, canary: r.canary === 1 }));
  }

  /** Item ids holding each of the given shingle hashes. */
  shingleOwners(hashes: Iterable<ShingleHash>): Map<ShingleHash, number[]> {
    return this.owners('SELECT item_id FROM shingles WHERE hash = ?', hashes);
  }

  markerOwners(hashes: Iterable<ShingleHash>): Map<ShingleHash, number[]> {
    return this.owners('SELECT item_id FROM canary_markers WHERE hash = ?', hashes);
  }

  private owners(sql: string, hashes: Iterable<ShingleHash>): Map<ShingleHash, number[]> {
    const stmt = this.db.prepare(sql).pluck();
    const out = new Map<ShingleHash, number[]>();
    for (const h of hashes) {
      const ids = stmt.all(h) as number[];
      if (ids.length > 0) out.set(h, ids);
    }
    return out;
  }

  close(): void {
    this.db.close();
  }
}
