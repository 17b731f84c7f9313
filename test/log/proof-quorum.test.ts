/**
 * The witness quorum of an offline proof bundle (src/core/proof-bundle.ts, SPEC §6): a bundle is
 * believed only when its checkpoint carries cosignatures from `quorum` distinct witnesses of the
 * trust policy. The bundles here are real — a log on disk cosigned by two witnesses over HTTP —
 * and the cosignature lines are then removed, repeated or replaced by an untrusted witness's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utf8 } from '../../src/core/bytes.js';
import { cosignatureVerifier, ed25519Cosigner } from '../../src/core/cosignature.js';
import { KeyholeError } from '../../src/core/errors.js';
import { ed25519NoteSigner, ed25519NoteVerifier } from '../../src/core/note.js';
import { verifyProofBundle, type TrustPolicy } from '../../src/core/proof-bundle.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { buildProofBundle } from '../../src/log/proofs.js';
import { WitnessQuorum } from '../../src/log/witness-client.js';
import { witnessApp } from '../../src/log/witness-server.js';
import { LogWriter } from '../../src/log/writer.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { listen, type Running } from './support/serve.js';

const ORIGIN = 'quorum.keyhole.example/log';

/** The bundle's lines with every cosignature line by `name` removed, or repeated. */
function signatureLines(bundle: string, name: string, how: 'drop' | 'twice'): string {
  const lines = bundle.split('\n');
  return lines.flatMap((l) => (l.startsWith(`— ${name} `) ? (how === 'drop' ? [] : [l, l]) : [l])).join('\n');
}

function refused(message: RegExp, code = 'BAD_SIGNATURE') {
  return (err: unknown): boolean => {
    assert.ok(err instanceof KeyholeError, `expected a KeyholeError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  };
}

const short = (have: number, need: number) => refused(new RegExp(`${have} witness cosignatures, ${need} required`));

test('a proof bundle needs cosignatures from a quorum of distinct trusted witnesses', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-quorum-'));
  const servers: Running[] = [];
  try {
    const logKey = await ed25519NoteSigner(p, ORIGIN, new Uint8Array(32).fill(3));
    const logs = new Map([[ORIGIN, await ed25519NoteVerifier(p, logKey.verifierKey)]]);
    const cosigners = await Promise.all(['w1.example/witness', 'w2.example/witness', 'w3.example/witness'].map((name, i) => ed25519Cosigner(p, name, new Uint8Array(32).fill(40 + i))));
    const [w1, w2, w3] = await Promise.all(cosigners.map((c) => cosignatureVerifier(p, c.verifierKey)));
    for (const [i, cosigner] of cosigners.entries()) servers.push(await listen(witnessApp({ primitives: p, cosigner, logs, state: new FileSystemStorage(join(dir, `w${i}`)) })));

    const storage = new FileSystemStorage(join(dir, 'log'));
    const witnesses = [w1!, w2!, w3!].map((verifier, i) => ({ url: servers[i]!.url, verifier }));
    const writer = await LogWriter.open({ primitives: p, storage, signer: logKey, batchSize: 1, witnessing: new WitnessQuorum({ witnesses, quorum: 3 }) });
    const acked = await writer.append(utf8('the entry'));
    await writer.close();
    const bundle = await buildProofBundle(p, storage, acked.index, acked.checkpoint);

    const policy = (quorum: number, trusted = [w1!, w2!]): TrustPolicy => ({ log: logs.get(ORIGIN)!, origin: ORIGIN, witnesses: trusted, quorum });
    // Control: the full bundle verifies at quorum 2 of the two trusted witnesses (w3's line is ignored).
    assert.deepEqual([...(await verifyProofBundle(p, bundle, policy(2))).witnesses].sort(), ['w1.example/witness', 'w2.example/witness']);

    const onlyW1 = signatureLines(bundle, 'w2.example/witness', 'drop');
    assert.equal((await verifyProofBundle(p, onlyW1, policy(1))).witnesses.length, 1);
    await assert.rejects(verifyProofBundle(p, onlyW1, policy(2)), short(1, 2));
    // w1's cosignature twice does not count as two witnesses.
    await assert.rejects(verifyProofBundle(p, signatureLines(onlyW1, 'w1.example/witness', 'twice'), policy(2)), refused(/two signatures by w1/, 'BAD_FORMAT'));
    // Only w3's cosignature left: genuine, but from a witness the policy does not trust.
    const noTrusted = signatureLines(onlyW1, 'w1.example/witness', 'drop');
    await assert.rejects(verifyProofBundle(p, noTrusted, policy(1)), refused(/no signature by a known key/));
    assert.equal((await verifyProofBundle(p, noTrusted, policy(1, [w3!]))).witnesses[0], 'w3.example/witness', 'the w3 line itself is genuine');
  } finally {
    for (const s of servers) await s.close();
    await rm(dir, { recursive: true, force: true });
  }
});
