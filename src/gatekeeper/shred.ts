/**
 * Crypto-shredding a batch (DESIGN §3 step 6): its KEK rows are deleted and
 * its items' key slots cleared in one transaction, the cached KEKs evicted
 * and zeroed, and a lab-signed deletion receipt is logged as a `shred`
 * record. The deletion comes first (a restriction takes effect before it is
 * logged); if the log is down, running the shred again logs the stored
 * receipt. A release decided after the shred committed is denied with
 * BATCH_SHREDDED and alerted.
 *
 * Irrecoverable within the gatekeeper's reach: the KEK existed only wrapped
 * in this database and briefly in this process's memory. Database backups
 * taken before the shred still hold the wrapped KEK; rotating the root key
 * (or the KMS key) after a shred retires those too (docs/GATEKEEPER.md §Shredding).
 */
import { fail } from '../core/errors.js';
import { parseJsonText } from '../core/schema.js';
import { seconds, type GatekeeperContext } from './context.js';
import { receiptHash, signDeletionReceipt, verifyDeletionReceipt, type DeletionReceipt } from './deletion-receipt.js';

export interface ShredResult {
  readonly receipt: DeletionReceipt;
  readonly logIndex: number;
  /** False when the batch had been shredded (and logged) before. */
  readonly shreddedNow: boolean;
}

export async function shredBatch(ctx: GatekeeperContext, batch: string): Promise<ShredResult> {
  const row = await ctx.db.selectFrom('batches').selectAll().where('batch', '=', batch).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `batch ${batch} is not known to this gatekeeper`);
  let receipt: DeletionReceipt;
  let shreddedNow = false;
  if (row.state === 'live') {
    const keks = (await ctx.db.selectFrom('keks').select('id').where('batch', '=', batch).execute()).map((k) => k.id).sort();
    receipt = await signDeletionReceipt(ctx.labSigner, { v: 1, lab: ctx.lab, batch, campaign: row.campaign, keks, time: seconds(ctx.now()), log: ctx.audit.origin });
    await ctx.db.transaction().execute(async (trx) => {
      const deleted = await trx.deleteFrom('keks').where('batch', '=', batch).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== keks.length) fail('CONFLICT', `batch ${batch}: its KEKs changed during the shred (a rotation?); run the shred again`);
      await trx.updateTable('items').set({ slot: null }).where('batch', '=', batch).execute();
      await trx.updateTable('batches').set({ state: 'shredded', shredded_at: receipt.body.time, receipt: JSON.stringify(receipt) }).where('batch', '=', batch).execute();
    });
    ctx.keks.evictBatch(keks);
    shreddedNow = true;
  } else {
    if (row.receipt === null) fail('BAD_FORMAT', `batch ${batch} is shredded but has no receipt`);
    receipt = await verifyDeletionReceipt(ctx.p, ctx.labSigner.publicKey, parseJsonText(row.receipt, 'stored deletion receipt'));
    if (row.receipt_index !== null) return { receipt, logIndex: row.receipt_index, shreddedNow };
  }
  const logged = await ctx.audit.append({ kind: 'shred', decision: 'none', campaign: row.campaign, reason: `SHREDDED batch=${batch} receipt=${await receiptHash(ctx.p, receipt)}` }, ctx.now());
  await ctx.db.updateTable('batches').set({ receipt_index: logged.index }).where('batch', '=', batch).execute();
  ctx.alert({ code: 'SHREDDED', message: `batch ${batch} shredded; ${receipt.body.keks.length} KEK(s) destroyed`, time: logged.record.time, campaign: row.campaign, logIndex: logged.index });
  return { receipt, logIndex: logged.index, shreddedNow };
}
