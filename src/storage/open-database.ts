/** Opens the hub's database (`sqlite:PATH` or `postgres://...`) through the shared opener, with the hub's migrations. */
import { hubMigrations } from './hub-migrations.js';
import type { HubTables } from './hub-tables.js';
import { openSqlDatabase, type OpenSqlOptions, type SqlDatabase } from './open-sql-database.js';

export type HubDatabase = SqlDatabase<HubTables>;
export type OpenDatabaseOptions = OpenSqlOptions;

export function openHubDatabase(location: string, options: OpenDatabaseOptions = {}): Promise<HubDatabase> {
  return openSqlDatabase<HubTables>(location, hubMigrations, options);
}
