/**
 * Power loss at every step of a batch, for the log writer and for the witness. Unlike SIGKILL (which
 * keeps the page cache, test/log/crash.test.ts), the disk here keeps only what was fsync'd:
 * FileSystemStorage runs its real write, fsync and rename sequence over PageCacheFs, which drops
 * unsynced file bytes and directory entries at the cut (support/page-cache-fs.ts).
 *
 * After every cut: the log reopens on what the disk kept, verifies end to end, holds every entry
 * that was acknowledged before the cut at its index, and keeps growing with the same witness (so no
 * size the witness cosigned was lost); a rebooted witness still holds every size it cosigned.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { constantTimeEqual, utf8 } from '../../src/core/bytes.js';
import { parseCheckpointBody } from '../../src/core/checkpoint.js';
import { cosignatureVerifier, ed25519Cosigner, type CosignatureVerifier, type Cosigner } from '../../src/core/cosignature.js';
import { ed25519NoteSigner, ed25519NoteVerifier, parseNote, type Ed25519NoteKey, type NoteVerifier } from '../../src/core/note.js';
import { listenOn, type Listening } from '../../src/cli/services/listen.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { readEntry } from '../../src/log/tile-reader.js';
import { auditLog } from '../../src/log/verify-log.js';
import { WitnessQuorum } from '../../src/log/witness-client.js';
import { parseAddCheckpoint } from '../../src/log/witness-protocol.js';
import { witnessApp } from '../../src/log/witness-server.js';
import { LogWriter } from '../../src/log/writer.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { PageCacheFs } from './support/page-cache-fs.js';

const ORIGIN = 'power.keyhole.example/log';
const BATCH = 3;
/** Two batches after the writer's first open: the second one's steps cut power under the first's acknowledged entries. */
const ROUNDS = 2;

const entryOf = (round: number, i: number): Uint8Array => utf8(`round ${round} entry ${i}`);

interface Keys {
  readonly log: Ed25519NoteKey;
  readonly logVerifier: NoteVerifier;
  readonly cosigner: Cosigner;
  readonly witness: CosignatureVerifier;
}

async function keys(): Promise<Keys> {
  const log = await ed25519NoteSigner(p, ORIGIN, new Uint8Array(32).fill(21));
  const cosigner = await ed25519Cosigner(p, 'power.example/witness', new Uint8Array(32).fill(22));
  return { log, logVerifier: await ed25519NoteVerifier(p, log.verifierKey), cosigner, witness: await cosignatureVerifier(p, cosigner.verifierKey) };
}

/** A witness whose state lives on `disk`, served on one URL across reboots; it notes every size it cosigned. */
class Witness {
  readonly cosigned: number[] = [];
  private constructor(
    private readonly k: Keys,
    private readonly server: Listening,
    public disk: PageCacheFs,
  ) {}

  static async start(k: Keys, disk: PageCacheFs): Promise<Witness> {
    const server = await listenOn(() => new Response('booting', { status: 503 }), 0);
    const w = new Witness(k, server, disk);
    w.boot(disk);
    return w;
  }

  get url(): string {
    return this.server.url;
  }

  /** Serves from `disk` (after a reboot: what the old disk kept). */
  boot(disk: PageCacheFs): void {
    this.disk = disk;
    const app = witnessApp({ primitives: p, cosigner: this.k.cosigner, logs: new Map([[ORIGIN, this.k.logVerifier]]), state: new FileSystemStorage('/witness', disk) });
    this.server.mount(async (req) => {
      const body = await req.clone().text();
      const res = await app.fetch(req);
      if (res.status === 200) this.cosigned.push(parseCheckpointBody(parseNote(parseAddCheckpoint(body).checkpoint).text).size);
      return res;
    });
  }

  /** The size the witness's state on disk holds for the log (0 when none). */
  async stateSize(): Promise<number> {
    const bytes = await new FileSystemStorage('/witness', this.disk).read(`logs/${createHash('sha256').update(ORIGIN).digest('hex')}.json`);
    return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as { size: number }).size : 0;
  }

  close(): Promise<void> {
    return this.server.close(0);
  }
}

function openWriter(k: Keys, disk: PageCacheFs, witness: Witness): Promise<LogWriter> {
  return LogWriter.open({
    primitives: p,
    storage: new FileSystemStorage('/log', disk),
    signer: k.log,
    batchSize: BATCH,
    witnessing: new WitnessQuorum({ witnesses: [{ url: witness.url, verifier: k.witness }], quorum: 1 }),
  });
}

/** Opens the writer and appends ROUNDS batches; records what was acknowledged; stops at the first failure. */
async function run(k: Keys, disk: PageCacheFs, witness: Witness, acked: Map<number, Uint8Array>): Promise<void> {
  let writer: LogWriter;
  try {
    writer = await openWriter(k, disk, witness);
  } catch {
    return;
  }
  for (let round = 0; round < ROUNDS; round++) {
    const entries = Array.from({ length: BATCH }, (_, i) => entryOf(round, i));
    const results = await Promise.allSettled(entries.map((e) => writer.append(e)));
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') acked.set(r.value.index, entries[i]!);
    });
    if (results.some((r) => r.status === 'rejected')) return;
  }
  await writer.close();
}

/** The log on `disk` reopens with `witness`, verifies, holds every acknowledged entry, and grows again. */
async function checkRecovered(k: Keys, disk: PageCacheFs, witness: Witness, acked: Map<number, Uint8Array>, where: string): Promise<void> {
  const writer = await openWriter(k, disk, witness).catch((err: Error) => assert.fail(`${where}: the log does not reopen: ${err.message}`));
  const storage = new FileSystemStorage('/log', disk);
  const audit = await auditLog(p, storage, k.logVerifier).catch((err: Error) => assert.fail(`${where}: the recovered log does not verify: ${err.message}`));
  for (const [index, entry] of acked) {
    assert.ok(index < audit.checkpoint.size, `${where}: acknowledged entry ${index} is past the recovered size ${audit.checkpoint.size}`);
    assert.ok(constantTimeEqual(await readEntry(storage, index, audit.checkpoint.size), entry), `${where}: acknowledged entry ${index} changed`);
  }
  const next = await writer.append(utf8('after the outage')).catch((err: Error) => assert.fail(`${where}: the recovered log cannot grow with its witness: ${err.message}`));
  assert.equal(next.index, audit.checkpoint.size, `${where}: the next entry follows the recovered log`);
  await writer.close();
}

test('power lost at every step of the log writer: the log recovers with every acknowledged entry', { timeout: 300_000 }, async () => {
  const k = await keys();
  const dry = PageCacheFs.empty();
  const dryWitness = await Witness.start(k, PageCacheFs.empty());
  try {
    await run(k, dry, dryWitness, new Map());
  } finally {
    await dryWitness.close();
  }
  const steps = dry.calls;
  assert.ok(steps > 40, `the writer's open and ${ROUNDS} batches take ${steps} file-system steps`);

  for (let cut = 0; cut < steps; cut++) {
    const disk = PageCacheFs.empty();
    const witness = await Witness.start(k, PageCacheFs.empty());
    try {
      disk.cutPowerAt(cut);
      const acked = new Map<number, Uint8Array>();
      await run(k, disk, witness, acked);
      assert.ok(disk.powerLost, `step ${cut}: the cut happened`);
      await checkRecovered(k, disk.afterPowerLoss(), witness, acked, `power cut at writer step ${cut} of ${steps}`);
    } finally {
      await witness.close();
    }
  }
});

test('power lost at every step of the witness: it keeps every size it cosigned, and the log goes on', { timeout: 300_000 }, async () => {
  const k = await keys();
  const dryWitness = await Witness.start(k, PageCacheFs.empty());
  try {
    await run(k, PageCacheFs.empty(), dryWitness, new Map());
  } finally {
    await dryWitness.close();
  }
  const steps = dryWitness.disk.calls;
  assert.ok(steps > 10, `the witness takes ${steps} file-system steps`);

  for (let cut = 0; cut < steps; cut++) {
    const where = `power cut at witness step ${cut} of ${steps}`;
    const disk = PageCacheFs.empty();
    const witness = await Witness.start(k, PageCacheFs.empty());
    try {
      witness.disk.cutPowerAt(cut);
      const acked = new Map<number, Uint8Array>();
      await run(k, disk, witness, acked);
      assert.ok(witness.disk.powerLost, `${where}: the cut happened`);
      witness.boot(witness.disk.afterPowerLoss());
      const kept = await witness.stateSize();
      assert.ok(kept >= Math.max(0, ...witness.cosigned), `${where}: the witness cosigned size ${Math.max(...witness.cosigned)} but its disk kept ${kept}`);
      await checkRecovered(k, disk, witness, acked, where);
    } finally {
      await witness.close();
    }
  }
});
