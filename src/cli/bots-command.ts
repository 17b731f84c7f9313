/**
 * `keyhole bots`: simulated annotators against a deployment (the separate-hosts
 * example, load tests): accounts the vendor's operator made (a JSON file of
 * logins), devices the lab approves through its admin API while the bots
 * wait, then the same task loop as the browser app until the queue is empty.
 * Prints one JSON summary; exits 1 when a bot stopped for any reason but an
 * empty queue. Wiring only: the work is in src/cli/demo/bots.ts.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { fail } from '../core/errors.js';
import { Identifier, parseJsonText, parseWith } from '../core/schema.js';
import { runBots } from './demo/bots.js';
import type { Login } from './demo/exchange.js';

const Logins = z.array(z.object({ annotator: Identifier, username: z.string().min(1), password: z.string().min(1) }).strict()).min(1);

export function registerBotsCommand(program: Command): void {
  program
    .command('bots')
    .description('Simulated annotators working a campaign through the hub and the gatekeeper, as the browser app does; waits for the lab to approve their devices')
    .requiredOption('--hub <url>', "the vendor's hub")
    .requiredOption('--gatekeeper <url>', "the lab's gatekeeper (public listener)")
    .requiredOption('--campaign <id>')
    .requiredOption('--logins <file>', 'JSON list of {annotator, username, password}, one per bot (accounts the vendor made)')
    .option('--skip-rate <x>', 'share of items a bot skips, 0..1', '0.15')
    .option('--think-ms <n>', 'milliseconds a bot waits before answering', '0')
    .action(async (o: { hub: string; gatekeeper: string; campaign: string; logins: string; skipRate: string; thinkMs: string }) => {
      const logins: Login[] = parseWith(Logins, parseJsonText(await readFile(o.logins, 'utf8'), o.logins), o.logins);
      const byId = new Map(logins.map((l) => [l.annotator, l]));
      const skipRate = Number(o.skipRate);
      if (!(skipRate >= 0 && skipRate < 1)) fail('BAD_FORMAT', `--skip-rate must be in [0, 1), not ${o.skipRate}`);
      const run = await runBots(
        {
          urls: { hub: o.hub, gatekeeper: o.gatekeeper },
          campaign: o.campaign,
          addAnnotator: async (id) => byId.get(id) ?? fail('NOT_FOUND', `${o.logins} has no login for ${id}`),
          // The lab decides on its own time (keyhole device approve); each bot waits for it.
          approvePending: async () => undefined,
        },
        { count: logins.length, prefix: commonPrefix(logins), skipRate, thinkMs: Number(o.thinkMs) },
      );
      const stopped = run.results.filter((r) => r.stopped !== 'queue-empty').map((r) => (typeof r.stopped === 'object' ? `${r.stopped.kind}: ${r.stopped.message}` : r.stopped));
      console.log(JSON.stringify({ bots: logins.length, submitted: run.choices.length, skipped: run.skips.length, stopped }));
      if (stopped.length > 0) process.exitCode = 1;
    });
}

/** runBots names bot i `${prefix}-${i}`: the logins file must follow that, e.g. bot-1, bot-2, … */
function commonPrefix(logins: readonly Login[]): string {
  const prefix = logins[0]!.annotator.replace(/-\d+$/, '');
  logins.forEach((l, i) => {
    if (l.annotator !== `${prefix}-${i + 1}`) fail('BAD_FORMAT', `logins must be named ${prefix}-1, ${prefix}-2, … in order; entry ${i + 1} is ${l.annotator}`);
  });
  return prefix;
}
