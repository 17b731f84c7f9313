/**
 * The drill's search of a stolen vendor copy reads what the copy stores encoded, not only its raw
 * bytes (src/cli/drill/decoded-views.ts): plaintext and keys kept base64-, base64url-, hex- or
 * gzip-encoded, or gzip inside base64, sit inside a real SQLite file here and are found; and the
 * controls planted inside a real file find what they planted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { inspectItem, sealItem, unwrapDek } from '../../src/core/sealed-item.js';
import { keyCandidates, plantedKeyControl } from '../../src/cli/drill/key-trial.js';
import { PLANTINGS, plantedSearchControl, searchPlaintext, type SearchTarget } from '../../src/cli/drill/plaintext-search.js';
import type { CopiedFile } from '../../src/cli/drill/vendor-copy.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';

const STORED = 'the annotator read how the harbour pilot guided a grain freighter through fog by the sound of bells';
const NEVER_STORED = 'a passage about mountain goats that nobody ever wrote into any vendor database at all anywhere';
const TARGETS: SearchTarget[] = [
  { id: 'stored', canary: 'canary quill amber lattice', texts: [STORED] },
  { id: 'never stored', canary: 'canary never written anywhere', texts: [NEVER_STORED] },
];

/** A SQLite database file (as a vendor copy holds it) whose one row stores `value` in a column. */
async function sqliteHolding(value: string | Uint8Array): Promise<CopiedFile> {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-search-'));
  try {
    const path = join(dir, 'hub.db');
    const db = new Database(path);
    db.exec('create table submissions (seq integer primary key, item text, label blob)');
    const insert = db.prepare('insert into submissions (item, label) values (?, ?)');
    for (let i = 0; i < 50; i++) insert.run(`item-${i}`, Buffer.from(`{"ct":"${'A'.repeat(40)}${i}"}`));
    // Text is stored as the hub stores it, in a JSON column; binary as a blob.
    insert.run('item-stored', typeof value === 'string' ? Buffer.from(JSON.stringify({ v: value })) : Buffer.from(value));
    db.close();
    return { source: 'hub database hub.db', bytes: await readFile(path) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// '???' and '>>>' encode to '/' and '+' in base64, '_' and '-' in base64url: the two alphabets differ here.
const text = `canary quill amber lattice ??? >>>\n${STORED} ??? >>>`;
const STORAGES: Record<string, string | Uint8Array> = {
  raw: text,
  base64: Buffer.from(text).toString('base64'),
  base64url: Buffer.from(text).toString('base64url'),
  hex: Buffer.from(text).toString('hex'),
  gzip: gzipSync(text),
  'gzip in base64': gzipSync(text).toString('base64'),
  'gzip in hex': gzipSync(text).toString('hex'),
};

test('plaintext stored encoded inside a SQLite file is found, canary and word run, and nothing else is', async () => {
  assert.match(String(STORAGES.base64url), /[-_]/);
  for (const [how, stored] of Object.entries(STORAGES)) {
    const result = searchPlaintext([await sqliteHolding(stored)], TARGETS);
    assert.deepEqual([...new Set(result.hits.map((h) => h.record))], ['stored'], how);
    assert.equal(result.canariesFound, 1, `${how}: the canary`);
  }
  const clean = searchPlaintext([await sqliteHolding('nothing of interest here')], TARGETS);
  assert.deepEqual(clean.hits, []);
});

test('the word-run search alone finds eight consecutive words, encoded, without the canary', async () => {
  const words = STORED.split(' ').slice(3, 11).join(' ');
  for (const stored of [words, Buffer.from(words).toString('base64'), gzipSync(words).toString('base64')]) {
    const result = searchPlaintext([await sqliteHolding(stored)], [{ id: 'stored', texts: [STORED] }]);
    assert.deepEqual([...new Set(result.hits.map((h) => h.record))], ['stored']);
    assert.equal(result.canariesFound, 0);
  }
  const seven = STORED.split(' ').slice(3, 10).join(' ');
  assert.deepEqual(searchPlaintext([await sqliteHolding(seven)], [{ id: 'stored', texts: [STORED] }]).hits, [], 'seven words are not a match');
});

test('the search control finds its canary and word run planted inside a real file in every encoding', async () => {
  const control = plantedSearchControl(await sqliteHolding('an ordinary row'));
  assert.deepEqual(control.plantings.map((c) => c.planting), PLANTINGS.map((pl) => pl.name));
  assert.deepEqual(control.plantings.filter((c) => !c.canaryFound || !c.wordRunFound), []);
  assert.equal(control.passed, true);
});

test('keys stored hex, base64, base64url, in gzip or in base64 of gzip are key candidates', async () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
  const spellings = [
    Buffer.from(key).toString('hex'),
    Buffer.from(key).toString('base64'),
    Buffer.from(key).toString('base64url'),
    gzipSync(`key=${Buffer.from(key).toString('base64url')}`),
    gzipSync(Buffer.from(key).toString('hex')).toString('base64'),
  ];
  for (const stored of spellings) {
    const found = keyCandidates([await sqliteHolding(stored)]).map((k) => Buffer.from(k).toString('hex'));
    assert.ok(found.includes(Buffer.from(key).toString('hex')), `key stored as ${typeof stored === 'string' ? stored.slice(0, 12) : 'gzip'}…`);
  }
});

test('the key control finds a real DEK and KEK planted inside a real file and opens the item with them', async () => {
  const labSigner = await p.ed25519FromSeed(new Uint8Array(32).fill(3));
  const kek = { id: 'kek-1', key: new Uint8Array(32).fill(9) };
  const now = Math.floor(Date.now() / 1000);
  const sealed = await sealItem(p, { lab: 'lab', dataset: 'ds', batch: 'b', item: 'item-1', campaign: 'c', policy: 'a'.repeat(64), expires: now + 3600, labSigner, kek }, Buffer.from('secret item'));
  const dek = await unwrapDek(p, kek, await inspectItem(p, sealed));
  const file = await sqliteHolding('an ordinary row');
  const control = await plantedKeyControl(p, file, { dek, kek: kek.key }, { items: [sealed], labels: [], labPublicKey: labSigner.publicKey }, now);
  assert.deepEqual({ ...control, candidates: 0 }, { plantedIn: file.source, candidates: 0, dekOpensItem: true, kekUnwrapsSlot: true, resultKeyOpensLabel: null, passed: true });
  const unplanted = await plantedKeyControl(p, file, { dek: new Uint8Array(32).fill(1), kek: new Uint8Array(32).fill(2) }, { items: [sealed], labels: [], labPublicKey: labSigner.publicKey }, now);
  assert.equal(unplanted.passed, false, 'wrong keys planted: the control fails');
});
