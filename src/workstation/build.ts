/**
 * Builds the workstation app and pins what it is made of.
 *
 * 1. Vite builds src/workstation/app into `outDir`: index.html, one script,
 *    one stylesheet. Any other script (a lazily loaded chunk) fails the build,
 *    because only what index.html names is covered by Subresource Integrity.
 * 2. Every <script src> and <link rel=stylesheet> in index.html gets an
 *    `integrity="sha384-…"` attribute, so the browser refuses an asset that
 *    differs by one byte from what was built.
 * 3. The bundle hash is SHA-256 of the final index.html. Because index.html
 *    carries the SRI hash of every asset, this one value commits to all the
 *    code that runs; it goes in the campaign manifest's `workstation` field,
 *    and the app computes and shows it (app/bundle-hash.ts).
 *
 * Usage: `tsx src/workstation/build.ts [outDir]` (default dist/workstation).
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { workstationViteConfig } from './vite.config.js';

export interface BuiltWorkstation {
  dir: string;
  /** hex SHA-256 of index.html: the value for the campaign manifest's `workstation` field. */
  sha256: string;
  /** Asset path (relative to dir) → SRI value. */
  integrity: Record<string, string>;
}

const ASSET_TAG = /<(script|link)\b[^>]*>/g;

function sri(bytes: Uint8Array): string {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

async function pinAssets(dir: string, html: string): Promise<{ html: string; integrity: Record<string, string> }> {
  const integrity: Record<string, string> = {};
  const tags = [...html.matchAll(ASSET_TAG)].map((m) => m[0]);
  let out = html;
  for (const tag of tags) {
    const url = /\s(?:src|href)="([^"]+)"/.exec(tag)?.[1];
    if (url === undefined || !url.startsWith('./assets/')) throw new Error(`workstation build: unexpected asset reference in index.html: ${tag}`);
    const path = url.slice(2);
    integrity[path] = sri(await readFile(join(dir, path)));
    out = out.replace(tag, tag.replace(/>$/, ` integrity="${integrity[path]}">`));
  }
  const scripts = (await readdir(join(dir, 'assets'))).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
  const unpinned = scripts.filter((s) => !(s in integrity));
  if (unpinned.length > 0) throw new Error(`workstation build: scripts not named by index.html, so not covered by SRI: ${unpinned.join(', ')}`);
  if (/<script\b(?![^>]*\bsrc=)/.test(out) || /\son[a-z]+=/i.test(out) || /<style\b/.test(out)) {
    throw new Error('workstation build: index.html has inline script, style or event handlers, which the CSP forbids');
  }
  return { html: out, integrity };
}

export async function buildWorkstation(outDir: string): Promise<BuiltWorkstation> {
  const dir = resolve(outDir);
  await build(workstationViteConfig(dir));
  const { html, integrity } = await pinAssets(dir, await readFile(join(dir, 'index.html'), 'utf8'));
  await writeFile(join(dir, 'index.html'), html);
  const sha256 = createHash('sha256').update(html).digest('hex');
  await writeFile(join(dir, 'bundle.json'), `${JSON.stringify({ v: 1, sha256, integrity }, null, 2)}\n`);
  return { dir, sha256, integrity };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? fileURLToPath(new URL('../../dist/workstation/', import.meta.url));
  const built = await buildWorkstation(out);
  console.log(`workstation bundle in ${built.dir}\nsha256 ${built.sha256}`);
}
