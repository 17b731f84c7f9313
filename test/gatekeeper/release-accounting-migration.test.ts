/**
 * Migration 0020-release-accounting on a gatekeeper that already holds
 * releases: rows from before keep their old meaning (open until submitted, or
 * until their lease ended) and campaigns get the default minimum exposure
 * window. SQLite and PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationProvider } from 'kysely';
import { openGatekeeperDatabase } from '../../src/gatekeeper/db/database.js';
import { gatekeeperMigrations } from '../../src/gatekeeper/db/migrations.js';
import { openSqlDatabase } from '../../src/storage/open-sql-database.js';
import { needs } from '../support/environment.js';
import { POSTGRES_URL, dropSchema, freshSchemaName, postgresAvailable } from '../storage/support/postgres.js';

/** The two tables as they were before 0020 (what an older gatekeeper wrote). */
interface OldTables {
  campaigns: { campaign: string; policy: string; opens: number; closes: number; overlap: number; pace_per_minute: number; pace_per_hour: number; max_outstanding: number; exposure_budget: number; closed_at: number | null };
  releases: { id: string; digest: string; campaign: string; vendor: string; annotator: string; device: string; lease: string; released_at: number; lease_expires: number; submitted_at: number | null; log_index: number | null };
}

/** The gatekeeper's migrations as they were before 0020. */
function before0020(): MigrationProvider {
  return {
    async getMigrations() {
      const all = await gatekeeperMigrations().getMigrations();
      return Object.fromEntries(Object.entries(all).filter(([name]) => name < '0020'));
    },
  };
}

async function check(location: string, options: { pgSchema?: string }): Promise<void> {
  const old = await openSqlDatabase<OldTables>(location, () => before0020(), options);
  await old.db.insertInto('campaigns').values({ campaign: 'c1', policy: 'b'.repeat(64), opens: 0, closes: 10, overlap: 1, pace_per_minute: 1, pace_per_hour: 1, max_outstanding: 1, exposure_budget: 1, closed_at: null }).execute();
  const row = { digest: 'd', campaign: 'c1', vendor: 'v', device: 'x', lease: 'l', released_at: 100, lease_expires: 700, log_index: 1 };
  await old.db.insertInto('releases').values([
    { ...row, id: 'open', annotator: 'a1', submitted_at: null },
    { ...row, id: 'submitted', annotator: 'a2', submitted_at: 160 },
  ]).execute();
  await old.close();

  const gk = await openGatekeeperDatabase(location, options);
  try {
    const rows = await gk.db.selectFrom('releases').select(['id', 'held_until', 'exposed_until', 'skipped_at']).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => ({ ...r, held_until: Number(r.held_until), exposed_until: Number(r.exposed_until) })), [
      { id: 'open', held_until: 700, exposed_until: 700, skipped_at: null },
      { id: 'submitted', held_until: 160, exposed_until: 160, skipped_at: null },
    ]);
    const campaign = await gk.db.selectFrom('campaigns').select('min_exposure_seconds').executeTakeFirstOrThrow();
    assert.equal(Number(campaign.min_exposure_seconds), 900);
  } finally {
    await gk.close();
  }
}

test('SQLite: releases from before the migration keep their meaning', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keyhole-gk-mig-'));
  try {
    await check(`sqlite:${join(dir, 'gatekeeper.db')}`, {});
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL: releases from before the migration keep their meaning', async (t) => {
  if (!needs(t, await postgresAvailable(), 'PostgreSQL at 127.0.0.1:5432')) return;
  const pgSchema = freshSchemaName();
  try {
    await check(POSTGRES_URL, { pgSchema });
  } finally {
    await dropSchema(pgSchema);
  }
});
