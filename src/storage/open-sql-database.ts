/**
 * The one way keyhole opens a SQL database, for the hub and the gatekeeper
 * alike: `sqlite:PATH` (the embedded default) or `postgres://...` (at scale),
 * behind Kysely, with the caller's migrations brought up to date.
 *
 * SQLite: WAL lets readers run beside the writer; synchronous=NORMAL keeps
 * every commit across a process crash (kill -9), and a power loss can drop
 * only the newest commits, never corrupt the file. What must survive power
 * loss is the audit log, which is fsynced before any key leaves
 * (docs/GATEKEEPER.md §Durability). The file is created mode 0600: it holds
 * password hashes (hub) or wrapped keys (gatekeeper). SQLite gives its -wal
 * and -shm files the main file's mode.
 */
import { closeSync, openSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { fail } from '../core/errors.js';
import { reusingStatements } from './sqlite-statement-cache.js';
import type { SqlDialectName } from './sql-dialect.js';

export interface SqlDatabase<T> {
  readonly db: Kysely<T>;
  readonly dialect: SqlDialectName;
  close(): Promise<void>;
}

export interface OpenSqlOptions {
  /** PostgreSQL only: keep every table in this schema (created when missing). Tests use one per run. */
  pgSchema?: string;
  /** PostgreSQL only: connections in the pool. */
  pgPoolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/** pg returns int8 as strings; every int8 keyhole stores is a count, a log index or a Unix time well inside 2^53. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

function openSqlite<T>(path: string): Kysely<T> {
  if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return new Kysely<T>({ dialect: new SqliteDialect({ database: reusingStatements(database) }) });
}

async function openPostgres<T>(url: string, options: OpenSqlOptions): Promise<Kysely<T>> {
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
  return new Kysely<T>({ dialect: new PostgresDialect({ pool }) });
}

/** Opens `location` and migrates it; errors never echo the URL (it may carry a password). */
export async function openSqlDatabase<T>(location: string, migrations: (dialect: SqlDialectName) => MigrationProvider, options: OpenSqlOptions = {}): Promise<SqlDatabase<T>> {
  let db: Kysely<T>;
  let dialect: SqlDialectName;
  if (location.startsWith('sqlite:')) {
    const path = location.slice('sqlite:'.length);
    if (path === '') fail('BAD_FORMAT', 'database sqlite: needs a path, e.g. sqlite:./.keyhole/hub.db');
    db = openSqlite<T>(path);
    dialect = 'sqlite';
  } else if (location.startsWith('postgres://') || location.startsWith('postgresql://')) {
    db = await openPostgres<T>(location, options);
    dialect = 'postgres';
  } else {
    return fail('BAD_FORMAT', 'database must be sqlite:PATH or postgres://user@host/database');
  }
  // Kysely looks for its migration tables in any schema unless told which one; name ours, so another
  // schema in the same database (another service, another test run) is never mistaken for this one.
  const schema = dialect === 'postgres' ? (options.pgSchema ?? 'public') : undefined;
  const migrator = new Migrator({ db, provider: migrations(dialect), ...(schema === undefined ? {} : { migrationTableSchema: schema }) });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return { db, dialect, close: () => db.destroy() };
}
