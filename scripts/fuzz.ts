/**
 * Long fuzz runs of every parser of untrusted bytes (test/fuzz/targets.ts).
 *
 *   npm run fuzz -- [--runs N] [--seed S] [--target SUBSTRING] [--hang-ms MS] [--targets MODULE]
 *
 * Each target runs in its own child process for N runs (default 20000) from
 * seed S (default: random, printed first so a run can be repeated). A failure
 * prints fast-check's shrunk counterexample with the seed and path to replay.
 * The property is that every input returns or throws a KeyholeError with a
 * code; an async run that never settles fails by fast-check's timeout, and a
 * synchronous loop that never returns is caught here: the child reports its
 * finished runs, and one that makes no progress for --hang-ms (default 10 s)
 * is killed and reported as a hang with its run number. Exit status 1 when
 * any target failed or hung. --targets names another module exporting
 * `fuzzTargets()` (test/fuzz/runner.test.ts uses it to check the watchdog).
 */
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';

const DEFAULT_TARGETS = fileURLToPath(new URL('../test/fuzz/targets.ts', import.meta.url));

interface Job {
  module: string;
  target: string;
  runs: number;
  seed: number;
}

type Targets = { fuzzTargets(): Promise<{ name: string; arbitrary: fc.Arbitrary<unknown>; run(input: unknown): Promise<void> }[]> };
const load = async (module: string): Promise<Targets> => (await import(pathToFileURL(module).href)) as Targets;

type Message = { progress: number } | { report: Report };

type Report = { ok: true; runs: number } | { ok: false; message: string };

async function work(job: Job): Promise<void> {
  const target = (await (await load(job.module)).fuzzTargets()).find((t) => t.name === job.target)!;
  let runs = 0;
  let reported = 0;
  const result = await fc.check(
    fc.asyncProperty(target.arbitrary, async (input) => {
      await target.run(input);
      runs++;
      if (Date.now() - reported > 200) {
        reported = Date.now();
        process.send!({ progress: runs } satisfies Message);
      }
    }),
    { seed: job.seed, numRuns: job.runs, timeout: 10_000 },
  );
  const cause = result.errorInstance instanceof Error ? (result.errorInstance.stack ?? result.errorInstance.message) : String(result.errorInstance);
  const report: Report = result.failed ? { ok: false, message: `${fc.defaultReportMessage(result) ?? 'failed'}\n${cause}` } : { ok: true, runs: result.numRuns };
  process.send!({ report } satisfies Message, () => process.exit(0));
}

function runTarget(module: string, target: string, runs: number, seed: number, hangMs: number): Promise<Report> {
  const job: Job = { module, target, runs, seed };
  const child = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(job)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve) => {
    let progress = 0;
    let since = Date.now();
    let settled = false;
    const settle = (report: Report): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      if (child.exitCode === null) child.kill('SIGKILL');
      resolve(report);
    };
    const watchdog = setInterval(() => {
      if (Date.now() - since > hangMs) settle({ ok: false, message: `hang: after ${progress} runs, no progress for ${hangMs} ms (replay with --seed ${seed} --target "${target}"; the hanging run is past run ${progress})` });
    }, 250);
    child.on('message', (m: Message) => {
      if ('report' in m) settle(m.report);
      else {
        progress = m.progress;
        since = Date.now();
      }
    });
    child.once('exit', (code, signal) => settle({ ok: false, message: `fuzz child exited (${signal ?? code}) before reporting` }));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { runs: { type: 'string', default: '20000' }, seed: { type: 'string' }, target: { type: 'string' }, 'hang-ms': { type: 'string', default: '10000' }, targets: { type: 'string', default: DEFAULT_TARGETS } },
  });
  const runs = Number(values.runs);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const hangMs = Number(values['hang-ms']);
  if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed) || !Number.isSafeInteger(hangMs) || hangMs < 500) {
    console.error('usage: npm run fuzz -- [--runs N] [--seed S] [--target SUBSTRING] [--hang-ms MS>=500] [--targets MODULE]');
    process.exit(2);
  }
  const module = resolve(values.targets);
  const names = (await (await load(module)).fuzzTargets()).map((t) => t.name).filter((n) => values.target === undefined || n.includes(values.target));
  if (names.length === 0) {
    console.error(`no fuzz target matches "${values.target}"`);
    process.exit(2);
  }
  console.log(`fuzz: ${names.length} targets, ${runs} runs each, seed ${seed}`);
  let failed = 0;
  for (const name of names) {
    const started = Date.now();
    const report = await runTarget(module, name, runs, seed, hangMs);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (report.ok) console.log(`ok    ${name}: ${report.runs} runs in ${secs} s`);
    else {
      failed++;
      console.log(`FAIL  ${name} (${secs} s)\n${report.message}\n`);
    }
  }
  console.log(`fuzz: ${names.length - failed} of ${names.length} targets passed (seed ${seed})`);
  process.exit(failed === 0 ? 0 : 1);
}

const child = process.argv.indexOf('--child');
if (child >= 0) await work(JSON.parse(process.argv[child + 1]!) as Job);
else await main();
