/**
 * The hub's side of lab request authentication, done from the headers alone,
 * before any body is read (issue 14 finding 3): the signature must verify
 * under the registered key of the lab named in the path, over the body digest
 * the header declares; the time must be within the window and the nonce new.
 * Only then is the body read, and it must hash to the signed digest.
 *
 * An unknown lab and a bad signature get the same refusal, after the same
 * work (a verification under a decoy key), so the hub does not tell an
 * outsider which tenants it serves (finding 6). Nonces are kept in the
 * database (not in memory) so several hub processes behind a load balancer
 * refuse the same replay. The signature is checked before the nonce is
 * recorded, so nobody can use up a lab's nonces without its key.
 */
import { fromBase64Url } from '../core/bytes.js';
import { canonicalJsonBytes } from '../core/canonical-json.js';
import { signedMessage } from '../core/signing.js';
import type { HubContext } from './hub-context.js';
import { refuse } from './hub-error.js';
import { LAB_REQUEST_WINDOW_SECONDS, LAB_SIGNATURE_HEADER, bodyDigest, parseLabSignatureHeader, signedRequestBody, type LabRequest } from './lab-request-signature.js';
import { labSigningKey } from './tenancy.js';

const PRUNE_EVERY_SECONDS = 30;

/** A lab whose signed headers verified; its body is still to be checked against `digest`. */
export interface AuthenticatedLab {
  lab: string;
  digest: string;
}

export class LabRequestVerifier {
  private lastPrune = 0;
  /** A valid Ed25519 public key no lab holds: unknown labs are verified against it, so they cost what a known one does. */
  private decoy: Promise<Uint8Array> | undefined;

  constructor(private readonly ctx: HubContext) {}

  /** Verifies the signed headers; returns the lab, which is always `pathLab`, and the body digest it signed. */
  async authenticate(header: string | undefined, pathLab: string, request: Omit<LabRequest, 'hub' | 'lab' | 'body'>): Promise<AuthenticatedLab> {
    if (header === undefined) refuse('UNAUTHENTICATED', `lab requests must carry a ${LAB_SIGNATURE_HEADER} header (docs/HUB.md)`);
    const parsed = parseLabSignatureHeader(header);
    if (parsed === undefined) refuse('UNAUTHENTICATED', `${LAB_SIGNATURE_HEADER} is malformed; expected "v1 lab=<id>,time=<unix>,nonce=<22 chars>,body=<64 hex>,sig=<86 chars>"`);
    if (parsed.lab !== pathLab) refuse('FORBIDDEN', `signed by lab ${parsed.lab}, but the resource belongs to lab ${pathLab}`);

    const key = (await labSigningKey(this.ctx, parsed.lab)) ?? (await this.decoyKey());
    const signed = signedRequestBody({ ...request, hub: this.ctx.identity.id, lab: parsed.lab }, parsed.time, parsed.nonce, parsed.body);
    const ok = await this.ctx.p.ed25519Verify(key, signedMessage('hub-request', canonicalJsonBytes(signed)), fromBase64Url(parsed.sig));
    // The same words whether the lab is unknown or the signature is wrong (no tenant enumeration).
    if (!ok) refuse('UNAUTHENTICATED', `${LAB_SIGNATURE_HEADER} does not verify for this hub, method, path and body`);

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
    return { lab: parsed.lab, digest: parsed.body };
  }

  /** The body read after authentication must be the one that was signed. */
  async checkBody(lab: AuthenticatedLab, body: Uint8Array): Promise<void> {
    if ((await bodyDigest(this.ctx.p, body)) !== lab.digest) refuse('UNAUTHENTICATED', `the request body does not match the digest in ${LAB_SIGNATURE_HEADER}`);
  }

  private decoyKey(): Promise<Uint8Array> {
    this.decoy ??= this.ctx.p.ed25519FromSeed(this.ctx.p.randomBytes(32)).then((signer) => signer.publicKey);
    return this.decoy;
  }

  /** Forgets nonces whose requests are outside the window anyway. */
  private async prune(now: number): Promise<void> {
    if (now - this.lastPrune < PRUNE_EVERY_SECONDS) return;
    this.lastPrune = now;
    await this.ctx.store.db.deleteFrom('lab_nonces').where('expires', '<', now).execute();
  }
}
