/**
 * Crash: a gatekeeper child process is SIGKILLed at random moments while 16
 * clients release keys from it, many times over. After each restart, every
 * grant any client received has its release record in the log, and the log
 * verifies from its tiles (no key without its log entry).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signAssignment } from '../../src/core/assignment.js';
import { decodeAccessRecord } from '../../src/core/access-record.js';
import { deviceId } from '../../src/core/device.js';
import { ed25519NoteVerifier } from '../../src/core/note.js';
import { signReleaseRequest } from '../../src/core/release.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { readEntry } from '../../src/log/tile-reader.js';
import { auditLog } from '../../src/log/verify-log.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { CRASH } from './support/crash-fixture.js';

const CHILD = new URL('./support/crash-gatekeeper.ts', import.meta.url).pathname;
const ROUNDS = 6;

interface Child {
  proc: ChildProcess;
  port: number;
  vkey: string;
  items: Map<number, string>;
}

function start(dir: string): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const items = new Map<number, string>();
    let vkey = '';
    let buffer = '';
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const [tag, a, b] = line.split(' ');
        if (tag === 'ITEM') items.set(Number(a), b!);
        if (tag === 'VKEY') vkey = line.slice(5);
        if (tag === 'READY') resolve({ proc, port: Number(a), vkey, items });
      }
    });
    proc.on('exit', (code, signal) => reject(new Error(`gatekeeper child exited early (${code ?? signal}): ${stderr}`)));
  });
}

test(`SIGKILL at random points during releases, ${ROUNDS} times: every grant received has its release record`, { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-gk-crash-'));
  const hub = await p.ed25519FromSeed(CRASH.hubSeed);
  const devices = await Promise.all(Array.from({ length: CRASH.annotators }, (_, a) => CRASH.device(a)));
  const ids = await Promise.all(devices.map((d) => deviceId(p, d.keys)));
  const granted = new Set<string>();
  let digests = new Map<number, string>();
  let vkey = '';
  let next = 0;
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const t = Date.now();
      const child = await start(dir);
      if (process.env.KEYHOLE_TEST_VERBOSE) console.log(`start ${round}: ${Date.now() - t} ms`);
      if (round === 0) ({ items: digests, vkey } = child);
      if (round === ROUNDS) {
        // Recovery run only: the last start republished any lagging checkpoint.
        const exited = new Promise((r) => child.proc.once('exit', r));
        child.proc.kill('SIGTERM');
        await exited;
        break;
      }
      const url = `http://127.0.0.1:${child.port}/v1/release`;
      let alive = true;
      const exited = new Promise<void>((r) => child.proc.once('exit', () => r()));
      // Kill at a random moment once releases are flowing, so that kills land between decision and answer.
      let armed = false;
      const arm = (): void => {
        if (armed) return;
        armed = true;
        setTimeout(() => child.proc.kill('SIGKILL'), 50 + Math.floor(Math.random() * 700));
      };
      const before = granted.size;
      // Should no release ever succeed, the round still ends (and fails below).
      const fallback = setTimeout(() => child.proc.kill('SIGKILL'), 10_000);
      const t0 = Date.now();
      const client = async (): Promise<void> => {
        while (alive) {
          const k = next++;
          const a = k % CRASH.annotators;
          const item = Math.floor(k / CRASH.annotators) % CRASH.items;
          const now = Math.floor(Date.now() / 1000);
          const assignment = await signAssignment(hub, { v: 1, hub: CRASH.hub, lab: CRASH.lab, campaign: CRASH.campaign, item: `item-${item}`, digest: digests.get(item)!, lease: `l-${k}`, annotator: `ann-${a}`, device: ids[a]!, issued: now, expires: now + 600 });
          const request = await signReleaseRequest(p, devices[a]!, assignment, now);
          try {
            const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
            const body = (await res.json()) as { grant?: unknown };
            if (res.status === 200 && body.grant) {
              granted.add(request.sig);
              arm();
            }
          } catch {
            alive = false;
          }
        }
      };
      await Promise.all([...Array.from({ length: 16 }, client), exited.then(() => (alive = false))]);
      clearTimeout(fallback);
      if (process.env.KEYHOLE_TEST_VERBOSE) console.log(`round ${round}: ${granted.size - before} grants in ${Date.now() - t0} ms`);
      assert.ok(granted.size > before, `round ${round}: no grant before the kill`);
    }
    assert.ok(granted.size > 50, `only ${granted.size} grants over ${ROUNDS} rounds; the test did not exercise releases`);
    const storage = new FileSystemStorage(join(dir, 'log'));
    const audit = await auditLog(p, storage, await ed25519NoteVerifier(p, vkey));
    const released = new Set<string>();
    for (let i = 0; i < audit.checkpoint.size; i++) {
      const r = decodeAccessRecord(await readEntry(storage, i, audit.checkpoint.size));
      if (r.kind === 'release') released.add(r.requestSignature!);
    }
    const missing = [...granted].filter((s) => !released.has(s));
    assert.deepEqual(missing, [], `${missing.length} of ${granted.size} grants have no release record`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
