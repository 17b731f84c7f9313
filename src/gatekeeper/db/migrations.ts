/**
 * The gatekeeper's schema as ordered migrations that run the same on SQLite
 * and PostgreSQL. Append new migrations; never edit one that has shipped.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

type AnyDb = Kysely<unknown>;

const initialSchema: Migration = {
  async up(db: AnyDb) {
    await db.schema.createTable('secrets').addColumn('name', 'text', (c) => c.primaryKey()).addColumn('wrapped', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull()).execute();

    await db.schema
      .createTable('batches')
      .addColumn('batch', 'text', (c) => c.primaryKey())
      .addColumn('campaign', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('shredded_at', 'bigint')
      .addColumn('receipt', 'text')
      .addColumn('receipt_index', 'bigint')
      .execute();

    await db.schema
      .createTable('keks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('batch', 'text', (c) => c.notNull().references('batches.batch'))
      .addColumn('wrapped', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('keks_by_batch').on('keks').columns(['batch']).execute();

    await db.schema
      .createTable('campaigns')
      .addColumn('campaign', 'text', (c) => c.primaryKey())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('opens', 'bigint', (c) => c.notNull())
      .addColumn('closes', 'bigint', (c) => c.notNull())
      .addColumn('overlap', 'integer', (c) => c.notNull())
      .addColumn('pace_per_minute', 'integer', (c) => c.notNull())
      .addColumn('pace_per_hour', 'integer', (c) => c.notNull())
      .addColumn('max_outstanding', 'integer', (c) => c.notNull())
      .addColumn('exposure_budget', 'integer', (c) => c.notNull())
      .addColumn('closed_at', 'bigint')
      .execute();

    await db.schema
      .createTable('items')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('lab', 'text', (c) => c.notNull())
      .addColumn('campaign', 'text', (c) => c.notNull().references('campaigns.campaign'))
      .addColumn('batch', 'text', (c) => c.notNull().references('batches.batch'))
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('slot', 'text')
      .addColumn('tripwire', 'integer', (c) => c.notNull())
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('items_campaign_item', ['campaign', 'item'])
      .execute();
    await db.schema.createIndex('items_by_batch').on('items').columns(['batch']).execute();

    await db.schema
      .createTable('vendors')
      .addColumn('vendor', 'text', (c) => c.primaryKey())
      .addColumn('hub_key', 'text', (c) => c.notNull())
      .addColumn('exposure_budget', 'integer', (c) => c.notNull())
      .addColumn('suspended_at', 'bigint')
      .execute();

    await db.schema
      .createTable('annotators')
      .addColumn('vendor', 'text', (c) => c.notNull().references('vendors.vendor'))
      .addColumn('annotator', 'text', (c) => c.notNull())
      .addColumn('suspended_at', 'bigint')
      .addPrimaryKeyConstraint('annotators_pk', ['vendor', 'annotator'])
      .execute();

    await db.schema
      .createTable('devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('vendor', 'text', (c) => c.notNull().references('vendors.vendor'))
      .addColumn('annotator', 'text', (c) => c.notNull())
      .addColumn('signing_key', 'text', (c) => c.notNull())
      .addColumn('kex_key', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('suspended_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema.createTable('nonces').addColumn('nonce', 'text', (c) => c.primaryKey()).addColumn('expires_at', 'bigint', (c) => c.notNull()).execute();
    await db.schema.createIndex('nonces_by_expiry').on('nonces').columns(['expires_at']).execute();

    await db.schema
      .createTable('releases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('campaign', 'text', (c) => c.notNull())
      .addColumn('vendor', 'text', (c) => c.notNull())
      .addColumn('annotator', 'text', (c) => c.notNull())
      .addColumn('device', 'text', (c) => c.notNull())
      .addColumn('lease', 'text', (c) => c.notNull())
      .addColumn('released_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_expires', 'bigint', (c) => c.notNull())
      .addColumn('submitted_at', 'bigint')
      .addColumn('log_index', 'bigint')
      .addUniqueConstraint('releases_one_per_annotator', ['digest', 'vendor', 'annotator'])
      .execute();
    await db.schema.createIndex('releases_by_annotator').on('releases').columns(['vendor', 'annotator', 'campaign', 'released_at']).execute();
    await db.schema.createIndex('releases_open_by_vendor').on('releases').columns(['vendor', 'submitted_at', 'lease_expires']).execute();
    await db.schema.createIndex('releases_open_by_campaign').on('releases').columns(['campaign', 'submitted_at', 'lease_expires']).execute();

    await db.schema.createTable('monitors').addColumn('name', 'text', (c) => c.primaryKey()).addColumn('public_key', 'text', (c) => c.notNull()).execute();
  },
};

/**
 * The lab's own operators (admin API, docs/GATEKEEPER.md §Admin API), where
 * each vendor's hub is reached, which vendor a campaign runs at with its
 * signed manifest, and whether a registered item has reached the hub (ingest
 * resumes from that).
 */
const adminApi: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('operators')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('added_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.alterTable('vendors').addColumn('hub_url', 'text').execute();
    await db.schema.alterTable('campaigns').addColumn('vendor', 'text').execute();
    await db.schema.alterTable('campaigns').addColumn('manifest', 'text').execute();
    await db.schema.alterTable('items').addColumn('uploaded_at', 'bigint').execute();
    await db.schema.createIndex('items_by_campaign_item').on('items').columns(['campaign', 'item']).execute();
  },
};

/**
 * Release accounting the vendor cannot shorten (issue 14 finding 2, issue 16;
 * docs/GATEKEEPER.md §Open releases). A release is *held* (counts toward the
 * annotator's outstanding items and the item's overlap) until the device
 * proves it ended (submit receipt or release-ended notice), or else until the
 * later of its lease's end and the campaign's minimum exposure window; it is
 * *exposed* (counts toward the vendor and campaign budgets) until the later of
 * that end and the window. Both are stored as times so each cap is one range
 * query. Rows from before keep their old meaning: open until submitted or
 * until their lease ended.
 */
const releaseAccounting: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('campaigns').addColumn('min_exposure_seconds', 'integer', (c) => c.notNull().defaultTo(900)).execute();
    await db.schema.alterTable('releases').addColumn('held_until', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('releases').addColumn('exposed_until', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('releases').addColumn('skipped_at', 'bigint').execute();
    await sql`update releases set held_until = coalesce(submitted_at, lease_expires), exposed_until = coalesce(submitted_at, lease_expires)`.execute(db);
    await db.schema.createIndex('releases_held_by_annotator').on('releases').columns(['vendor', 'annotator', 'campaign', 'held_until']).execute();
    await db.schema.createIndex('releases_exposed_by_vendor').on('releases').columns(['vendor', 'exposed_until']).execute();
    await db.schema.createIndex('releases_exposed_by_campaign').on('releases').columns(['campaign', 'exposed_until']).execute();
  },
};

/**
 * Lab-bound enrollment (issue 17; docs/GATEKEEPER.md §Enrollment): the lab's
 * own roster of the pseudonymous people each vendor staffs, one-time
 * invitations issued to roster entries (only the code's hash is kept), the
 * invitation a device was bound by, and whether the lab still approves
 * devices by hand for a vendor (on for existing vendors, as before).
 */
const labEnrollment: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('roster')
      .addColumn('vendor', 'text', (c) => c.notNull().references('vendors.vendor'))
      .addColumn('annotator', 'text', (c) => c.notNull())
      .addColumn('added_at', 'bigint', (c) => c.notNull())
      .addColumn('added_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('roster_pk', ['vendor', 'annotator'])
      .execute();
    await db.schema
      .createTable('invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code_hash', 'text', (c) => c.notNull().unique())
      .addColumn('vendor', 'text', (c) => c.notNull())
      .addColumn('annotator', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('issued_by', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('redeemed_at', 'bigint')
      .addColumn('device', 'text')
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('invitations_by_annotator').on('invitations').columns(['vendor', 'annotator']).execute();
    await db.schema.alterTable('devices').addColumn('invitation', 'text').execute();
    await db.schema.alterTable('vendors').addColumn('manual_approval', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  },
};

export function gatekeeperMigrations(): MigrationProvider {
  return { getMigrations: async () => ({ '0001-initial': initialSchema, '0010-admin-api': adminApi, '0020-release-accounting': releaseAccounting, '0030-lab-enrollment': labEnrollment }) };
}
