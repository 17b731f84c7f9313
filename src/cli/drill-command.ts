/** `keyhole drill`: wiring only; the drill is in src/cli/drill (it wires every party, so it lives with the CLI). */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { fail } from '../core/errors.js';
import { WORKSTATION_BUNDLE } from './demo-command.js';
import { drillMarkdown } from './drill/drill-report.js';
import { runDrill } from './drill/run-drill.js';

interface DrillFlags {
  json?: string;
  markdown?: string;
  records: string;
  seconds: string;
  db?: string;
  blobs?: string;
  keep?: boolean;
  workstation: string;
}

export function registerDrillCommand(program: Command): void {
  program
    .command('drill')
    .description('Replay the 2026 vendor breach on a throwaway instance and report what the attacker got and what keyhole noticed')
    .option('--json <file>', 'write the report as JSON')
    .option('--markdown <file>', 'write the report as Markdown (default: print it)')
    .option('--records <n>', 'invented records with canaries to ingest', '24')
    .option('--seconds <n>', 'how long the stolen-device attacker keeps trying if nothing stops it', '30')
    .option('--db <url>', 'postgres://... for the hub and gatekeeper tables (default SQLite)')
    .option('--blobs <location>', 's3://bucket/prefix for sealed items (endpoint from $AWS_ENDPOINT_URL)')
    .option('--keep', 'keep the throwaway instance directory')
    .option('--workstation <dir>', 'the built workstation app', WORKSTATION_BUNDLE)
    .action(async (o: DrillFlags) => {
      const records = Number(o.records);
      const seconds = Number(o.seconds);
      if (!Number.isInteger(records) || records < 12 || records > 10_000) fail('BAD_FORMAT', `--records must be a whole number from 12 to 10000, not "${o.records}"`);
      if (!Number.isFinite(seconds) || seconds <= 0) fail('BAD_FORMAT', `--seconds must be a positive number, not "${o.seconds}"`);
      const report = await runDrill({
        bundleDir: o.workstation,
        records,
        attackSeconds: seconds,
        ...(o.db ? { db: o.db } : {}),
        ...(o.blobs ? { blobs: o.blobs } : {}),
        ...(process.env.AWS_ENDPOINT_URL ? { s3Endpoint: process.env.AWS_ENDPOINT_URL } : {}),
        ...(o.keep ? { keep: true } : {}),
        progress: (line) => console.error(`drill: ${line}`),
      });
      if (o.json) await writeFile(o.json, `${JSON.stringify(report, null, 2)}\n`);
      const markdown = drillMarkdown(report);
      if (o.markdown) await writeFile(o.markdown, markdown);
      else console.log(markdown);
      if (!report.verdict.pass) process.exitCode = 1;
    });
}
