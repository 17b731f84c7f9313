/**
 * Writes keyhole's own log vectors into vectors/log/ (deterministic: fixed
 * test seeds and timestamps). Run: npx tsx test/log/support/make-vectors.ts
 * test/log/vectors.test.ts checks every file it writes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromUtf8, toBase64, toBase64Url, toHex } from '../../../src/core/bytes.js';
import { encodeAccessRecord, GENESIS_PREV, recordChainHash, type AccessRecord } from '../../../src/core/access-record.js';
import { signCheckpoint } from '../../../src/core/checkpoint.js';
import { ed25519Cosigner } from '../../../src/core/cosignature.js';
import { inclusionProof, leafHash, rootFromLeafHashes, type Hash, type NodeSource } from '../../../src/core/merkle.js';
import { addSignatures, ed25519NoteSigner, formatSignerKey } from '../../../src/core/note.js';
import { formatProofBundle, parseProofBundle } from '../../../src/core/proof-bundle.js';
import { nodePrimitives as p } from '../../../src/platform/node-primitives.js';
import { OUR_VECTORS } from '../../support/shared.js';

const OUT = join(OUR_VECTORS, 'log');
const ORIGIN = 'lab.example/keyhole/audit/v1';
const seed = (b: number): Uint8Array => new Uint8Array(32).fill(b);

const log = await ed25519NoteSigner(p, ORIGIN, seed(0x10));
const w1 = await ed25519Cosigner(p, 'witness1.example/w', seed(0x21));
const w2 = await ed25519Cosigner(p, 'witness2.example/w', seed(0x22));

const records: AccessRecord[] = [];
const leaves: Uint8Array[] = [];
let prev = GENESIS_PREV;
for (let i = 0; i < 5; i++) {
  const r: AccessRecord = {
    v: 1,
    kind: i === 2 ? 'deny' : 'release',
    time: `2026-03-01T12:00:0${i}.000Z`,
    campaign: 'campaign-7',
    item: `item-${100 + i}`,
    annotator: 'ann-5f2c',
    deviceKeyHash: toBase64Url(await p.sha256(seed(0x30))),
    decision: i === 2 ? 'deny' : 'allow',
    ...(i === 2 ? { reason: 'pace-limit' } : {}),
    seq: i,
    prev,
  };
  const bytes = encodeAccessRecord(r);
  records.push(r);
  leaves.push(bytes);
  prev = await recordChainHash(p, bytes);
}
const hashes: Hash[] = [];
for (const l of leaves) hashes.push(await leafHash(p, l));
const source: NodeSource = { node: (level, index) => rootFromLeafHashes(p, hashes.slice(index * 2 ** level, (index + 1) * 2 ** level)) };
const root = await rootFromLeafHashes(p, hashes);
const checkpointBody = { origin: ORIGIN, size: 5, rootHash: root, extensions: [] };
const note = await signCheckpoint(checkpointBody, [log]);
const t = 1_772_366_400;
const body = note.slice(0, note.indexOf('\n\n') + 1);
const cosigned = addSignatures(note, [await w1.cosign(body, t), await w2.cosign(body, t + 1)]);
const index = 3;
const bundle = formatProofBundle({ entry: leaves[index]!, index, proof: await inclusionProof(p, source, index, 5), checkpoint: cosigned });

await mkdir(join(OUT, 'tampered'), { recursive: true });
const keys = {
  comment: 'TEST KEYS ONLY. Trust policy for the proof bundles in this folder: log vkey, witness vkeys, quorum 2.',
  origin: ORIGIN,
  log_skey: formatSignerKey(log.name, log.keyId, seed(0x10)),
  log_vkey: log.verifierKey,
  witness_seeds_hex: { [w1.name]: toHex(seed(0x21)), [w2.name]: toHex(seed(0x22)) },
  witness_vkeys: [w1.verifierKey, w2.verifierKey],
  quorum: 2,
};
await writeFile(join(OUT, 'keys.json'), JSON.stringify(keys, null, 2) + '\n');
await writeFile(
  join(OUT, 'access-record.json'),
  JSON.stringify(
    {
      comment: 'Log leaf 3 of proof-bundle.tlog-proof: the record, its exact leaf bytes (canonical JSON, RFC 8785), the RFC 6962 leaf hash, and the chain hash a following record of the same annotator puts in prev.',
      record: records[index],
      leaf_utf8: fromUtf8(leaves[index]!),
      leaf_hash_hex: toHex(hashes[index]!),
      chain_hash_b64url: await recordChainHash(p, leaves[index]!),
      all_leaves_utf8: leaves.map((l) => fromUtf8(l)),
      root_hash_b64: toBase64(root),
    },
    null,
    2,
  ) + '\n',
);
await writeFile(join(OUT, 'proof-bundle.tlog-proof'), bundle);

const parsed = parseProofBundle(bundle);
const lines = bundle.split('\n');
const flip = (s: string, at: number): string => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
const tampered: Record<string, [string, string]> = {
  'entry-bit-flip': [bundle.replace(lines[1]!, `extra ${toBase64(Uint8Array.from(parsed.entry, (b, i) => (i === 20 ? b ^ 1 : b)))}`), 'does not lead to the root'],
  'index-changed': [bundle.replace('index 3\n', 'index 2\n'), 'does not lead to the root'],
  'index-leading-zero': [bundle.replace('index 3\n', 'index 03\n'), 'leading zeros'],
  'proof-truncated': [bundle.replace(`${lines[4]!}\n`, ''), 'expected 3'],
  'proof-reordered': [bundle.replace(`${lines[3]!}\n${lines[4]!}\n`, `${lines[4]!}\n${lines[3]!}\n`), 'does not lead to the root'],
  'proof-hash-flipped': [bundle.replace(lines[3]!, flip(lines[3]!, 5)), 'does not lead to the root'],
  'checkpoint-size-changed': [bundle.replace(`${ORIGIN}\n5\n`, `${ORIGIN}\n6\n`), 'does not verify'],
  'checkpoint-root-changed': [bundle.replace(toBase64(root), toBase64(new Uint8Array(32))), 'does not verify'],
  'one-cosignature-removed': [bundle.replace(/\u2014 witness2[^\n]*\n/, ''), '1 witness cosignatures, 2 required'],
  'cosignature-flipped': [bundle.replace(/(\u2014 witness1\.example\/w )(\S+)/, (_m, a: string, b: string) => a + flip(b, 30)), 'does not verify'],
  'wrong-header': [bundle.replace('tlog-proof@v1', 'tlog-proof@v2'), 'first line'],
  'no-entry': [bundle.replace(`${lines[1]!}\n`, ''), 'extra'],
  'bad-base64': [bundle.replace(lines[3]!, lines[3]!.slice(0, -1) + '!'), 'base64'],
};
const manifest = {
  comment: 'Each file must verify (valid) or be rejected with an error containing `error`, under the trust policy in keys.json.',
  cases: [
    { file: 'proof-bundle.tlog-proof', valid: true, index },
    ...Object.entries(tampered).map(([name, [, error]]) => ({ file: `tampered/${name}.tlog-proof`, valid: false, error })),
  ],
};
for (const [name, [text]] of Object.entries(tampered)) await writeFile(join(OUT, 'tampered', `${name}.tlog-proof`), text);
await writeFile(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`wrote ${manifest.cases.length} proof bundles to ${OUT}`);
