/**
 * No log, no key, through a power cut: the gatekeeper's log runs over a model of the page cache
 * (test/log/support/page-cache-fs.ts: what was not fsync'd is lost), the power is cut at every
 * file-system step of a burst of release requests, and every key the gatekeeper handed out before
 * the cut has its release record on the log as the disk kept it, which verifies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decodeAccessRecord } from '../../src/core/access-record.js';
import type { ReleaseRequest } from '../../src/core/release.js';
import { FileSystemStorage } from '../../src/log/fs-storage.js';
import { readEntry } from '../../src/log/tile-reader.js';
import { auditLog } from '../../src/log/verify-log.js';
import { PageCacheFs } from '../log/support/page-cache-fs.js';
import { BACKENDS } from './support/backends.js';
import { p, startHarness } from './support/harness.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;
const REQUESTS = 4;

/** Sends REQUESTS releases at once, cutting the log's power `cut` steps in (never, when undefined); returns the steps taken. */
async function burst(cut: number | undefined): Promise<number> {
  let disk = PageCacheFs.empty();
  const h = await startHarness(sqlite, {
    items: REQUESTS,
    logFs: (dir) => (disk = PageCacheFs.mountedAt(dir)),
  });
  try {
    const devices = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => h.device(`ann-${i}`)));
    const requests: ReleaseRequest[] = await Promise.all(devices.map(async (d, i) => h.request(d, await h.assign(d, i))));
    const start = disk.calls;
    if (cut !== undefined) disk.cutPowerAt(cut);
    const answers = await Promise.all(requests.map((r) => h.post('v1/release', r).catch(() => ({ status: 0, body: undefined }))));
    const steps = disk.calls - start;
    if (cut === undefined) {
      assert.deepEqual(answers.map((a) => a.status), requests.map(() => 200), 'without a cut every request is granted');
      return steps;
    }
    assert.ok(disk.powerLost, `step ${cut}: the cut happened`);
    const where = `power cut at log step ${cut}`;
    const granted = requests.filter((_, i) => answers[i]!.status === 200);
    const kept = new FileSystemStorage(join(h.dir, 'log'), disk.afterPowerLoss());
    const audit = await auditLog(p, kept, h.policy.log).catch((err: Error) => assert.fail(`${where}: the log the disk kept does not verify: ${err.message}`));
    const released = new Set<string>();
    for (let i = 0; i < audit.checkpoint.size; i++) {
      const record = decodeAccessRecord(await readEntry(kept, i, audit.checkpoint.size));
      if (record.kind === 'release' && record.requestSignature) released.add(record.requestSignature);
    }
    for (const r of granted) assert.ok(released.has(r.sig), `${where}: a key was handed out for a request whose release record the disk lost`);
    return steps;
  } finally {
    await h.close();
  }
}

test('power lost at every log step of a release burst: no key was handed out without its record', { timeout: 600_000 }, async () => {
  const steps = await burst(undefined);
  assert.ok(steps > 20, `the burst takes ${steps} file-system steps`);
  for (let cut = 0; cut < steps; cut++) await burst(cut);
});
