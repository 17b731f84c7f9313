/**
 * Vite configuration of the workstation app. JSX goes through Vite's built-in
 * Oxc transform with Preact's automatic runtime (no Babel, no plugin). The
 * output is one script and one stylesheet with relative URLs, so the
 * gatekeeper can mount the app under any path and pin both with Subresource
 * Integrity (see build.ts): no inlined assets, no module-preload polyfill
 * (it would inject script), no source maps.
 */
import { fileURLToPath } from 'node:url';
import type { InlineConfig } from 'vite';

export const APP_ROOT = fileURLToPath(new URL('./app/', import.meta.url));

export function workstationViteConfig(outDir: string): InlineConfig {
  return {
    root: APP_ROOT,
    base: './',
    configFile: false,
    envDir: false,
    logLevel: 'warn',
    publicDir: false,
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      assetsInlineLimit: 0,
      cssCodeSplit: false,
      modulePreload: { polyfill: false },
      sourcemap: false,
      reportCompressedSize: false,
      copyPublicDir: false,
    },
  };
}

export default workstationViteConfig(fileURLToPath(new URL('../../dist/workstation/', import.meta.url)));
