import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { toHex, utf8 } from '../../src/core/bytes.js';
import { decodeAccessRecord, encodeAccessRecord, recordChainHash, type AccessRecord } from '../../src/core/access-record.js';
import { cosignatureVerifier } from '../../src/core/cosignature.js';
import { leafHash } from '../../src/core/merkle.js';
import { ed25519NoteVerifier, parseSignerKey } from '../../src/core/note.js';
import { verifyProofBundle, type TrustPolicy } from '../../src/core/proof-bundle.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { webCryptoPrimitives } from '../../src/core/webcrypto-primitives.js';
import { OUR_VECTORS } from '../support/shared.js';

const DIR = join(OUR_VECTORS, 'log');
const read = (f: string): string => readFileSync(join(DIR, f), 'utf8');
const keys = JSON.parse(read('keys.json')) as { origin: string; log_skey: string; log_vkey: string; witness_vkeys: string[]; quorum: number };
const manifest = JSON.parse(read('manifest.json')) as { cases: { file: string; valid: boolean; error?: string; index?: number }[] };

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? allFiles(join(dir, n)) : [relative(DIR, join(dir, n))]));
}

async function policy(): Promise<TrustPolicy> {
  return {
    origin: keys.origin,
    log: await ed25519NoteVerifier(p, keys.log_vkey),
    witnesses: await Promise.all(keys.witness_vkeys.map((k) => cosignatureVerifier(p, k))),
    quorum: keys.quorum,
  };
}

test('every file in vectors/log is checked', () => {
  const covered = new Set(['keys.json', 'manifest.json', 'access-record.json', ...manifest.cases.map((c) => c.file)]);
  for (const f of allFiles(DIR)) assert.ok(covered.has(f), `${f} is not covered by a test`);
});

test('vectors/log keys: the log skey matches the vkey and the origin', async () => {
  const signer = await parseSignerKey(p, keys.log_skey);
  assert.equal(signer.verifierKey, keys.log_vkey);
  assert.equal(signer.name, keys.origin);
});

for (const prims of [p, webCryptoPrimitives]) {
  test(`vectors/log proof bundles: the valid one verifies, every tampered one fails with its reason (${prims.name})`, async () => {
    const trust = await policy();
    for (const c of manifest.cases) {
      const text = read(c.file);
      if (c.valid) {
        const v = await verifyProofBundle(prims, text, trust);
        assert.equal(v.index, c.index);
        assert.equal(v.witnesses.length, 2);
      } else {
        await assert.rejects(verifyProofBundle(prims, text, trust), (err: Error) => err.message.includes(c.error!), c.file);
      }
    }
  });
}

test('vectors/log access record: leaf bytes, leaf hash and chain hash', async () => {
  const v = JSON.parse(read('access-record.json')) as { record: AccessRecord; leaf_utf8: string; leaf_hash_hex: string; chain_hash_b64url: string; all_leaves_utf8: string[] };
  const bytes = encodeAccessRecord(v.record);
  assert.equal(new TextDecoder().decode(bytes), v.leaf_utf8);
  assert.deepEqual(decodeAccessRecord(utf8(v.leaf_utf8)), v.record);
  assert.equal(toHex(await leafHash(p, bytes)), v.leaf_hash_hex);
  assert.equal(await recordChainHash(p, bytes), v.chain_hash_b64url);
  // The per-annotator chain holds across all five leaves.
  for (let i = 1; i < v.all_leaves_utf8.length; i++) {
    const r = decodeAccessRecord(utf8(v.all_leaves_utf8[i]!));
    assert.equal(r.prev, await recordChainHash(p, utf8(v.all_leaves_utf8[i - 1]!)));
    assert.equal(r.seq, i);
  }
});
