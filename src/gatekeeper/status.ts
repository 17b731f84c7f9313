/**
 * The exposure figures at a glance (`keyhole gatekeeper status`): for each
 * vendor and campaign, how many plaintext items are open right now (exposed:
 * released within the campaign's minimum exposure window, or still held;
 * policy/open-releases.ts) against the budget, plus totals.
 */
import { seconds, type GatekeeperContext } from './context.js';
import { openExposure } from './policy/exposure-budget.js';

export interface GatekeeperStatus {
  readonly time: string;
  readonly log: { readonly origin: string; readonly size: number };
  readonly vendors: readonly { vendor: string; open: number; budget: number; suspended: boolean }[];
  readonly campaigns: readonly { campaign: string; open: number; budget: number; released: number; submitted: number; closed: boolean }[];
  readonly batches: { readonly live: number; readonly shredded: number };
  readonly devices: Readonly<Record<string, number>>;
  readonly unlogged: number;
}

export async function gatekeeperStatus(ctx: GatekeeperContext): Promise<GatekeeperStatus> {
  const nowMs = ctx.now();
  const now = seconds(nowMs);
  const vendors = [];
  for (const v of await ctx.db.selectFrom('vendors').selectAll().orderBy('vendor').execute()) {
    vendors.push({ vendor: v.vendor, open: await openExposure(ctx.db, { vendor: v.vendor }, now), budget: v.exposure_budget, suspended: v.suspended_at !== null });
  }
  const campaigns = [];
  for (const c of await ctx.db.selectFrom('campaigns').selectAll().orderBy('campaign').execute()) {
    const totals = await ctx.db
      .selectFrom('releases')
      .select((eb) => [eb.fn.countAll<number>().as('released'), eb.fn.count<number>('submitted_at').as('submitted')])
      .where('campaign', '=', c.campaign)
      .executeTakeFirstOrThrow();
    campaigns.push({
      campaign: c.campaign,
      open: await openExposure(ctx.db, { campaign: c.campaign }, now),
      budget: c.exposure_budget,
      released: Number(totals.released),
      submitted: Number(totals.submitted),
      closed: c.closed_at !== null || now >= c.closes,
    });
  }
  const batchRows = await ctx.db.selectFrom('batches').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
  const deviceRows = await ctx.db.selectFrom('devices').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
  const { n: unlogged } = await ctx.db.selectFrom('releases').select((eb) => eb.fn.countAll<number>().as('n')).where('log_index', 'is', null).executeTakeFirstOrThrow();
  return {
    time: new Date(nowMs).toISOString(),
    log: { origin: ctx.audit.origin, size: ctx.audit.size },
    vendors,
    campaigns,
    batches: { live: Number(batchRows.find((r) => r.state === 'live')?.n ?? 0), shredded: Number(batchRows.find((r) => r.state === 'shredded')?.n ?? 0) },
    devices: Object.fromEntries(deviceRows.map((r) => [r.state, Number(r.n)])),
    unlogged: Number(unlogged),
  };
}

export function formatStatus(s: GatekeeperStatus): string {
  const lines = [`gatekeeper status at ${s.time}; log ${s.log.origin} size ${s.log.size}`];
  lines.push('vendor exposure (open / budget):');
  for (const v of s.vendors) lines.push(`  ${v.vendor.padEnd(24)} ${String(v.open).padStart(7)} / ${v.budget}${v.suspended ? '  SUSPENDED' : ''}`);
  lines.push('campaign exposure (open / budget; released, submitted):');
  for (const c of s.campaigns) lines.push(`  ${c.campaign.padEnd(24)} ${String(c.open).padStart(7)} / ${c.budget}; ${c.released} released, ${c.submitted} submitted${c.closed ? '  CLOSED' : ''}`);
  lines.push(`batches: ${s.batches.live} live, ${s.batches.shredded} shredded`);
  lines.push(`devices: ${Object.entries(s.devices).map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}`);
  if (s.unlogged > 0) lines.push(`reservations without a log record (cut by a crash; they count until their lease ends): ${s.unlogged}`);
  return lines.join('\n');
}
