/**
 * Opens the gatekeeper's database (`sqlite:PATH` or `postgres://...`) through
 * the shared opener (src/storage/open-sql-database.ts), with its migrations.
 *
 * Race-freedom of the release counters (overlap, pace, leases, exposure)
 * rests on this: on SQLite every transaction runs alone on the one
 * connection (Kysely serializes them); on PostgreSQL the release transaction
 * locks the vendor, campaign and item rows FOR UPDATE in that order
 * (policy/release-transaction.ts).
 */
import { openSqlDatabase, type OpenSqlOptions, type SqlDatabase } from '../../storage/open-sql-database.js';
import type { SqlDialectName } from '../../storage/sql-dialect.js';
import { gatekeeperMigrations } from './migrations.js';
import type { GatekeeperTables } from './tables.js';

export type GatekeeperDialect = SqlDialectName;
export type GatekeeperDatabase = SqlDatabase<GatekeeperTables>;
export type OpenGatekeeperDatabaseOptions = OpenSqlOptions;

export function openGatekeeperDatabase(location: string, options: OpenGatekeeperDatabaseOptions = {}): Promise<GatekeeperDatabase> {
  return openSqlDatabase<GatekeeperTables>(location, () => gatekeeperMigrations(), options);
}
