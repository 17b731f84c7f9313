/**
 * The campaign manifest (docs/SPEC.md §2.2): what the lab publishes about a
 * campaign, signed with its Ed25519 key. The hub refuses campaigns without a
 * valid one; the workstation reads from it the result key to seal labels to,
 * the log and witnesses to check proofs against, and the hash of the app
 * bundle that is meant to run. Gatekeeper-only settings (pace limits,
 * exposure budget, tripwires) are deliberately absent: the vendor must not
 * learn where the tripwires are.
 */
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from './bytes.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { cosignatureVerifier } from './cosignature.js';
import { fail } from './errors.js';
import { ed25519NoteVerifier } from './note.js';
import type { Ed25519Signer, Primitives } from './primitives.js';
import { Identifier, Sha256Hex, UnixTime, VersionOne, base64UrlBytes, parseWith } from './schema.js';
import { signFor, verifyFor } from './signing.js';

export const TASK_TYPES = ['pairwise', 'ranking', 'rubric', 'sft-rewrite', 'safety-flags'] as const;
export const TaskType = z.enum(TASK_TYPES);
export type TaskType = z.infer<typeof TaskType>;

/**
 * §2.2 "URL": an absolute http or https URL with a host, optional port and
 * path, and no user info, query or fragment. A regular expression rather than
 * a URL parser, so every implementation accepts exactly the same strings.
 */
export const GATEKEEPER_URL = /^https?:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(\/[A-Za-z0-9._~!$&'()*+,;=:@%\/-]*)?$/;

/** A C2SP signed-note verifier key: name+hash+base64 key; its key id is checked against the key by verifyCampaignManifest. */
const VerifierKey = z.string().min(1).max(512).regex(/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/, 'must be a signed-note verifier key (name+hash+key)');

export const CampaignManifestBody = z
  .object({
    v: VersionOne,
    lab: Identifier,
    campaign: Identifier,
    title: z.string().min(1).max(200),
    task: TaskType,
    policy: Sha256Hex,
    /** X25519 public key that labels are sealed to. */
    resultKey: base64UrlBytes(32),
    /** Distinct annotators per item. */
    overlap: z.number().int().min(1).max(16),
    leaseSeconds: z.number().int().min(30).max(86_400),
    opens: UnixTime,
    closes: UnixTime,
    /** The gatekeeper's origin, which also serves the workstation app. */
    gatekeeper: z.string().max(200).regex(GATEKEEPER_URL, 'must be an http(s) URL with no user info, query or fragment'),
    log: z
      .object({
        vkey: VerifierKey,
        witnesses: z.array(VerifierKey).max(16),
        quorum: z.number().int().min(0).max(16),
      })
      .strict()
      .refine((l) => l.quorum <= l.witnesses.length, { message: 'quorum is larger than the witness list', path: ['quorum'] }),
    /** SHA-256 of the workstation bundle the lab serves for this campaign. */
    workstation: Sha256Hex,
  })
  .strict()
  .refine((m) => m.closes > m.opens, { message: 'closes must be after opens', path: ['closes'] });
export type CampaignManifestBody = z.infer<typeof CampaignManifestBody>;

export const CampaignManifest = z.object({ body: CampaignManifestBody, sig: base64UrlBytes(64) }).strict();
export type CampaignManifest = z.infer<typeof CampaignManifest>;

export async function signCampaignManifest(labSigner: Ed25519Signer, body: CampaignManifestBody): Promise<CampaignManifest> {
  const checked = parseWith(CampaignManifestBody, body, 'campaign manifest');
  return { body: checked, sig: toBase64Url(await signFor(labSigner, 'campaign-manifest', canonicalJsonBytes(checked))) };
}

/**
 * §2.2, in order: the members; that `log.vkey` is an Ed25519 note key and
 * each witness a cosignature/v1 key whose key id is the one its name and key
 * imply (§8.1); the lab's signature; the lab.
 */
export async function verifyCampaignManifest(p: Primitives, labPublicKey: Uint8Array, lab: string, input: unknown): Promise<CampaignManifest> {
  const manifest = parseWith(CampaignManifest, input, 'campaign manifest');
  await checkVerifierKeys(p, manifest.body.log);
  await verifyFor(p, labPublicKey, 'campaign-manifest', canonicalJsonBytes(manifest.body), fromBase64Url(manifest.sig), 'campaign manifest');
  if (manifest.body.lab !== lab) fail('MISMATCH', `campaign manifest: for lab ${manifest.body.lab}, not ${lab}`);
  return manifest;
}

/** Refuses a vkey whose key id does not match its key (MISMATCH) or of the wrong signature type (UNSUPPORTED), naming the field. */
async function checkVerifierKeys(p: Primitives, log: CampaignManifestBody['log']): Promise<void> {
  const named = async (field: string, check: () => Promise<unknown>): Promise<void> => {
    try {
      await check();
    } catch (err) {
      const code = (err as { code?: Parameters<typeof fail>[0] }).code ?? 'BAD_FORMAT';
      fail(code, `campaign manifest: field ${field}: ${(err as Error).message}`);
    }
  };
  await named('log.vkey', () => ed25519NoteVerifier(p, log.vkey));
  for (const [i, w] of log.witnesses.entries()) await named(`log.witnesses.${i}`, () => cosignatureVerifier(p, w));
}
