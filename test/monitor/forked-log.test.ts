/**
 * Integrity: the monitor catches a log that shows two histories. The fork is
 * made the only way it can be: the log's own key signing two trees. (With
 * honest witnesses in the policy a fork cannot even be cosigned; these
 * monitors run with quorum 0 to show that the monitor catches it on its own.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAccessRecord, GENESIS_PREV } from '../../src/core/access-record.js';
import { fromBase64, toBase64 } from '../../src/core/bytes.js';
import { ed25519NoteSigner } from '../../src/core/note.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { logReadApi } from '../../src/log/http-read-api.js';
import type { ObjectReader } from '../../src/log/tile-reader.js';
import { LogWriter } from '../../src/log/writer.js';
import { listen } from '../log/support/serve.js';
import { startMonitor } from './support/monitor-harness.js';
import { ORIGIN, seed, startWitnessedLog } from './support/witnessed-log.js';

function entry(i: number, item: string): Uint8Array {
  // Records about no annotator chain on the lab's chain; keep seq distinct so the fork is about content, not chains.
  return encodeAccessRecord({ v: 1, kind: 'policy', decision: 'none', time: '2026-03-02T09:00:00.000Z', reason: `item ${item}`, seq: i, prev: i === 0 ? GENESIS_PREV : 'A'.repeat(43) });
}

test('a forked log is caught: split view from gossip, then a rewritten history', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-fork-'));
  const logKey = await ed25519NoteSigner(p, ORIGIN, seed(1));
  const a = await LogWriter.open({ primitives: p, storage: new FileSystemStorage(join(dir, 'a')), signer: logKey });
  const b = await LogWriter.open({ primitives: p, storage: new FileSystemStorage(join(dir, 'b')), signer: logKey });
  let served: ObjectReader = new FileSystemStorage(join(dir, 'a'));
  const api = await listen(logReadApi({ read: (path) => served.read(path) }));
  const monitor = await startMonitor({ dir, url: api.url, logKey, witnesses: [] }, { rules: { 'chain-gap': { enabled: false } } }, { quorum: 0 });
  try {
    for (let i = 0; i < 3; i++) {
      await a.append(entry(i, `same-${i}`));
      await b.append(entry(i, `same-${i}`));
    }
    await a.append(entry(3, 'honest'));
    await b.append(entry(3, 'forged'));
    await monitor.verified(4);

    // A workstation got B's checkpoint with its grant and reports it: same size, other root.
    await monitor.monitor.gossip(await readFile(join(dir, 'b', 'checkpoint'), 'utf8'), 'workstation');
    const split = await monitor.waitFor('split-view', (x) => x.rule === 'split-view');
    const notes = (split.evidence!.checkpoints as { note: string }[]).map((c) => c.note);
    assert.equal(notes.length, 2, 'both checkpoints are kept as evidence');
    assert.ok(notes.includes(a.checkpoint) && notes.includes(b.checkpoint));

    // The log now serves B and grows it: its history no longer extends what the monitor verified.
    await b.append(entry(4, 'more'));
    served = new FileSystemStorage(join(dir, 'b'));
    const rewritten = await monitor.waitFor('consistency-failure', (x) => x.rule === 'consistency-failure');
    assert.match(rewritten.message, /not consistent with the verified size 4/);
    assert.equal(monitor.monitor.verifiedSize, 4, 'the monitor does not follow a rewritten log');
  } finally {
    await monitor.close();
    await api.close();
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('witness problems and a stalled checkpoint are alerts', { timeout: 30_000 }, async () => {
  const log = await startWitnessedLog();
  const monitor = await startMonitor(log, { stallSeconds: 1 });
  try {
    await log.append({ kind: 'policy', reason: 'CAMPAIGN rlhf-7' });
    const note = log.writer.checkpoint;
    // A cosignature line whose signature bytes were altered: that witness "signed" something else.
    const forged = note.replace(/(\u2014 w1\.example\/witness )(\S+)/, (_m, head: string, sig: string) => {
      const bytes = fromBase64(sig);
      bytes[bytes.length - 1]! ^= 1;
      return head + toBase64(bytes);
    });
    await monitor.monitor.gossip(forged, 'workstation');
    const disagree = await monitor.waitFor('witness-disagreement', (x) => x.rule === 'witness-disagreement');
    assert.match(disagree.message, /w1\.example\/witness/);
    await monitor.waitFor('witness-quorum', (x) => x.rule === 'witness-quorum');

    // A properly cosigned checkpoint that the log never publishes: releases go on off the public record.
    const hidden = await LogWriter.open({ primitives: p, storage: new FileSystemStorage(join(log.dir, 'hidden')), signer: log.logKey });
    for (let i = 0; i < 3; i++) await hidden.append(entry(i, `hidden-${i}`));
    await hidden.close();
    const { ed25519Cosigner } = await import('../../src/core/cosignature.js');
    const { addSignatures, parseNote } = await import('../../src/core/note.js');
    const hiddenNote = await readFile(join(log.dir, 'hidden', 'checkpoint'), 'utf8');
    const text = parseNote(hiddenNote).text;
    const t = Math.floor(Date.now() / 1000);
    const cosigned = addSignatures(hiddenNote, [await (await ed25519Cosigner(p, 'w1.example/witness', seed(11))).cosign(text, t), await (await ed25519Cosigner(p, 'w2.example/witness', seed(12))).cosign(text, t)]);
    await monitor.monitor.gossip(cosigned, 'workstation');
    const stall = await monitor.waitFor('checkpoint-stall', (x) => x.rule === 'checkpoint-stall');
    assert.match(stall.message, /still serves size 1/);
  } finally {
    await monitor.close();
    await log.close();
  }
});
