/**
 * The hub's schema, as ordered migrations that run the same on SQLite and
 * PostgreSQL. Migrations are code, not files read at run time, so the schema
 * a binary expects is the schema it creates. Append new migrations; never
 * edit one that has shipped.
 */
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { SqlDialectName } from './sql-dialect.js';

type AnyDb = Kysely<unknown>;

function initialSchema(dialect: SqlDialectName): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('labs')
        .addColumn('lab', 'text', (c) => c.primaryKey())
        .addColumn('signing_key', 'text', (c) => c.notNull())
        .addColumn('registered_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('annotators')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('reviewer', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('suspended_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('roster')
        .addColumn('lab', 'text', (c) => c.notNull().references('labs.lab'))
        .addColumn('annotator', 'text', (c) => c.notNull().references('annotators.id'))
        .addPrimaryKeyConstraint('roster_pk', ['lab', 'annotator'])
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('annotator', 'text', (c) => c.notNull().references('annotators.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('sessions_by_annotator').on('sessions').columns(['annotator']).execute();

      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('annotator', 'text', (c) => c.notNull().references('annotators.id'))
        .addColumn('signing_key', 'text', (c) => c.notNull())
        .addColumn('kex_key', 'text', (c) => c.notNull())
        .addColumn('registered_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('devices_by_annotator').on('devices').columns(['annotator']).execute();

      await db.schema
        .createTable('device_decisions')
        .addColumn('lab', 'text', (c) => c.notNull().references('labs.lab'))
        .addColumn('device', 'text', (c) => c.notNull().references('devices.id'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('device_decisions_pk', ['lab', 'device'])
        .execute();

      await db.schema
        .createTable('campaigns')
        .addColumn('lab', 'text', (c) => c.notNull().references('labs.lab'))
        .addColumn('campaign', 'text', (c) => c.notNull())
        .addColumn('manifest', 'text', (c) => c.notNull())
        .addColumn('result_key', 'text', (c) => c.notNull())
        .addColumn('overlap', 'integer', (c) => c.notNull())
        .addColumn('lease_seconds', 'integer', (c) => c.notNull())
        .addColumn('opens', 'bigint', (c) => c.notNull())
        .addColumn('closes', 'bigint', (c) => c.notNull())
        .addColumn('gold_every', 'integer', (c) => c.notNull())
        .addColumn('review', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('campaigns_pk', ['lab', 'campaign'])
        .execute();

      await db.schema
        .createTable('items')
        .addColumn('lab', 'text', (c) => c.notNull())
        .addColumn('campaign', 'text', (c) => c.notNull())
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('gold', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('submitted', 'integer', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('expires', 'bigint', (c) => c.notNull())
        .addColumn('blob_key', 'text', (c) => c.notNull())
        .addColumn('lab_section_key', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('items_pk', ['lab', 'campaign', 'item'])
        .addForeignKeyConstraint('items_campaign_fk', ['lab', 'campaign'], 'campaigns', ['lab', 'campaign'])
        .execute();
      // The queue scan: open items of a campaign in id order.
      await db.schema.createIndex('items_queue').on('items').columns(['lab', 'campaign', 'status', 'gold', 'item']).execute();

      await db.schema
        .createTable('leases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('lab', 'text', (c) => c.notNull())
        .addColumn('campaign', 'text', (c) => c.notNull())
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('annotator', 'text', (c) => c.notNull().references('annotators.id'))
        .addColumn('device', 'text', (c) => c.notNull().references('devices.id'))
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('gold', 'integer', (c) => c.notNull())
        .addColumn('issued', 'bigint', (c) => c.notNull())
        .addColumn('expires', 'bigint', (c) => c.notNull())
        .addColumn('skip_reason', 'text')
        .addForeignKeyConstraint('leases_item_fk', ['lab', 'campaign', 'item'], 'items', ['lab', 'campaign', 'item'])
        .execute();
      // "Never the same item twice to one annotator", enforced by the database as well as by the queue.
      await db.schema.createIndex('leases_once_per_annotator').on('leases').columns(['lab', 'campaign', 'item', 'annotator']).unique().execute();
      // Reclaiming expired leases: open leases of a campaign by expiry.
      await db.schema.createIndex('leases_by_expiry').on('leases').columns(['lab', 'campaign', 'state', 'expires']).execute();
      await db.schema.createIndex('leases_by_annotator').on('leases').columns(['annotator', 'lab', 'campaign', 'state']).execute();

      await db.schema
        .createTable('submissions')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('lab', 'text', (c) => c.notNull())
        .addColumn('campaign', 'text', (c) => c.notNull())
        .addColumn('lease', 'text', (c) => c.notNull().unique().references('leases.id'))
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('annotator', 'text', (c) => c.notNull())
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('submissions_by_campaign').on('submissions').columns(['lab', 'campaign', 'seq']).execute();

      await db.schema
        .createTable('lab_nonces')
        .addColumn('lab', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('expires', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('lab_nonces_pk', ['lab', 'nonce'])
        .execute();
      await db.schema.createIndex('lab_nonces_by_expiry').on('lab_nonces').columns(['expires']).execute();
    },
  };
}

/** A lab can suspend an annotator of its roster at the hub (issue 14 finding 5); the vendor's own suspension stays on annotators. */
const rosterSuspension: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('roster').addColumn('suspended_at', 'bigint').execute();
  },
};

export function hubMigrations(dialect: SqlDialectName): MigrationProvider {
  return {
    getMigrations: async () => ({ '0001_initial': initialSchema(dialect), '0002_roster_suspension': rosterSuspension }),
  };
}
