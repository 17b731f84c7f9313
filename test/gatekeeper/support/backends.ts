/** The databases the gatekeeper suite runs on: SQLite always, PostgreSQL when it answers (each run in its own schema). */
import { join } from 'node:path';
import { openGatekeeperDatabase, type GatekeeperDatabase } from '../../../src/gatekeeper/db/database.js';
import { POSTGRES_URL, dropSchema, freshSchemaName, postgresAvailable } from '../../storage/support/postgres.js';

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  available(): Promise<boolean>;
  open(dir: string): Promise<{ database: GatekeeperDatabase; location: string; pgSchema?: string; cleanup(): Promise<void> }>;
}

export const BACKENDS: readonly Backend[] = [
  {
    name: 'sqlite',
    available: async () => true,
    async open(dir) {
      const location = `sqlite:${join(dir, 'gatekeeper.db')}`;
      return { database: await openGatekeeperDatabase(location), location, cleanup: async () => {} };
    },
  },
  {
    name: 'postgres',
    available: postgresAvailable,
    async open() {
      const pgSchema = freshSchemaName();
      const database = await openGatekeeperDatabase(POSTGRES_URL, { pgSchema, pgPoolSize: 8 });
      return { database, location: POSTGRES_URL, pgSchema, cleanup: () => dropSchema(pgSchema) };
    },
  },
];
