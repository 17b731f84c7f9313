/**
 * The gatekeeper's tables (Kysely types). Times are Unix seconds. Nothing here
 * is a plaintext key: KEKs and the lab's secrets are stored wrapped under the
 * root key (keystore/), and are worthless without it.
 */
import type { Generated } from 'kysely';

export interface SecretsTable {
  /** e.g. "lab-signing", "log-key", "result:<campaign>" */
  name: string;
  /** b64u of the root-key wrap (keystore/root-key.ts) */
  wrapped: string;
  created_at: number;
}

export interface KeksTable {
  id: string;
  batch: string;
  wrapped: string;
  created_at: number;
}

export interface BatchesTable {
  batch: string;
  campaign: string;
  /** 'live' or 'shredded' */
  state: string;
  shredded_at: number | null;
  /** The signed deletion receipt (JSON) once the batch is shredded. */
  receipt: string | null;
  /** Log index of the shred record, null until it is durable. */
  receipt_index: number | null;
}

export interface ItemsTable {
  /** b64u SHA-256 of the item header (SPEC §3.2): how a release finds its item. */
  digest: string;
  lab: string;
  campaign: string;
  batch: string;
  item: string;
  /** The key slot, JCS JSON (SPEC §3.3); null once the batch is shredded. */
  slot: string | null;
  tripwire: number;
  registered_at: number;
  /** When the hub acknowledged the sealed item (uploaded through the admin API); null before. */
  uploaded_at: number | null;
}

export interface CampaignsTable {
  campaign: string;
  /** sha256hex of the minimization policy */
  policy: string;
  opens: number;
  closes: number;
  overlap: number;
  pace_per_minute: number;
  pace_per_hour: number;
  max_outstanding: number;
  exposure_budget: number;
  /** The lab's minimum exposure window: a release counts as open at least this long, whatever the lease says. */
  min_exposure_seconds: number;
  closed_at: number | null;
  /** The vendor (hub id) that runs the campaign; null for campaigns set up before the admin API. */
  vendor: string | null;
  /** The lab-signed campaign manifest (SPEC §2.5) as last put on the hub. */
  manifest: string | null;
}

export interface VendorsTable {
  /** The hub id that signs assignments (SPEC §5 `hub`). */
  vendor: string;
  /** b64u Ed25519 public key of the hub. */
  hub_key: string;
  exposure_budget: number;
  suspended_at: number | null;
  /** Where the lab reaches this vendor's hub (its lab API); null until the lab sets it. */
  hub_url: string | null;
  /** 1: an operator may approve a device by hand; 0: only a redeemed invitation approves one (issue 17). */
  manual_approval: Generated<number>;
}

export interface AnnotatorsTable {
  vendor: string;
  annotator: string;
  suspended_at: number | null;
}

export interface DevicesTable {
  /** device id, SPEC §2.1 */
  id: string;
  vendor: string;
  annotator: string;
  signing_key: string;
  kex_key: string;
  /** 'pending' | 'approved' | 'refused' */
  state: string;
  suspended_at: number | null;
  updated_at: number;
  /** The invitation the device was bound to its person by; null when it was imported from the hub's list. */
  invitation: string | null;
}

/** The people the lab accepts per vendor: pseudonymous ids only (issue 17). */
export interface RosterTable {
  vendor: string;
  annotator: string;
  added_at: number;
  added_by: string;
}

export interface InvitationsTable {
  /** Public handle for listing and revoking; says nothing about the code. */
  id: string;
  /** b64u SHA-256 of the code's bytes (SPEC §2.3); the code itself is never stored. */
  code_hash: string;
  vendor: string;
  annotator: string;
  issued_at: number;
  issued_by: string;
  expires_at: number;
  redeemed_at: number | null;
  /** The device it bound, once redeemed. */
  device: string | null;
  revoked_at: number | null;
}

export interface NoncesTable {
  /** "r:<request nonce>", "rr:<request nonce>" once a replay of it was logged, or "m:<monitor nonce>" */
  nonce: string;
  expires_at: number;
}

export interface ReleasesTable {
  /** The request signature (b64u): names the release in the log's record. */
  id: string;
  digest: string;
  campaign: string;
  vendor: string;
  annotator: string;
  device: string;
  lease: string;
  released_at: number;
  /** The assignment's expiry: the vendor's word, which may lengthen what the lab counts but never shorten it. */
  lease_expires: number;
  submitted_at: number | null;
  /** Index of the release record in the log; null while the append is in flight (or was cut by a crash). */
  log_index: number | null;
  /** Counts toward outstanding and overlap until then (policy/open-releases.ts). */
  held_until: number;
  /** Counts toward the vendor's and the campaign's exposure budgets until then. */
  exposed_until: number;
  /** When the device proved the release ended without a label (a skip); such a release holds no overlap place. */
  skipped_at: number | null;
}

export interface MonitorsTable {
  name: string;
  public_key: string;
}

export interface OperatorsTable {
  id: string;
  /** b64u Ed25519 public key that signs the operator's admin requests. */
  public_key: string;
  /** admin | operator | auditor */
  role: string;
  added_at: number;
  revoked_at: number | null;
}

export interface GatekeeperTables {
  secrets: SecretsTable;
  keks: KeksTable;
  batches: BatchesTable;
  items: ItemsTable;
  campaigns: CampaignsTable;
  vendors: VendorsTable;
  annotators: AnnotatorsTable;
  devices: DevicesTable;
  nonces: NoncesTable;
  releases: ReleasesTable;
  monitors: MonitorsTable;
  operators: OperatorsTable;
  roster: RosterTable;
  invitations: InvitationsTable;
}
