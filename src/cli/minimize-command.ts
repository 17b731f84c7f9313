/** `keyhole minimize`: wiring only; the pipeline lives in src/minimize/. */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { refuse } from '../minimize/errors.js';
import { loadPolicyFile } from '../minimize/policy-file.js';
import { DEFAULT_POLICY } from '../minimize/policy-schema.js';
import { runMinimize } from '../minimize/run-minimize.js';

interface MinimizeFlags {
  format: string;
  policy?: string;
  out: string;
  report?: string;
  labOnly?: string;
  quarantine?: string;
  pseudonymKey?: string;
  review?: string;
  sample: string;
}

export function registerMinimizeCommand(program: Command): void {
  program
    .command('minimize')
    .description('Minimize a dataset by a policy: keep only the fields the task needs, blind A/B, pseudonymize personal data and secrets')
    .argument('<input>', 'JSONL file, plain or gzip')
    .option('--format <format>', 'hh-rlhf, trl-preference, openai-chat, openai-dpo, oasst, ultrafeedback, generic or auto', 'auto')
    .option('--policy <file>', 'policy file (YAML or JSON); the built-in default policy without it')
    .requiredOption('--out <file>', 'minimized records, same format as the input (plaintext: keep it inside the lab)')
    .option('--report <file>', 'write the JSON report here (a summary goes to stderr either way)')
    .option('--lab-only <file>', 'write each emitted record\'s lab-only section (pseudonym table, A/B mapping) as JSONL')
    .option('--quarantine <file>', 'write quarantined source records here for review')
    .option('--pseudonym-key <file>', 'secret key file for pseudonyms; without it a random key makes surrogates consistent within this run only')
    .option('--review <file>', 'write a review page (HTML, plaintext: lab only) with originals and replacements side by side')
    .option('--sample <n>', 'how many records the review page shows, sampled at random', '50')
    .action(async (input: string, flags: MinimizeFlags) => {
      const sample = Number(flags.sample);
      if (!Number.isInteger(sample) || sample < 1) refuse('BAD_FORMAT', `--sample must be a positive whole number, not "${flags.sample}"`);
      const loaded = flags.policy === undefined ? { policy: DEFAULT_POLICY, baseDir: process.cwd() } : loadPolicyFile(flags.policy);
      const report = await runMinimize({
        input,
        format: flags.format,
        policy: loaded.policy,
        policyDir: loaded.baseDir,
        out: flags.out,
        labOnlyOut: flags.labOnly,
        quarantineOut: flags.quarantine,
        pseudonymSecret: flags.pseudonymKey === undefined ? randomBytes(32) : readFileSync(flags.pseudonymKey),
        progressStream: process.stderr,
        review: flags.review === undefined ? undefined : { path: flags.review, sample },
      });
      if (flags.report !== undefined) writeFileSync(flags.report, `${JSON.stringify(report, null, 2)}\n`);
      const r = report.records;
      process.stderr.write(`minimize: ${r.read} records (${report.format}): ${r.emitted} emitted, ${r.dropped} dropped, ${r.quarantined} quarantined, ${r.failed} failed\n`);
      for (const f of report.failures.slice(0, 5)) process.stderr.write(`  line ${f.line}: ${f.code}: ${f.reason}\n`);
      if (flags.review !== undefined) process.stderr.write(`review page (plaintext, lab only): ${flags.review}\n`);
      if (r.failed > 0) process.exitCode = 2;
    });
}
