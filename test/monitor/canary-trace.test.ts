/**
 * The canary trap end to end on a real gatekeeper: canaries are planted and
 * fingerprinted lab-side, sealed, registered and released to three
 * annotators (each canary to one of them, an ordinary item to all three);
 * the monitor follows the gatekeeper's log; a leaked file that was
 * re-serialized (escaped twice), re-wrapped and cut short still names the
 * annotator who received the leaked canary, with the log entries that show it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { utf8 } from '../../src/core/bytes.js';
import { ed25519Cosigner } from '../../src/core/cosignature.js';
import { inspectItem, sealItem } from '../../src/core/sealed-item.js';
import { registerItem } from '../../src/gatekeeper/registry.js';
import { plantCanaries } from '../../src/lab/canary.js';
import { FingerprintStore } from '../../src/lab/fingerprint-store.js';
import { traceLeak, type TraceResult } from '../../src/lab/trace.js';
import { logReadApi } from '../../src/log/http-read-api.js';
import { BACKENDS } from '../gatekeeper/support/backends.js';
import { BATCH, CAMPAIGN, DEFAULT_CAMPAIGN, LAB, p, startHarness } from '../gatekeeper/support/harness.js';
import { listen } from '../log/support/serve.js';
import { startMonitor } from './support/monitor-harness.js';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

const ordinary = (topic: string, body: string) => ({
  messages: [
    { id: 'm1', parentId: null, role: 'user', text: `Can you help me with ${topic}? I have tried a few things already and nothing seems to work the way the guide says it should.` },
    { id: 'm2', parentId: 'm1', role: 'assistant', text: body },
  ],
  branches: [],
});

const BREAD = ordinary(
  'a sourdough starter that will not rise',
  'A sluggish starter is usually too cold or underfed. Keep it somewhere around twenty four degrees, feed it twice a day with equal weights of flour and water, and discard all but a spoonful before each feeding. Whole rye flour speeds things up because it carries more wild yeast. After four or five days of regular feeding it should double within six hours, which is when it is ready to bake with.',
);
const BIKE = ordinary(
  'a bicycle chain that keeps slipping',
  'Chain slip under load usually means a worn chain or cassette, or a derailleur that is out of adjustment. Measure the chain with a checker tool first; if it is stretched past half a percent, replace it together with the cassette. Otherwise turn the barrel adjuster a quarter turn at a time until the shifts land cleanly, and check that the hanger is not bent.',
);

/** JSON with every non-ASCII character as \uXXXX, as many exporters write it. */
const asciiJson = (v: unknown, indent?: number): string => JSON.stringify(v, null, indent).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const rewrap = (text: string, width: number): string => text.replace(new RegExp(`(.{1,${width}})(\\s+|$)`, 'g'), '$1\n');

test('trace names the annotator who received a leaked canary, through re-serialization, re-wrapping and truncation', { timeout: 120_000 }, async () => {
  const h = await startHarness(BACKENDS[0]!, { items: 1 });
  const mirror = await listen(logReadApi(h.logStorage));
  const storePath = join(h.dir, 'fingerprints.sqlite');
  const store = new FingerprintStore(storePath);
  let monitor: Awaited<ReturnType<typeof startMonitor>> | undefined;
  try {
    // A fixed byte source, so the invented words (some with non-ASCII letters) are the same on every run.
    let counter = 0;
    const source = (n: number): Uint8Array => new Uint8Array(createHash('sha512').update(`canary-test-${counter++}`).digest().subarray(0, n));
    const canaries = plantCanaries(store, { campaign: CAMPAIGN, count: 3, idPrefix: 'conv-', source });
    store.add([
      { campaign: CAMPAIGN, item: 'conv-bread', content: BREAD },
      { campaign: CAMPAIGN, item: 'conv-bike', content: BIKE },
    ]);
    const kek = await h.gk.keks.currentKek(BATCH);
    const index = new Map<string, number>();
    for (const [item, content] of [...canaries.map((c) => [c.item, c.content] as const), ['conv-bread', BREAD] as const, ['conv-bike', BIKE] as const]) {
      const sealed = await sealItem(p, { lab: LAB, dataset: 'ds', batch: BATCH, item, campaign: CAMPAIGN, policy: DEFAULT_CAMPAIGN.policy, expires: h.now() + 30 * 86_400, labSigner: h.gk.labSigner, kek }, utf8(JSON.stringify(content)));
      const head = await inspectItem(p, sealed);
      await registerItem(h.gk, head);
      index.set(item, h.items.push(head) - 1);
    }
    const devices = [await h.device('ann-1'), await h.device('ann-2'), await h.device('ann-3')];
    const release = async (d: (typeof devices)[number], item: string): Promise<void> => {
      const res = await h.post('v1/release', await h.request(d, await h.assign(d, index.get(item)!)));
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };
    for (const [i, d] of devices.entries()) {
      await release(d, canaries[i]!.item);
      await release(d, 'conv-bread');
    }
    await release(devices[0]!, 'conv-bike');

    const witness = await ed25519Cosigner(p, 'witness.test/w1', new Uint8Array(32).fill(77));
    monitor = await startMonitor({ dir: h.dir, url: mirror.url, logKey: h.gk.logKey, witnesses: [witness] }, {}, { quorum: 1 });
    await monitor.verified(h.gk.audit.size);

    // ann-2's canary, exported as JSON, embedded as a string in another JSON export (escaped twice), cut to its first two thirds;
    // then the bread item as plain text, re-wrapped at 37 columns and missing its last third.
    const canaryJson = asciiJson(canaries[1]!.content, 2);
    const embedded = asciiJson({ export: 'chat-logs', record: canaryJson.slice(0, Math.floor((canaryJson.length * 2) / 3)) });
    const breadText = BREAD.messages.map((m) => m.text.toUpperCase()).join('\n\n');
    const leak = `${embedded}\n\n-----\n${rewrap(breadText.slice(0, Math.floor((breadText.length * 2) / 3)), 37)}`;
    assert.ok(canaries[1]!.markers.some((m) => /[^\x00-\x7f]/.test(m) && !leak.includes(m)), 'an invented word appears only escaped');

    const result = traceLeak(store, leak, (campaign, item) => monitor!.monitor.store.releasesOf(campaign, item));
    const found = new Map(result.leaked.map((l) => [l.item, l]));
    assert.deepEqual([...found.keys()].sort(), [canaries[1]!.item, 'conv-bread'].sort());
    const canary = found.get(canaries[1]!.item)!;
    assert.equal(canary.canary, true);
    assert.deepEqual(canary.recipients.map((r) => r.annotator), ['hub-1:ann-2']);
    assert.ok(canary.matchedShingles < canary.shingles, 'a partial copy');
    const record = monitor.monitor.store.record(canary.recipients[0]!.logIndex)!;
    assert.equal(record.kind, 'release');
    assert.equal(record.item, canaries[1]!.item);
    assert.deepEqual(found.get('conv-bread')!.recipients.map((r) => r.annotator).sort(), ['hub-1:ann-1', 'hub-1:ann-2', 'hub-1:ann-3']);
    assert.equal(result.suspects[0]!.annotator, 'hub-1:ann-2');
    assert.deepEqual(result.suspects.map((s) => s.canaries), [1, 0, 0]);

    const unrelated = traceLeak(store, 'Annotation guidelines: read each conversation, then rate the response for helpfulness, honesty and harm. Skip items you cannot judge.', () => []);
    assert.deepEqual(unrelated.leaked, []);

    await monitor.close();
    monitor = undefined;
    store.close();
    const bytes = await readFile(storePath);
    for (const word of [...canaries.flatMap((c) => c.markers), 'sourdough', 'derailleur']) {
      assert.equal(bytes.includes(Buffer.from(word.toLowerCase())) || bytes.includes(Buffer.from(word)), false, `the store holds no plaintext ("${word}")`);
    }

    const leakPath = join(h.dir, 'leak.txt');
    await writeFile(leakPath, leak);
    const cli = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, 'trace', leakPath, '--store', storePath, '--monitor-db', join(h.dir, 'monitor.sqlite'), '--json']);
    const printed = JSON.parse(cli.stdout) as TraceResult;
    assert.equal(printed.suspects[0]!.annotator, 'hub-1:ann-2');
    assert.equal(printed.leaked.length, 2);
  } finally {
    await monitor?.close();
    store.close();
    await mirror.close();
    await h.close();
  }
});
