/**
 * The hash of the workstation bundle that is running: SHA-256 of index.html
 * as this origin serves it. index.html pins every script and stylesheet with
 * Subresource Integrity, so this one hash names all the code (build.ts). It
 * is compared with the campaign manifest's `workstation` field.
 */
import { toHex } from '../../core/bytes.js';

export async function servedBundleHash(): Promise<string> {
  const url = new URL('./', location.href);
  const response = await fetch(url, { cache: 'no-store', credentials: 'omit' });
  if (!response.ok) throw new Error(`could not re-read index.html (HTTP ${response.status})`);
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', await response.arrayBuffer())));
}
