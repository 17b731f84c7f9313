/**
 * Root rewrap (DESIGN §4, docs/OPERATIONS.md §Key rotation): every value the
 * gatekeeper keeps wrapped under its root key — the lab's secrets and every
 * batch KEK — is rewrapped under a new root key, while key release goes on.
 * Nothing is re-encrypted below the KEKs: items, slots and DEKs stay as they
 * are. After a rewrap, a copy of the database (a backup) taken before it no
 * longer opens with the new root key alone, and the old root key opens
 * nothing in the live database: retire it (and, after a shred, the old
 * backups with it).
 *
 * `RotatingRootKey` lets the running gatekeeper switch roots mid-flight:
 * from `begin` on, wraps use the new root and unwraps try the new root, then
 * the old one, so a release that reads a row rewrapped a moment ago, or one
 * not yet rewrapped, still opens it; `finish` drops the old root.
 */
import type { Kysely } from 'kysely';
import { fromBase64Url, toBase64Url } from '../../core/bytes.js';
import { KeyholeError } from '../../core/errors.js';
import type { GatekeeperTables } from '../db/tables.js';
import type { RootKey } from './root-key.js';

export class RotatingRootKey implements RootKey {
  private previous: RootKey | undefined;

  constructor(private current: RootKey) {}

  get description(): string {
    return this.current.description;
  }

  wrap(purpose: string, plaintext: Uint8Array): Promise<Uint8Array> {
    return this.current.wrap(purpose, plaintext);
  }

  async unwrap(purpose: string, wrapped: Uint8Array): Promise<Uint8Array> {
    try {
      return await this.current.unwrap(purpose, wrapped);
    } catch (err) {
      if (this.previous === undefined || !(err instanceof KeyholeError && err.code === 'DECRYPT_FAILED')) throw err;
      return this.previous.unwrap(purpose, wrapped);
    }
  }

  /** The root key now: the one a rewrap moves away from. */
  get active(): RootKey {
    return this.current;
  }

  begin(next: RootKey): void {
    this.previous = this.current;
    this.current = next;
  }

  finish(): void {
    this.previous = undefined;
  }

  rollback(): void {
    if (this.previous === undefined) return;
    this.current = this.previous;
    this.previous = undefined;
  }
}

export interface RewrapCounts {
  readonly secrets: number;
  readonly keks: number;
}

/**
 * Rewraps every stored value that `to` cannot open, reading it with `from`
 * (which may open both old and new), in one transaction; then looks again,
 * so a row another process wrapped under the old root while this ran is
 * caught too. Returns how many rows of each kind it rewrapped.
 */
export async function rewrapStoredValues(db: Kysely<GatekeeperTables>, from: RootKey, to: RootKey): Promise<RewrapCounts> {
  let secrets = 0;
  let keks = 0;
  for (let pass = 0; pass < 3; pass++) {
    const done = await db.transaction().execute(async (trx) => {
      let changed = 0;
      const move = async (purpose: string, wrapped: string): Promise<string | undefined> => {
        const bytes = fromBase64Url(wrapped, purpose);
        const opensUnderNew = await to.unwrap(purpose, bytes).then(
          (v) => (v.fill(0), true),
          () => false,
        );
        if (opensUnderNew) return undefined;
        const value = await from.unwrap(purpose, bytes);
        const next = toBase64Url(await to.wrap(purpose, value));
        value.fill(0);
        changed++;
        return next;
      };
      for (const row of await trx.selectFrom('secrets').select(['name', 'wrapped']).execute()) {
        const next = await move(`secret:${row.name}`, row.wrapped);
        if (next === undefined) continue;
        await trx.updateTable('secrets').set({ wrapped: next }).where('name', '=', row.name).execute();
        secrets++;
      }
      for (const row of await trx.selectFrom('keks').select(['id', 'wrapped']).execute()) {
        const next = await move(`kek:${row.id}`, row.wrapped);
        if (next === undefined) continue;
        await trx.updateTable('keks').set({ wrapped: next }).where('id', '=', row.id).execute();
        keks++;
      }
      return changed;
    });
    if (done === 0) break;
  }
  return { secrets, keks };
}

/** Whether `root` opens the database's stored values (a probe: the first secret). */
export async function rootOpensDatabase(db: Kysely<GatekeeperTables>, root: RootKey): Promise<boolean> {
  const row = await db.selectFrom('secrets').select(['name', 'wrapped']).orderBy('name').executeTakeFirst();
  if (row === undefined) return true;
  return root.unwrap(`secret:${row.name}`, fromBase64Url(row.wrapped, row.name)).then(
    (v) => (v.fill(0), true),
    () => false,
  );
}
