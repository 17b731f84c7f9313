/** What every hub service is given: storage, crypto primitives, the hub's identity and a clock. */
import type { Ed25519Signer, Primitives } from '../core/primitives.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { HubDatabase } from '../storage/open-database.js';

/** Unix seconds. Injected so expiry can be tested without waiting. */
export type Clock = () => number;

export const systemClock: Clock = () => Math.floor(Date.now() / 1000);

export interface HubIdentity {
  /** The hub's id as named in the assignments it signs. */
  id: string;
  /** The vendor's Ed25519 key that signs assignments. It decrypts nothing. */
  signer: Ed25519Signer;
}

export interface HubContext {
  readonly store: HubDatabase;
  readonly blobs: BlobStore;
  readonly p: Primitives;
  readonly identity: HubIdentity;
  readonly clock: Clock;
}

/** What the operator's account and tenant administration needs: no blob store, no signing key. */
export type AdminContext = Pick<HubContext, 'store' | 'p' | 'clock'>;
