/**
 * Serves the built workstation app from the lab's origin (the gatekeeper
 * mounts it, e.g. `app.route('/workstation', serveWorkstation({...}))`).
 *
 * Only the files of the build are served, read once at start into memory: no
 * path from a request ever reaches the file system. index.html goes out with
 * a strict Content-Security-Policy: scripts and styles only from this origin
 * (and SRI-pinned by the build), network only to the hub and the gatekeeper,
 * no inline script, no plugins, no framing, no forms, and Trusted Types
 * enforced so no string can reach an HTML sink even through a library bug.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { parseWith } from '../core/schema.js';
import { WorkstationConfig } from './config.js';

const BundleInfo = z.object({ v: z.literal(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), integrity: z.record(z.string(), z.string()) }).strict();

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface ServeOptions {
  /** Directory written by buildWorkstation (index.html, assets/, bundle.json). */
  bundleDir: string;
  /** Origin of the vendor's hub, e.g. "https://hub.vendor.example". */
  hub: string;
  /** Origin of this gatekeeper, as annotators' browsers reach it. */
  gatekeeper: string;
}

function origin(url: string, what: string): string {
  const u = new URL(url);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))) {
    throw new Error(`${what} must be https (or http on loopback): ${url}`);
  }
  return u.origin;
}

export function contentSecurityPolicy(hub: string, gatekeeper: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${gatekeeper} ${hub}`,
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

export function serveWorkstation(options: ServeOptions): Hono {
  const hub = origin(options.hub, 'hub URL');
  const gatekeeper = origin(options.gatekeeper, 'gatekeeper URL');
  const index = new Uint8Array(readFileSync(join(options.bundleDir, 'index.html')));
  const bundle = parseWith(BundleInfo, JSON.parse(readFileSync(join(options.bundleDir, 'bundle.json'), 'utf8')), 'workstation bundle.json');
  const assets = new Map<string, { body: Uint8Array<ArrayBuffer>; type: string }>();
  for (const name of readdirSync(join(options.bundleDir, 'assets'))) {
    const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.'))];
    if (type !== undefined) assets.set(name, { body: new Uint8Array(readFileSync(join(options.bundleDir, 'assets', name))), type });
  }
  const config: WorkstationConfig = { hub, gatekeeper, bundle: bundle.sha256 };
  const csp = contentSecurityPolicy(hub, gatekeeper);

  const app = new Hono();
  const serveIndex = (c: Context): Response =>
    c.body(index, 200, {
      ...COMMON_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
  // Mounted at /workstation, "/" matches "/workstation" only: send it to "/workstation/", which relative asset URLs need.
  app.get('/', (c) => c.redirect(`${new URL(c.req.url).pathname}/`, 308));
  app.get('/config.json', (c) => c.json(config, 200, { ...COMMON_HEADERS, 'cache-control': 'no-store' }));
  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (asset === undefined) return c.body(null, 404, COMMON_HEADERS);
    return c.body(asset.body, 200, { ...COMMON_HEADERS, 'content-type': asset.type, 'cache-control': 'public, max-age=31536000, immutable' });
  });
  app.get('*', (c) => (new URL(c.req.url).pathname.endsWith('/') ? serveIndex(c) : c.body(null, 404, COMMON_HEADERS)));
  app.all('*', (c) => c.body(null, 404, COMMON_HEADERS));
  return app;
}
