/** What the release rules decide on: the verified request and the rows read inside the release transaction. */
import type { Selectable, Transaction } from 'kysely';
import type { AssignmentBody } from '../../core/assignment.js';
import type { ReleaseRequest } from '../../core/release.js';
import type { AnnotatorsTable, BatchesTable, CampaignsTable, DevicesTable, GatekeeperTables, ItemsTable, VendorsTable } from '../db/tables.js';

export type Trx = Transaction<GatekeeperTables>;

export interface VerifiedRequest {
  readonly request: ReleaseRequest;
  readonly assignment: AssignmentBody;
  readonly device: Selectable<DevicesTable>;
  readonly vendor: Selectable<VendorsTable>;
  /** Unix seconds of the decision. */
  readonly now: number;
}

export interface ReleaseFacts extends VerifiedRequest {
  readonly deviceNow: Selectable<DevicesTable>;
  readonly vendorNow: Selectable<VendorsTable>;
  readonly annotator: Selectable<AnnotatorsTable> | undefined;
  readonly item: Selectable<ItemsTable> | undefined;
  readonly batch: Selectable<BatchesTable> | undefined;
  readonly campaign: Selectable<CampaignsTable> | undefined;
}

/** Facts once item-known and campaign-open have passed. */
export interface ItemFacts extends ReleaseFacts {
  readonly item: Selectable<ItemsTable>;
  readonly campaign: Selectable<CampaignsTable>;
}
