/**
 * The lab's long-lived secrets, each stored in the `secrets` table wrapped
 * under the root key (purpose "secret:<name>"): the lab's Ed25519 signing key
 * (item headers, manifests, deletion receipts), its X25519 lab-section key,
 * the log's checkpoint key, and one X25519 result key per campaign
 * (docs/SPEC.md §2). Values are only ever unwrapped into this process.
 */
import type { Kysely } from 'kysely';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import { ed25519NoteSigner, formatSignerKey, parseSignerKey, type Ed25519NoteKey } from '../../core/note.js';
import type { Ed25519Signer, Primitives, X25519PrivateKey } from '../../core/primitives.js';
import type { GatekeeperTables } from '../db/tables.js';
import type { RootKey } from './root-key.js';

export const LAB_SIGNING = 'lab-signing';
export const LAB_SECTION = 'lab-section';
export const LOG_KEY = 'log-key';
const resultName = (campaign: string): string => `result:${campaign}`;

export class SecretStore {
  constructor(
    private readonly p: Primitives,
    private readonly db: Kysely<GatekeeperTables>,
    private readonly root: RootKey,
  ) {}

  async get(name: string): Promise<Uint8Array | undefined> {
    const row = await this.db.selectFrom('secrets').select('wrapped').where('name', '=', name).executeTakeFirst();
    return row ? this.root.unwrap(`secret:${name}`, fromBase64Url(row.wrapped)) : undefined;
  }

  /** Stores a new secret; an existing one is never replaced (it may be the only copy). */
  async put(name: string, value: Uint8Array, now: number): Promise<void> {
    const wrapped = toBase64Url(await this.root.wrap(`secret:${name}`, value));
    const result = await this.db.insertInto('secrets').values({ name, wrapped, created_at: now }).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1) fail('CONFLICT', `secret ${name} already exists`);
  }

  async getOrCreate(name: string, make: () => Uint8Array, now: number): Promise<Uint8Array> {
    const existing = await this.get(name);
    if (existing) return existing;
    try {
      await this.put(name, make(), now);
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'CONFLICT')) throw err;
    }
    return (await this.get(name))!;
  }

  async labSigner(now: number): Promise<Ed25519Signer> {
    return this.p.ed25519FromSeed(await this.getOrCreate(LAB_SIGNING, () => this.p.randomBytes(32), now));
  }

  async labSectionKey(now: number): Promise<X25519PrivateKey> {
    return this.p.x25519FromSecret(await this.getOrCreate(LAB_SECTION, () => this.p.randomBytes(32), now));
  }

  async resultKey(campaign: string, now: number): Promise<X25519PrivateKey> {
    return this.p.x25519FromSecret(await this.getOrCreate(resultName(campaign), () => this.p.randomBytes(32), now));
  }

  /** The log's checkpoint key. Its name is the log's origin, fixed when it is first created. */
  async logKey(origin: string, now: number): Promise<Ed25519NoteKey> {
    const existing = await this.get(LOG_KEY);
    if (existing) {
      const key = await parseSignerKey(this.p, fromUtf8(existing, 'log key'));
      if (key.name !== origin) fail('MISMATCH', `the stored log key is for origin "${key.name}", not "${origin}"`);
      return key;
    }
    const seed = this.p.randomBytes(32);
    const key = await ed25519NoteSigner(this.p, origin, seed);
    await this.put(LOG_KEY, utf8(formatSignerKey(key.name, key.keyId, seed)), now);
    return key;
  }
}
