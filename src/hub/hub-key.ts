/**
 * The hub's own signing key: the vendor's Ed25519 key that signs
 * assignments. It is not a lab key and decrypts nothing; a thief who copies
 * it can forge assignments, which the gatekeeper bounds with its own checks
 * (enrolled device, pace, budget). Kept in a file readable by the hub's user
 * only:
 *
 *   {"v":1,"hub":"<hub id>","seed":"<base64url 32 bytes>"}
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import type { Primitives } from '../core/primitives.js';
import { Identifier, base64UrlBytes, parseJsonText, parseWith } from '../core/schema.js';
import type { HubIdentity } from './hub-context.js';

const HubKeyFile = z.object({ v: z.literal(1), hub: Identifier, seed: base64UrlBytes(32) }).strict();

/** Writes a new key file; refuses to overwrite one. */
export async function createHubKeyFile(path: string, hub: string): Promise<void> {
  const content = JSON.stringify(parseWith(HubKeyFile, { v: 1, hub, seed: toBase64Url(randomBytes(32)) }, 'hub key file'));
  const handle = await open(path, 'wx', 0o600).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') fail('UNSUPPORTED', `${path} already exists; a hub key is never overwritten`);
    throw err;
  });
  try {
    await handle.writeFile(`${content}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function loadHubIdentity(p: Primitives, path: string): Promise<HubIdentity> {
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) fail('UNSUPPORTED', `${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  const file = parseWith(HubKeyFile, parseJsonText(await readFile(path, 'utf8'), 'hub key file'), 'hub key file');
  return { id: file.hub, signer: await p.ed25519FromSeed(fromBase64Url(file.seed)) };
}
