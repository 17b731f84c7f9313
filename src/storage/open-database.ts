/**
 * Opens the hub's database from a `--db` argument, `sqlite:PATH` (the
 * embedded default) or `postgres://...`, and brings its schema up to date.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { reusingStatements } from './sqlite-statement-cache.js';
import pg from 'pg';
import { fail } from '../core/errors.js';
import { hubMigrations } from './hub-migrations.js';
import type { HubTables } from './hub-tables.js';
import type { SqlDialectName } from './sql-dialect.js';

export interface HubDatabase {
  readonly db: Kysely<HubTables>;
  readonly dialect: SqlDialectName;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL only: keep every table in this schema (created when missing). Tests use one per run. */
  pgSchema?: string;
  /** PostgreSQL only: connections in the pool. */
  pgPoolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/** pg returns int8 (bigint, count(*)) as strings; every such value in the hub is a count or Unix time well inside 2^53. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

function openSqlite(path: string): Kysely<HubTables> {
  const database = new BetterSqlite3(path);
  // WAL lets readers run beside the writer. synchronous=NORMAL survives a process crash
  // (kill -9) without losing a commit; a power loss may lose the last few, never corrupt.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return new Kysely<HubTables>({ dialect: new SqliteDialect({ database: reusingStatements(database) }) });
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Kysely<HubTables>> {
  const schema = options.pgSchema;
  if (schema !== undefined) {
    if (!SCHEMA_NAME.test(schema)) fail('BAD_FORMAT', `PostgreSQL schema "${schema}" must be a lower-case SQL identifier`);
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
      await setup.query(`create schema if not exists ${schema}`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.pgPoolSize ?? 10,
    types: pgTypes,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  return new Kysely<HubTables>({ dialect: new PostgresDialect({ pool }) });
}

export async function openHubDatabase(location: string, options: OpenDatabaseOptions = {}): Promise<HubDatabase> {
  let db: Kysely<HubTables>;
  let dialect: SqlDialectName;
  if (location.startsWith('sqlite:')) {
    const path = location.slice('sqlite:'.length);
    if (path === '') fail('BAD_FORMAT', '--db sqlite: needs a path, e.g. sqlite:./.keyhole/hub.db (or sqlite::memory:)');
    db = openSqlite(path);
    dialect = 'sqlite';
  } else if (location.startsWith('postgres://') || location.startsWith('postgresql://')) {
    db = await openPostgres(location, options);
    dialect = 'postgres';
  } else {
    return fail('BAD_FORMAT', '--db must be sqlite:PATH or postgres://user@host/database');
  }
  // Kysely looks for its migration tables in any schema unless told which one; name ours, so another
  // schema in the same database (another hub, another test run) is never mistaken for this one.
  const schema = dialect === 'postgres' ? (options.pgSchema ?? 'public') : undefined;
  const migrator = new Migrator({ db, provider: hubMigrations(dialect), ...(schema === undefined ? {} : { migrationTableSchema: schema }) });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return { db, dialect, close: () => db.destroy() };
}
