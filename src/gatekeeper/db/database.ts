/**
 * Opens the gatekeeper's database from `sqlite:PATH` (the embedded default)
 * or `postgres://...` (at scale), and brings its schema up to date.
 *
 * Race-freedom of the release counters (overlap, pace, leases, exposure)
 * rests on this: on SQLite every transaction runs alone on the one
 * connection (Kysely serializes them); on PostgreSQL the release transaction
 * locks the vendor, campaign and item rows FOR UPDATE in that order
 * (policy/release-transaction.ts).
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { reusingStatements } from '../../storage/sqlite-statement-cache.js';
import pg from 'pg';
import { fail } from '../../core/errors.js';
import { gatekeeperMigrations } from './migrations.js';
import type { GatekeeperTables } from './tables.js';

export type GatekeeperDialect = 'sqlite' | 'postgres';

export interface GatekeeperDatabase {
  readonly db: Kysely<GatekeeperTables>;
  readonly dialect: GatekeeperDialect;
  close(): Promise<void>;
}

export interface OpenGatekeeperDatabaseOptions {
  /** PostgreSQL only: keep every table in this schema (created when missing). */
  pgSchema?: string;
  pgPoolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/** pg returns int8 as strings; every int8 here is a count, a log index or a Unix time well inside 2^53. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

function openSqlite(path: string): Kysely<GatekeeperTables> {
  const database = new BetterSqlite3(path);
  // WAL + synchronous=NORMAL: a commit survives a process crash (kill -9), and a power loss can
  // only drop the last commits, never corrupt. FULL would fsync every commit and cap releases at
  // the disk's fsync rate, on one connection. What must survive power loss is the audit log, and
  // it is fsynced before any key leaves; what a power loss could drop here (the newest
  // reservations and nonces) is documented in docs/GATEKEEPER.md §Durability.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return new Kysely<GatekeeperTables>({ dialect: new SqliteDialect({ database: reusingStatements(database) }) });
}

async function openPostgres(url: string, options: OpenGatekeeperDatabaseOptions): Promise<Kysely<GatekeeperTables>> {
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
  return new Kysely<GatekeeperTables>({ dialect: new PostgresDialect({ pool }) });
}

export async function openGatekeeperDatabase(location: string, options: OpenGatekeeperDatabaseOptions = {}): Promise<GatekeeperDatabase> {
  let db: Kysely<GatekeeperTables>;
  let dialect: GatekeeperDialect;
  if (location.startsWith('sqlite:')) {
    const path = location.slice('sqlite:'.length);
    if (path === '') fail('BAD_FORMAT', '--db sqlite: needs a path, e.g. sqlite:./.keyhole/gatekeeper.db');
    db = openSqlite(path);
    dialect = 'sqlite';
  } else if (location.startsWith('postgres://') || location.startsWith('postgresql://')) {
    db = await openPostgres(location, options);
    dialect = 'postgres';
  } else {
    return fail('BAD_FORMAT', '--db must be sqlite:PATH or postgres://user@host/database');
  }
  // With a schema of its own, Kysely must look for its migration tables there, not in whichever schema has them first.
  const migrationTableSchema = dialect === 'postgres' ? options.pgSchema : undefined;
  const { error } = await new Migrator({ db, provider: gatekeeperMigrations(), ...(migrationTableSchema ? { migrationTableSchema } : {}) }).migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return { db, dialect, close: () => db.destroy() };
}
