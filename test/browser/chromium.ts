/**
 * Runs isomorphic code in real headless Chromium (Debian's /usr/bin/chromium,
 * driven by playwright-core; no bundler, no downloaded browser).
 *
 * `withCorePage` compiles test/browser/*.entry.ts and the src/core files they
 * import with tsconfig.browser-test.json into a temp dir, serves it on
 * 127.0.0.1 (a secure context, so crypto.subtle exists), opens a page whose
 * module script imports the chosen entry, and always tears all of it down.
 */
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from '../support/shared.js';

export const CHROMIUM = '/usr/bin/chromium';

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export interface CorePage {
  page: Page;
  /** The browser's version string, e.g. "156.0.8078.114". */
  version: string;
  /** Calls an export of the entry module inside the page; arguments and result cross as JSON. */
  call<T>(name: string, ...args: unknown[]): Promise<T>;
}

/**
 * @param entry the entry module, relative to the repo root, e.g. "test/browser/core-vectors.entry.ts".
 */
export async function withCorePage<T>(entry: string, fn: (core: CorePage) => Promise<T>): Promise<T> {
  const out = await mkdtemp(join(tmpdir(), 'keyhole-browser-'));
  try {
    await compile(out);
    const { server, missing } = await serve(out, entry.replace(/\.ts$/, '.js'));
    try {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 30_000 });
      try {
        const page = await browser.newPage();
        const { port } = server.address() as AddressInfo;
        await page.goto(`http://127.0.0.1:${port}/`);
        // The page's module script sets one of these once the entry has loaded or failed.
        const status = await page.waitForFunction(() => (globalThis as { keyholeEntryStatus?: string }).keyholeEntryStatus, null, {
          timeout: 10_000,
        });
        const loaded = await status.jsonValue();
        if (loaded !== 'ok') throw new Error(`${entry} did not load in Chromium: ${loaded} (not served: ${missing.join(', ') || 'none'})`);
        return await fn({
          page,
          version: browser.version(),
          call: <R>(name: string, ...args: unknown[]) =>
            page.evaluate(
              ([n, a]) => (globalThis as unknown as { keyholeEntry: Record<string, (...x: unknown[]) => unknown> }).keyholeEntry[n]!(...a),
              [name, args] as const,
            ) as Promise<R>,
        });
      } finally {
        await browser.close();
      }
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

async function compile(outDir: string): Promise<void> {
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.browser-test.json'), '--outDir', outDir], {
      cwd: REPO_ROOT,
    });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p tsconfig.browser-test.json failed:\n${stdout ?? ''}${stderr ?? String(e)}`);
  }
}

/** Serves the compiled files from `root`, and at "/" a page that imports `entry`; `missing` lists the 404s. */
async function serve(root: string, entry: string): Promise<{ server: Server; missing: string[] }> {
  const missing: string[] = [];
  const index = `<!doctype html><meta charset="utf-8"><title>keyhole browser test</title><link rel="icon" href="data:,">
<script type="module">
import('/${entry}').then(
  (m) => { globalThis.keyholeEntry = m; globalThis.keyholeEntryStatus = 'ok'; },
  (e) => { globalThis.keyholeEntryStatus = String(e); },
);
</script>`;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(index);
    const file = resolve(root, `.${path}`);
    const notFound = (): void => {
      missing.push(path);
      res.writeHead(404).end();
    };
    // Only compiled modules from the build dir, with the JavaScript MIME type module scripts require.
    if (!file.startsWith(root + sep) || extname(file) !== '.js') return notFound();
    readFile(file).then((body) => res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(body), notFound);
  });
  await new Promise<void>((listening, failed) => server.once('error', failed).listen(0, '127.0.0.1', listening));
  return { server, missing };
}
