/** The hub schema migrates on SQLite and PostgreSQL, twice without harm, and keys tenant rows by lab. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openHubDatabase } from '../../src/storage/open-database.js';
import { needs } from '../support/environment.js';
import { dropSchema, freshSchemaName, postgresAvailable, POSTGRES_URL } from './support/postgres.js';

const TENANT_TABLES = ['roster', 'device_decisions', 'campaigns', 'items', 'leases', 'submissions', 'lab_nonces'];

async function checkSchema(open: () => Promise<Awaited<ReturnType<typeof openHubDatabase>>>) {
  const first = await open();
  await first.close();
  const hub = await open(); // migrating again is a no-op
  try {
    const tables = await hub.db.introspection.getTables();
    for (const name of TENANT_TABLES) {
      const table = tables.find((t) => t.name === name);
      assert.ok(table, `table ${name}`);
      assert.ok(table.columns.some((c) => c.name === 'lab'), `${name} has a lab column`);
    }
    await hub.db.insertInto('labs').values({ lab: 'acme-lab', signing_key: 'k', registered_at: 1_800_000_000 }).execute();
    const row = await hub.db.selectFrom('labs').selectAll().executeTakeFirstOrThrow();
    assert.equal(typeof row.registered_at, 'number');
    assert.equal(row.registered_at, 1_800_000_000);
  } finally {
    await hub.close();
  }
}

test('SQLite: the schema migrates and round-trips values', async () => {
  const path = `/tmp/keyhole-db-${process.pid}-${Date.now()}.sqlite`;
  await checkSchema(() => openHubDatabase(`sqlite:${path}`));
  const { rm } = await import('node:fs/promises');
  await Promise.all(['', '-wal', '-shm'].map((s) => rm(path + s, { force: true })));
});

test('PostgreSQL: the schema migrates into its own schema and round-trips values', async (t) => {
  if (!needs(t, await postgresAvailable(), 'PostgreSQL on 127.0.0.1:5432')) return;
  const schema = freshSchemaName();
  try {
    await checkSchema(() => openHubDatabase(POSTGRES_URL, { pgSchema: schema, pgPoolSize: 2 }));
  } finally {
    await dropSchema(schema);
  }
});

test('an unknown --db scheme is refused with the accepted forms', async () => {
  await assert.rejects(openHubDatabase('mysql://x'), /sqlite:PATH or postgres:\/\//);
  await assert.rejects(openHubDatabase('postgres://x', { pgSchema: 'Bad;drop' }), /lower-case SQL identifier/);
});
