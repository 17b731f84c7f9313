/**
 * The hub's side of lab request authentication: the signature must verify
 * under the registered key of the lab named in the path, the time must be
 * within the window, and the nonce must be new. Nonces are kept in the
 * database (not in memory) so several hub processes behind a load balancer
 * refuse the same replay. The signature is checked before the nonce is
 * recorded, so nobody can use up a lab's nonces without its key.
 */
import { fromBase64Url } from '../core/bytes.js';
import { canonicalJsonBytes } from '../core/canonical-json.js';
import { signedMessage } from '../core/signing.js';
import type { HubContext } from './hub-context.js';
import { refuse } from './hub-error.js';
import { LAB_REQUEST_WINDOW_SECONDS, LAB_SIGNATURE_HEADER, parseLabSignatureHeader, signedRequestBody, type LabRequest } from './lab-request-signature.js';
import { labSigningKey } from './tenancy.js';

const PRUNE_EVERY_SECONDS = 30;

export class LabRequestVerifier {
  private lastPrune = 0;

  constructor(private readonly ctx: HubContext) {}

  /** Returns the authenticated lab, which is always `pathLab`. */
  async authenticate(header: string | undefined, pathLab: string, request: Omit<LabRequest, 'hub' | 'lab'>): Promise<string> {
    if (header === undefined) refuse('UNAUTHENTICATED', `lab requests must carry a ${LAB_SIGNATURE_HEADER} header (docs/HUB.md)`);
    const parsed = parseLabSignatureHeader(header);
    if (parsed === undefined) refuse('UNAUTHENTICATED', `${LAB_SIGNATURE_HEADER} is malformed; expected "v1 lab=<id>,time=<unix>,nonce=<22 chars>,sig=<86 chars>"`);
    if (parsed.lab !== pathLab) refuse('FORBIDDEN', `signed by lab ${parsed.lab}, but the resource belongs to lab ${pathLab}`);
    const key = await labSigningKey(this.ctx, parsed.lab);
    if (key === undefined) refuse('UNAUTHENTICATED', `lab ${parsed.lab} is not registered on this hub`);

    const body = await signedRequestBody(this.ctx.p, { ...request, hub: this.ctx.identity.id, lab: parsed.lab }, parsed.time, parsed.nonce);
    const ok = await this.ctx.p.ed25519Verify(key, signedMessage('hub-request', canonicalJsonBytes(body)), fromBase64Url(parsed.sig));
    if (!ok) refuse('UNAUTHENTICATED', `${LAB_SIGNATURE_HEADER} does not verify for this hub, method, path and body under lab ${parsed.lab}'s key`);

    const now = this.ctx.clock();
    if (Math.abs(now - parsed.time) > LAB_REQUEST_WINDOW_SECONDS) {
      refuse('UNAUTHENTICATED', `signed request time ${parsed.time} is more than ${LAB_REQUEST_WINDOW_SECONDS} s from the hub's clock ${now}; check the lab's clock`);
    }
    await this.prune(now);
    const inserted = await this.ctx.store.db
      .insertInto('lab_nonces')
      .values({ lab: parsed.lab, nonce: parsed.nonce, expires: parsed.time + 2 * LAB_REQUEST_WINDOW_SECONDS })
      .onConflict((oc) => oc.columns(['lab', 'nonce']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) refuse('UNAUTHENTICATED', 'this signed request was already used (replay); sign each request afresh');
    return parsed.lab;
  }

  /** Forgets nonces whose requests are outside the window anyway. */
  private async prune(now: number): Promise<void> {
    if (now - this.lastPrune < PRUNE_EVERY_SECONDS) return;
    this.lastPrune = now;
    await this.ctx.store.db.deleteFrom('lab_nonces').where('expires', '<', now).execute();
  }
}
