/**
 * bench:exchange: items per second through the whole loop, as `keyhole demo`
 * runs it (hub, gatekeeper with a witnessed durable log, witness; SQLite;
 * loopback HTTP), with 50 SDK annotators at think time zero: lease, fetch the
 * sealed item and release its key (in parallel, as the app does), verify and
 * decrypt, seal and sign the label, submit, submit receipt; then the lab's
 * collect (verify, open, un-blind every label). Each phase is timed per item,
 * so the breakdown says where the time goes. Baseline, in the same run: the
 * same number of items through the raw cryptography of the loop with no
 * network, storage or log (seal item, open item, seal label, open label).
 * Bots, servers and lab share this one process and its cores, so the figure
 * is a floor. Ends with one line of JSON.
 *
 *   npm run bench:exchange [-- --items 1000 --bots 50]
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startExchange } from '../src/cli/demo/exchange.js';
import { botLabel } from '../src/cli/demo/bots.js';
import { toBase64Url, utf8 } from '../src/core/bytes.js';
import { openLabel, sealLabel } from '../src/core/label.js';
import { deviceId } from '../src/core/device.js';
import { inspectItem, openItem, sealItem, unwrapDek } from '../src/core/sealed-item.js';
import { nodePrimitives as p } from '../src/platform/node-primitives.js';
import { buildWorkstation } from '../src/workstation/build.js';
import { WorkstationError } from '../src/workstation/errors.js';
import { encodeLabel } from '../src/core/label-plaintext.js';
import { SdkAnnotator } from '../src/workstation/sdk/annotator.js';
import { loadCampaigns, openLease, submitLabel, takeLease, type Workbench } from '../src/workstation/task-loop.js';
import { round } from './measure.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const ITEMS = arg('items', 1000);
const BOTS = arg('bots', 50);

const PHASES = ['lease', 'fetch item', 'release key', 'verify + decrypt', 'seal label', 'submit', 'submit receipt'] as const;
type Phase = (typeof PHASES)[number];
type Spent = Map<Phase, number>;
const newSpent = (): Spent => new Map(PHASES.map((ph) => [ph, 0]));

/** Times the workbench's network calls, into this bot's own tally, without changing them. */
function instrument(w: Workbench, spent: Spent): Workbench {
  const hub = w.hub;
  const gk = w.gatekeeper;
  const timed = async <T>(phase: Phase, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      spent.set(phase, spent.get(phase)! + performance.now() - t0);
    }
  };
  return {
    ...w,
    hub: Object.assign(Object.create(hub) as typeof hub, {
      lease: (...a: Parameters<typeof hub.lease>) => timed('lease', () => hub.lease(...a)),
      sealedItem: (...a: Parameters<typeof hub.sealedItem>) => timed('fetch item', () => hub.sealedItem(...a)),
      submit: (...a: Parameters<typeof hub.submit>) => timed('submit', () => hub.submit(...a)),
    }),
    gatekeeper: Object.assign(Object.create(gk) as typeof gk, {
      releaseKey: (...a: Parameters<typeof gk.releaseKey>) => timed('release key', () => gk.releaseKey(...a)),
      recordSubmission: (...a: Parameters<typeof gk.recordSubmission>) => timed('submit receipt', () => gk.recordSubmission(...a)),
    }),
  };
}

function record(i: number): string {
  const topic = `question ${i}: how do I water a fern number ${i * 7919} in a north-facing room?`;
  return JSON.stringify({
    prompt: [{ role: 'user', content: topic }],
    chosen: [{ role: 'assistant', content: `Keep the soil of fern ${i} moist, not wet; water when the top centimetre is dry, and mist it in winter. ${'Ferns like steady humidity. '.repeat(1 + (i % 5))}` }],
    rejected: [{ role: 'assistant', content: `Water fern ${i} once a month. ${'It will be fine. '.repeat(1 + (i % 3))}` }],
  });
}

const dir = await mkdtemp(join(tmpdir(), 'keyhole-bench-exchange-'));
try {
  const dataset = join(dir, 'dataset.jsonl');
  await writeFile(dataset, `${Array.from({ length: ITEMS }, (_, i) => record(i)).join('\n')}\n`);
  const bundleDir = join(dir, 'bundle');
  await buildWorkstation(bundleDir);

  const setupStart = performance.now();
  const ex = await startExchange({ dataDir: join(dir, 'data'), dataset, format: 'trl-preference', bundleDir, monitor: false, autoApprove: false, humans: 0, pace: { perMinute: 1_000_000, perHour: 10_000_000 } });
  const ingestSeconds = (performance.now() - setupStart) / 1000;
  try {
    const benches = await Promise.all(
      Array.from({ length: BOTS }, async (_, i) => {
        const login = await ex.addAnnotator(`bench-${i + 1}`);
        return SdkAnnotator.signIn({ hub: ex.urls.hub, gatekeeper: ex.urls.gatekeeper, username: login.username, password: login.password, primitives: p });
      }),
    );
    await ex.approvePending();

    let submitted = 0;
    const tallies: Spent[] = [];
    const loopStart = performance.now();
    await Promise.all(
      benches.map(async (annotator) => {
        const spent = newSpent();
        tallies.push(spent);
        const w = instrument(annotator.bench, spent);
        const [campaign] = (await loadCampaigns(w)).campaigns;
        if (campaign === undefined) throw new Error('no campaign visible');
        for (;;) {
          let grant;
          try {
            grant = await takeLease(w, campaign);
          } catch (err) {
            if (err instanceof WorkstationError && err.kind === 'queue-empty') return;
            throw err;
          }
          const t0 = performance.now();
          const fetchBefore = spent.get('fetch item')!;
          const releaseBefore = spent.get('release key')!;
          const item = await openLease(w, campaign, grant);
          // Fetch and release run in parallel; what openLease spends beyond the longer of the two is verifying and decrypting.
          const network = Math.max(spent.get('fetch item')! - fetchBefore, spent.get('release key')! - releaseBefore);
          spent.set('verify + decrypt', spent.get('verify + decrypt')! + performance.now() - t0 - network);
          const { label } = botLabel(grant.assignment.body.item, item.view, 0);
          const s0 = performance.now();
          const submitBefore = spent.get('submit')! + spent.get('submit receipt')!;
          await submitLabel(w, item, label);
          spent.set('seal label', spent.get('seal label')! + performance.now() - s0 - (spent.get('submit')! + spent.get('submit receipt')! - submitBefore));
          submitted++;
        }
      }),
    );
    const loopSeconds = (performance.now() - loopStart) / 1000;
    const collectStart = performance.now();
    const collected = await ex.collect();
    const collectSeconds = (performance.now() - collectStart) / 1000;
    if (submitted !== ITEMS || collected.accepted !== ITEMS) throw new Error(`expected ${ITEMS} items through the loop, got ${submitted} submitted and ${collected.accepted} collected`);

    // Baseline: the loop's cryptography for the same number of items, one after another, in memory.
    const kek = { id: 'kek-bench', key: p.randomBytes(32) };
    const device = await p.ed25519Generate();
    const resultKey = await p.x25519FromSecret(p.randomBytes(32));
    const kexKey = await p.x25519Generate();
    const deviceKeys = { signing: device.signer.publicKey, kex: kexKey.key.publicKey };
    const deviceHex = await deviceId(p, deviceKeys);
    const baseStart = performance.now();
    for (let i = 0; i < ITEMS; i++) {
      const sealed = await sealItem(p, { lab: 'lab', dataset: 'ds', batch: 'b', item: `it-${i}`, campaign: 'c', policy: 'a'.repeat(64), expires: 4_000_000_000, labSigner: ex.gk.labSigner, kek }, utf8(record(i)));
      const head = await inspectItem(p, sealed);
      const dek = await unwrapDek(p, kek, head);
      await openItem(p, sealed, { labPublicKey: ex.gk.labSigner.publicKey, dek, now: 1_800_000_000 });
      const binding = { v: 1 as const, lab: 'lab', campaign: 'c', item: `it-${i}`, digest: toBase64Url(head.digest), lease: `l-${i}`, annotator: 'a', device: deviceHex, resultKey: toBase64Url(resultKey.publicKey) };
      const label = await sealLabel(p, binding, encodeLabel({ v: 1, task: 'pairwise', seconds: 0, a: 'chosen', b: 'rejected', choice: 'A', strength: -1, rationale: 'bench' }), device.signer);
      await openLabel(p, label, deviceKeys, resultKey);
    }
    const baseSeconds = (performance.now() - baseStart) / 1000;

    const spent = newSpent();
    for (const t of tallies) for (const ph of PHASES) spent.set(ph, spent.get(ph)! + t.get(ph)!);
    const itemsPerSecond = ITEMS / loopSeconds;
    const baselinePerSecond = ITEMS / baseSeconds;
    const totalMs = [...spent.values()].reduce((a, b) => a + b, 0);
    console.log(`exchange: ${ITEMS} items through the loop with ${BOTS} bots at think time 0 in ${round(loopSeconds)} s = ${round(itemsPerSecond, 1)} items/s`);
    console.log(`mean time per item in each phase (ms a bot waited; fetch item and release key run in parallel):`);
    for (const ph of PHASES) console.log(`  ${ph.padEnd(17)} ${round(spent.get(ph)! / ITEMS, 2).toFixed(2).padStart(8)} ms  ${round((100 * spent.get(ph)!) / totalMs, 1).toFixed(1).padStart(5)} %`);
    console.log(`  collect (lab)     ${round((collectSeconds * 1000) / ITEMS, 2).toFixed(2).padStart(8)} ms  (${round(ITEMS / collectSeconds, 0)} labels/s, after the loop)`);
    console.log(`so keyhole limits ${BOTS} annotators only while each spends under ${round(BOTS / itemsPerSecond, 1)} s per item; people take tens of seconds`);
    console.log(`baseline: the same ${ITEMS} items through seal item + open item + seal label + open label in memory: ${round(baselinePerSecond, 0)} items/s on one core`);
    console.log(`the loop reaches ${round((100 * itemsPerSecond) / baselinePerSecond, 1)}% of the in-memory crypto rate (ingest of ${ITEMS} records took ${round(ingestSeconds, 1)} s; ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)})`);
    console.log(
      JSON.stringify({
        bench: 'exchange',
        items: ITEMS,
        bots: BOTS,
        thinkMs: 0,
        database: 'sqlite',
        witnessed: true,
        loopSeconds: round(loopSeconds),
        itemsPerSecond: round(itemsPerSecond, 1),
        msPerItem: Object.fromEntries(PHASES.map((ph) => [ph, round(spent.get(ph)! / ITEMS, 2)])),
        collectLabelsPerSecond: round(ITEMS / collectSeconds, 1),
        baselineItemsPerSecond: round(baselinePerSecond, 1),
        ratioToBaseline: round(itemsPerSecond / baselinePerSecond, 3),
        ingestSeconds: round(ingestSeconds, 1),
        thinkSecondsWhereKeyholeLimits: round(BOTS / itemsPerSecond, 2),
      }),
    );
  } finally {
    await ex.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
