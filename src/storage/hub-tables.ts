/**
 * The hub's tables as Kysely sees them. Every row that belongs to a lab
 * carries `lab` as the first column of its key, so the schema shards by tenant
 * (Citus distribution column) and every query names its tenant. Columns hold
 * public keys, ids, digests, times and references to ciphertext blobs; no
 * column holds a private key, a DEK, a KEK or plaintext.
 *
 * Times are Unix seconds. Booleans are 0/1 integers (SQLite has no boolean).
 */
import type { ColumnType, Generated } from 'kysely';

export interface LabsTable {
  lab: string;
  /** The lab's Ed25519 public key (base64url): verifies its requests, manifests and item headers. */
  signing_key: string;
  registered_at: number;
}

export interface AnnotatorsTable {
  id: string;
  username: string;
  /** scrypt$<log2 N>$<r>$<p>$<salt>$<hash>, see src/hub/password-hash.ts. */
  password_hash: string;
  reviewer: number;
  suspended_at: number | null;
  created_at: number;
}

/** The vendor's staffing: which annotators work for which lab. */
export interface RosterTable {
  lab: string;
  annotator: string;
  /** Set while the lab has suspended this annotator (PUT /v1/labs/{lab}/annotators/{annotator}); null otherwise. */
  suspended_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
  token_hash: string;
  annotator: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface DevicesTable {
  /** deviceId(signing, kex), SHA-256 hex. */
  id: string;
  annotator: string;
  signing_key: string;
  kex_key: string;
  registered_at: number;
}

/** A lab's decision on a device. No row means pending. */
export interface DeviceDecisionsTable {
  lab: string;
  device: string;
  state: 'approved' | 'suspended';
  decided_at: number;
}

export interface CampaignsTable {
  lab: string;
  campaign: string;
  /** The lab-signed manifest, as canonical JSON. */
  manifest: string;
  result_key: string;
  overlap: number;
  lease_seconds: number;
  opens: number;
  closes: number;
  /** 0: no gold items mixed in; n: after every n regular leases an annotator gets a gold item. */
  gold_every: number;
  review: number;
  updated_at: number;
}

/**
 * open: has a free slot; full: `overlap` annotators hold or finished it;
 * review: waits for a reviewer; in-review: a reviewer holds it; done.
 * Gold items stay open: they have no cap.
 */
export type ItemStatus = 'open' | 'full' | 'review' | 'in-review' | 'done';

export interface ItemsTable {
  lab: string;
  campaign: string;
  item: string;
  /** SHA-256 of the signed header (base64url): the item's identity in assignments and labels. */
  digest: string;
  gold: number;
  status: ItemStatus;
  /** Annotation leases that count against the overlap: open (unexpired) and submitted. */
  active: number;
  submitted: number;
  size: number;
  expires: number;
  blob_key: string;
  lab_section_key: string;
  uploaded_at: number;
}

export type LeaseStage = 'annotate' | 'review';
/** `revoked`: ended early because the annotator or the device was suspended. */
export type LeaseState = 'open' | 'submitted' | 'skipped' | 'expired' | 'revoked';

export interface LeasesTable {
  id: string;
  lab: string;
  campaign: string;
  item: string;
  digest: string;
  annotator: string;
  device: string;
  stage: LeaseStage;
  state: LeaseState;
  gold: number;
  issued: number;
  expires: number;
  skip_reason: string | null;
}

export interface SubmissionsTable {
  seq: Generated<number>;
  lab: string;
  campaign: string;
  lease: string;
  item: string;
  annotator: string;
  device: string;
  stage: LeaseStage;
  /** The device-signed sealed label, as JSON: ciphertext to the campaign's result key. */
  label: string;
  submitted_at: number;
}

/** Nonces of signed lab requests still inside the replay window. */
export interface LabNoncesTable {
  lab: string;
  nonce: string;
  expires: number;
}

export interface HubTables {
  labs: LabsTable;
  annotators: AnnotatorsTable;
  roster: RosterTable;
  sessions: SessionsTable;
  devices: DevicesTable;
  device_decisions: DeviceDecisionsTable;
  campaigns: CampaignsTable;
  items: ItemsTable;
  leases: LeasesTable;
  submissions: SubmissionsTable;
  lab_nonces: LabNoncesTable;
}
