/**
 * Simulated annotators for the demo, the end-to-end tests and the bench:
 * each bot is a hub account on the lab's roster working through the Node SDK
 * (src/workstation/sdk), the same task loop as the browser app. A bot's
 * answer is a pure function of the item id, and every answer is recorded, so
 * a test can compare the lab's export with what the bots chose, item by item.
 * Recorded answers stay in this process; nothing is logged.
 *
 * Bots skip sometimes, as people do (issue 16): whether a bot skips an item is
 * a pure function of the item and the bot, at `skipRate`, except that each
 * item has `overlap` bots that never skip it, so every item can be finished.
 * A skipped item goes back to the hub's queue (and its overlap place at the
 * gatekeeper is freed by the device's release-ended notice), so a bot that
 * finds the queue empty waits while others still work or just skipped: it
 * stops only when nobody is working and nothing was put back since it looked.
 */
import { createHash } from 'node:crypto';
import type { TaskView } from '../../workstation/item-content.js';
import type { LabelPlaintext } from '../../core/label-plaintext.js';
import { SdkAnnotator, type WorkResult } from '../../workstation/sdk/annotator.js';
import { nodePrimitives } from '../../platform/node-primitives.js';
import type { Login } from './exchange.js';

export interface BotChoice {
  readonly item: string;
  readonly annotator: string;
  readonly label: LabelPlaintext;
  /** Text of the response the bot preferred (pairwise: the chosen side; ranking: the first), as it saw it. */
  readonly preferredText: string | undefined;
}

export interface BotRun {
  readonly choices: BotChoice[];
  readonly skips: BotSkip[];
  /** One per bot: its totals over every pass through the queue, and why it stopped last. */
  readonly results: WorkResult[];
}

const lastText = (turns: ReadonlyArray<{ text: string }>): string | undefined => turns[turns.length - 1]?.text;

/** The bot's answer for one item: deterministic in the item id, valid for every task type. */
export function botLabel(item: string, view: TaskView, thinkSeconds: number): { label: LabelPlaintext; preferredText: string | undefined } {
  const h = createHash('sha256').update(item).digest();
  const pickA = h[0]! % 2 === 0;
  switch (view.task) {
    case 'pairwise':
      return {
        label: { v: 1, task: 'pairwise', seconds: thinkSeconds, a: view.a.key, b: view.b.key, choice: pickA ? 'A' : 'B', strength: pickA ? -2 : 2, rationale: 'bot' },
        preferredText: lastText((pickA ? view.a : view.b).turns),
      };
    case 'ranking': {
      const order = [...view.candidates].sort((x, y) => (createHash('sha256').update(item + x.key).digest()[0]! - createHash('sha256').update(item + y.key).digest()[0]!) || x.key.localeCompare(y.key));
      return { label: { v: 1, task: 'ranking', seconds: thinkSeconds, rankable: true, order: order.map((c) => c.key), rationale: 'bot' }, preferredText: lastText(order[0]!.turns) };
    }
    case 'rubric':
      return {
        label: { v: 1, task: 'rubric', seconds: thinkSeconds, response: view.response.key, ratings: { helpfulness: 1 + (h[1]! % 5), honesty: 1 + (h[2]! % 5), harmlessness: 5, instructionFollowing: 1 + (h[3]! % 5) }, comment: 'bot' },
        preferredText: undefined,
      };
    case 'sft-rewrite':
      return { label: { v: 1, task: 'sft-rewrite', seconds: thinkSeconds, response: view.response.key, rewrite: `rewritten by a bot (${item})` }, preferredText: undefined };
    case 'safety-flags':
      return { label: { v: 1, task: 'safety-flags', seconds: thinkSeconds, flags: [], outcome: 'not-applicable', severity: 'none', notes: 'bot' }, preferredText: undefined };
  }
}

export interface BotOptions {
  readonly count: number;
  /** Milliseconds each bot waits before answering (0: as fast as the loop goes). */
  readonly thinkMs?: number;
  /** Account ids are `${prefix}-1` … (default "bot"). */
  readonly prefix?: string;
  /** Share of items a bot skips, 0..1 (default 0.15). */
  readonly skipRate?: number;
  /** How long a bot waits for the lab to approve its device before it gives up (default 10 minutes). */
  readonly approvalTimeoutMs?: number;
}

export interface BotSkip {
  readonly item: string;
  readonly annotator: string;
}

/** Whether bot `index` of `count` skips `item`: never when it is one of the item's `overlap` finishers. */
export function botSkips(item: string, index: number, count: number, overlap: number, skipRate: number): boolean {
  const first = createHash('sha256').update(item).digest().readUInt32BE(0) % count;
  if ((index - first + count) % count < overlap) return false;
  return createHash('sha256').update(`${item}\0${index}`).digest().readUInt32BE(0) / 2 ** 32 < skipRate;
}

const QUEUE_POLL_MS = 100;
const APPROVAL_POLL_MS = 500;

/**
 * Where bots work: the demo's exchange is one, and so is a deployment
 * (`keyhole bots`: accounts the vendor made, devices the lab approves
 * through its admin API while the bots wait).
 */
export interface BotEnvironment {
  readonly urls: { readonly hub: string; readonly gatekeeper: string };
  readonly campaign: string;
  /** The bot's hub account (the vendor's operator makes it). */
  addAnnotator(id: string): Promise<Login>;
  /** Called once every bot has registered its device; resolves when the lab has decided (or at once, if the lab decides on its own time). */
  approvePending(): Promise<unknown>;
}

/** Signs N bots in, waits for the lab to approve their devices, and works until the queue is empty. */
export async function runBots(ex: BotEnvironment, o: BotOptions): Promise<BotRun> {
  const prefix = o.prefix ?? 'bot';
  const think = o.thinkMs ?? 0;
  const skipRate = o.skipRate ?? 0.15;
  const choices: BotChoice[] = [];
  const skips: BotSkip[] = [];
  let working = o.count;
  const bots = await Promise.all(
    Array.from({ length: o.count }, async (_, i) => {
      const login = await ex.addAnnotator(`${prefix}-${i + 1}`);
      return { login, annotator: await SdkAnnotator.signIn({ hub: ex.urls.hub, gatekeeper: ex.urls.gatekeeper, username: login.username, password: login.password, primitives: nodePrimitives }) };
    }),
  );
  await ex.approvePending();
  const approvalDeadline = Date.now() + (o.approvalTimeoutMs ?? 600_000);
  const results = await Promise.all(
    bots.map(async ({ login, annotator }, index) => {
      const [campaign] = (await annotator.campaigns()).filter((c) => c.manifest.body.campaign === ex.campaign);
      if (campaign === undefined) throw new Error(`bot ${login.annotator} does not see campaign ${ex.campaign}`);
      const overlap = campaign.manifest.body.overlap;
      const total: WorkResult = { submitted: 0, skipped: 0, stopped: 'queue-empty' };
      for (;;) {
        const seenSkips = skips.length;
        let result: WorkResult;
        try {
          result = await annotator.work(
            campaign,
            async (view, { item }) => {
              if (think > 0) await new Promise((r) => setTimeout(r, think));
              if (botSkips(item, index, o.count, overlap, skipRate)) return { skip: 'cannot-judge' };
              const { label, preferredText } = botLabel(item, view, Math.round(think / 1000));
              choices.push({ item, annotator: login.annotator, label, preferredText });
              return label;
            },
            { onSkipped: (item) => skips.push({ item, annotator: login.annotator }) },
          );
        } finally {
          working--;
        }
        total.submitted += result.submitted;
        total.skipped += result.skipped;
        total.stopped = result.stopped;
        if (typeof result.stopped === 'object' && result.stopped.kind === 'device-pending' && Date.now() < approvalDeadline) {
          await new Promise((r) => setTimeout(r, APPROVAL_POLL_MS));
          working++;
          continue;
        }
        if (result.stopped !== 'queue-empty') break;
        // The queue looked empty: wait while others work, and look again if anything was put back since.
        while (working > 0 && skips.length === seenSkips) await new Promise((r) => setTimeout(r, QUEUE_POLL_MS));
        if (skips.length === seenSkips) break;
        working++;
      }
      return total;
    }),
  );
  return { choices, skips, results };
}
