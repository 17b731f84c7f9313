/**
 * The campaign manifest (docs/SPEC.md §2.5): what the lab publishes about a
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
import { fail } from './errors.js';
import type { Ed25519Signer, Primitives } from './primitives.js';
import { Identifier, Sha256Hex, UnixTime, VersionOne, base64UrlBytes, parseWith } from './schema.js';
import { signFor, verifyFor } from './signing.js';

export const TASK_TYPES = ['pairwise', 'ranking', 'rubric', 'sft-rewrite', 'safety-flags'] as const;
export const TaskType = z.enum(TASK_TYPES);
export type TaskType = z.infer<typeof TaskType>;

/** A C2SP signed-note verifier key: name+hash+base64 key. */
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
    gatekeeper: z.string().url().max(200),
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

/** Parses an untrusted manifest and checks the lab's signature; `lab` must match the signer's registered lab. */
export async function verifyCampaignManifest(p: Primitives, labPublicKey: Uint8Array, lab: string, input: unknown): Promise<CampaignManifest> {
  const manifest = parseWith(CampaignManifest, input, 'campaign manifest');
  await verifyFor(p, labPublicKey, 'campaign-manifest', canonicalJsonBytes(manifest.body), fromBase64Url(manifest.sig), 'campaign manifest');
  if (manifest.body.lab !== lab) fail('MISMATCH', `campaign manifest: for lab ${manifest.body.lab}, not ${lab}`);
  return manifest;
}
