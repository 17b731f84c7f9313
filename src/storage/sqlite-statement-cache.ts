/**
 * better-sqlite3 behind Kysely with its prepared statements reused. Kysely's
 * SQLite driver prepares every query anew; the gatekeeper's release
 * transaction runs a dozen small queries per key, and preparing them was a
 * tenth of its CPU time. Kysely builds the same SQL text for the same query
 * shape (values are bound parameters), so a map from SQL text to statement
 * is enough. Safe here because every call is synchronous: a statement is
 * never in use twice at once (none of our queries stream).
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const MAX_STATEMENTS = 512;

export function reusingStatements(database: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql) as unknown as SqliteStatement;
        if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
    close(): void {
      cache.clear();
      database.close();
    },
  };
}
