/**
 * The lab's side of the command line: who the operator is and which
 * gatekeeper admin API they talk to, from a lab config file (YAML,
 * `keyhole operator init` writes one), e.g.
 *
 *   gatekeeper: http://127.0.0.1:7391/   # the admin listener
 *   lab: acme
 *   operator: alice
 *   operatorKey: alice.key               # Ed25519 seed, mode 0600
 *   state: lab                           # ingest ledgers and collected results
 *   campaign: c1                         # optional default for --campaign
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../core/bytes.js';
import type { Ed25519Signer } from '../core/primitives.js';
import { fail } from '../core/errors.js';
import { Identifier } from '../core/schema.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { GatekeeperAdminClient } from '../lab/admin-client.js';
import { CampaignStore } from '../lab/lab-store.js';
import { nodePrimitives as p } from '../platform/node-primitives.js';
import { loadConfig } from './config/config-file.js';

export const LabCliConfig = z
  .object({
    gatekeeper: z.string().url(),
    lab: Identifier,
    operator: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
    operatorKey: z.string().min(1),
    state: z.string().min(1).default('lab'),
    campaign: Identifier.optional(),
  })
  .strict();
export type LabCliConfig = z.infer<typeof LabCliConfig>;

const KEY_PREFIX = 'keyhole-operator-key/v1 ';

/** Writes a new operator key file (0600, never overwritten); returns the public key. */
export async function createOperatorKey(path: string): Promise<string> {
  const seed = p.randomBytes(32);
  await writeFileAtomic(path, `${KEY_PREFIX}${toBase64Url(seed)}\n`, { exclusive: true });
  return toBase64Url((await p.ed25519FromSeed(seed)).publicKey);
}

/** An operator's signer from its key file. */
export async function readOperatorKey(path: string): Promise<Ed25519Signer> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch {
    return fail('NOT_FOUND', `cannot read the operator key ${path}`);
  }
  if (!text.startsWith(KEY_PREFIX)) fail('BAD_FORMAT', `${path} is not a keyhole operator key (it should start with "${KEY_PREFIX.trim()}")`);
  return p.ed25519FromSeed(fromBase64Url(text.slice(KEY_PREFIX.length), path));
}

export interface LabSide {
  readonly config: LabCliConfig;
  readonly admin: GatekeeperAdminClient;
  store(campaign?: string): CampaignStore;
  campaign(flag?: string): string;
}

export async function openLabSide(file: string, sets: readonly string[] = []): Promise<LabSide> {
  const { config, baseDir } = loadConfig('lab', LabCliConfig, file, sets);
  const signer = await readOperatorKey(resolve(baseDir, config.operatorKey));
  const admin = new GatekeeperAdminClient(config.gatekeeper, config.lab, config.operator, signer, p);
  const campaign = (flag?: string): string => flag ?? config.campaign ?? fail('BAD_FORMAT', `name the campaign with --campaign (or set campaign: in ${file})`);
  return { config, admin, campaign, store: (c) => new CampaignStore(join(resolve(baseDir, config.state)), campaign(c)) };
}

/** $KEYHOLE_LAB_CONFIG, or lab.yaml here (`keyhole gatekeeper init` writes one; `keyhole demo` writes .keyhole/lab.yaml). */
export const DEFAULT_LAB_CONFIG = process.env.KEYHOLE_LAB_CONFIG ?? 'lab.yaml';
