/**
 * Minimization throughput and memory: the full default policy over hh-rlhf (harmless-base test)
 * repeated to 25 MB and to 100+ MB, each run in a fresh child process so its peak RSS is its own.
 * Baseline in the same run: plain line split + JSON.parse + JSON.stringify of the same file.
 * Prints figures, then exactly one line of JSON last.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_POLICY } from '../src/minimize/policy-schema.js';
import { runMinimize } from '../src/minimize/run-minimize.js';

const SHARED_DATA = process.env.KEYHOLE_SHARED ? join(process.env.KEYHOLE_SHARED, 'data') : fileURLToPath(new URL('../../shared/data', import.meta.url));
const MB = 1024 * 1024;

async function child(mode: string, input: string): Promise<void> {
  const started = process.hrtime.bigint();
  let records = 0;
  if (mode === 'minimize') {
    const report = await runMinimize({ input, format: 'hh-rlhf', policy: DEFAULT_POLICY, policyDir: process.cwd(), out: '/dev/null', pseudonymSecret: Buffer.from('bench-key') });
    records = report.records.emitted;
  } else {
    const lines = createInterface({ input: createReadStream(input), crlfDelay: Infinity });
    const out = createWriteStream('/dev/null');
    for await (const line of lines) {
      if (!out.write(`${JSON.stringify(JSON.parse(line))}\n`)) await once(out, 'drain');
      records++;
    }
    out.end();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ seconds, records, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

function runChild(mode: string, input: string): { seconds: number; records: number; maxRssMB: number } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, input], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`child ${mode} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { seconds: number; records: number; maxRssMB: number };
}

async function main(): Promise<void> {
  const source = gunzipSync(readFileSync(join(SHARED_DATA, 'hh-rlhf-harmless-base-test.jsonl.gz')));
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-bench-'));
  const results: Record<string, unknown> = {};
  try {
    for (const targetMB of [25, 100]) {
      const path = join(dir, `hh-${targetMB}.jsonl`);
      const out = createWriteStream(path);
      let written = 0;
      while (written < targetMB * MB) {
        if (!out.write(source)) await once(out, 'drain');
        written += source.length;
      }
      out.end();
      await once(out, 'finish');
      const sizeMB = statSync(path).size / MB;
      const base = runChild('baseline', path);
      const mini = runChild('minimize', path);
      const mbps = sizeMB / mini.seconds;
      const baseMbps = sizeMB / base.seconds;
      console.log(`${sizeMB.toFixed(1)} MB, ${mini.records} records: minimize ${mbps.toFixed(2)} MB/s (1 core), peak RSS ${mini.maxRssMB.toFixed(0)} MB; baseline JSON.parse+stringify ${baseMbps.toFixed(1)} MB/s, peak RSS ${base.maxRssMB.toFixed(0)} MB; ratio minimize/baseline ${(mbps / baseMbps).toFixed(3)}`);
      results[`${targetMB}MB`] = { inputMB: Number(sizeMB.toFixed(1)), records: mini.records, mbPerSecPerCore: Number(mbps.toFixed(2)), peakRssMB: Math.round(mini.maxRssMB), baselineMbPerSec: Number(baseMbps.toFixed(1)), baselinePeakRssMB: Math.round(base.maxRssMB), ratioToBaseline: Number((mbps / baseMbps).toFixed(3)) };
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('goal: >= 25 MB/s per core, peak RSS < 250 MB and flat as the input grows');
  console.log(JSON.stringify({ bench: 'minimize', policy: 'default', dataset: 'hh-rlhf harmless-base test, repeated', ...results }));
}

if (process.argv[2] === '--child') await child(process.argv[3] ?? '', process.argv[4] ?? '');
else await main();
