/**
 * npm run bench:log — durable appends/s at batch 1, 64 and 1024 on disk;
 * inclusion proofs generated and verified per second at 1M entries;
 * consistency proof verifications per second. Baselines measured in the same
 * run: raw fsync'd file appends (the durability floor) and raw SHA-256 of the
 * same leaves (the hashing floor). Ends with one line of JSON.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utf8 } from '../src/core/bytes.js';
import { consistencyProof, inclusionProof, leafHash, verifyConsistency, verifyInclusion, type Hash } from '../src/core/merkle.js';
import { ed25519NoteSigner } from '../src/core/note.js';
import { nodePrimitives as p } from '../src/platform/node-primitives.js';
import { FileSystemStorage } from '../src/log/fs-storage.js';
import { TileNodeSource } from '../src/log/tile-reader.js';
import { TiledTree } from '../src/log/tiled-tree.js';
import { LogWriter } from '../src/log/writer.js';

const round = (x: number): number => Math.round(x);
const entry = (i: number): Uint8Array => utf8(`{"kind":"release","item":"item-${i}","seq":${i}}`);

async function rawFsyncAppends(dir: string, seconds: number): Promise<number> {
  const f = await open(join(dir, 'raw.log'), 'a');
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await f.write(entry(n++));
    await f.sync();
  }
  await f.close();
  return n / ((performance.now() - start) / 1000);
}

async function durableAppends(dir: string, batch: number, total: number): Promise<number> {
  const signer = await ed25519NoteSigner(p, 'bench.keyhole.example/log', new Uint8Array(32).fill(1));
  const writer = await LogWriter.open({ primitives: p, storage: new FileSystemStorage(join(dir, `b${batch}`)), signer, batchSize: batch, batchDelayMs: 2 });
  const start = performance.now();
  // Keep `batch` appends in flight (and at least one) so that batches fill.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) await writer.append(entry(next++));
  };
  await Promise.all(Array.from({ length: Math.max(1, batch) }, worker));
  const rate = total / ((performance.now() - start) / 1000);
  await writer.close();
  return rate;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-bench-'));
  try {
    const rawFsync = await rawFsyncAppends(dir, 2);
    console.log(`baseline: raw fsync'd appends            ${round(rawFsync)}/s`);
    const appends: Record<string, number> = {};
    for (const [batch, total] of [[1, 200], [64, 6_000], [1024, 60_000]] as const) {
      appends[batch] = await durableAppends(dir, batch, total);
      console.log(`durable appends, batch ${String(batch).padEnd(4)}              ${round(appends[batch]!)}/s  (${(appends[batch]! / rawFsync).toFixed(2)}x raw fsync)`);
    }

    // A 1M-entry tree, built in memory then stored once (tiles only matter for proofs).
    const N = 1_000_000;
    let start = performance.now();
    const leaves: Hash[] = [];
    for (let i = 0; i < N; i++) leaves.push(await leafHash(p, entry(i)));
    const hashRate = N / ((performance.now() - start) / 1000);
    console.log(`baseline: raw SHA-256 leaf hashing       ${round(hashRate)}/s`);
    const storage = new FileSystemStorage(join(dir, 'million'));
    const tree = TiledTree.empty(p);
    const grown = await tree.append(Array.from({ length: N }, (_, i) => entry(i)));
    await storage.writeAll(grown.objects);
    const root = await grown.tree.root();
    const source = new TileNodeSource(p, storage, N);

    const proofs = 2_000;
    const indices = Array.from({ length: proofs }, (_, i) => (i * 7_919_993) % N);
    start = performance.now();
    const generated: Hash[][] = [];
    for (const i of indices) generated.push(await inclusionProof(p, source, i, N));
    const genRate = proofs / ((performance.now() - start) / 1000);
    start = performance.now();
    for (let k = 0; k < proofs; k++) await verifyInclusion(p, indices[k]!, N, leaves[indices[k]!]!, generated[k]!, root);
    const verifyRate = proofs / ((performance.now() - start) / 1000);
    console.log(`inclusion proofs generated at 1M         ${round(genRate)}/s  (from tiles on disk, cached)`);
    console.log(`inclusion proofs verified at 1M          ${round(verifyRate)}/s  (${(verifyRate / hashRate).toFixed(3)}x leaf hashing)`);

    const oldSize = 999_983;
    const oldRoot = await (await TiledTree.empty(p).append(Array.from({ length: oldSize }, (_, i) => entry(i)))).tree.root();
    const cproof = await consistencyProof(p, source, oldSize, N);
    const rounds = 5_000;
    start = performance.now();
    for (let k = 0; k < rounds; k++) await verifyConsistency(p, oldSize, N, cproof, oldRoot, root);
    const consRate = rounds / ((performance.now() - start) / 1000);
    console.log(`consistency proofs verified (999983->1M) ${round(consRate)}/s`);

    console.log(
      JSON.stringify({
        bench: 'log',
        baseline_raw_fsync_appends_per_s: round(rawFsync),
        baseline_sha256_leaf_hashes_per_s: round(hashRate),
        durable_appends_per_s: { batch_1: round(appends[1]!), batch_64: round(appends[64]!), batch_1024: round(appends[1024]!) },
        ratio_batch_1024_to_raw_fsync: Number((appends[1024]! / rawFsync).toFixed(2)),
        inclusion_proofs_generated_per_s_1m: round(genRate),
        inclusion_proofs_verified_per_s_1m: round(verifyRate),
        consistency_proofs_verified_per_s: round(consRate),
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
