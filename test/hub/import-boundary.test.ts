/**
 * The vendor's code cannot even reach a key: the transitive relative imports
 * of every module in src/hub stay out of src/gatekeeper, src/lab,
 * src/minimize and any keystore.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../support/shared.js';

const FORBIDDEN = [/^src\/gatekeeper\//, /^src\/lab\//, /^src\/minimize\//, /keystore/i];
const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function resolveImport(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  return base;
}

/** Every file reachable from `entries` through relative imports, each with the chain that reached it. */
export function importClosure(root: string, entries: string[]): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue: [string, string[]][] = entries.map((e) => [e, [relative(root, e)]]);
  while (queue.length > 0) {
    const [file, chain] = queue.shift()!;
    if (seen.has(file)) continue;
    seen.set(file, chain);
    if (!existsSync(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = m[1] ?? m[2]!;
      if (!specifier.startsWith('.')) continue;
      const target = resolveImport(file, specifier);
      queue.push([target, [...chain, relative(root, target)]]);
    }
  }
  return seen;
}

function violations(root: string, entries: string[]): string[] {
  return [...importClosure(root, entries)].filter(([file]) => FORBIDDEN.some((f) => f.test(relative(root, file).split('\\').join('/')))).map(([, chain]) => chain.join(' -> '));
}

test('src/hub reaches nothing in gatekeeper, lab, minimize or a keystore', () => {
  const entries = tsFiles(join(REPO_ROOT, 'src/hub'));
  assert.ok(entries.length > 5, 'found the hub modules');
  const closure = [...importClosure(REPO_ROOT, entries).keys()].map((f) => relative(REPO_ROOT, f));
  assert.ok(closure.some((f) => f.startsWith('src/core/')) && closure.some((f) => f.startsWith('src/storage/')), 'the walk follows imports into core and storage');
  assert.deepEqual(violations(REPO_ROOT, entries), []);
});

test('the walker finds a forbidden import two hops away', () => {
  const root = mkdtempSync(join(tmpdir(), 'keyhole-imports-'));
  try {
    for (const d of ['src/hub', 'src/storage', 'src/gatekeeper']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'src/hub/a.ts'), "import { b } from '../storage/b.js';\nexport const a = b;\n");
    writeFileSync(join(root, 'src/storage/b.ts'), "export { key as b } from '../gatekeeper/keystore.js';\n");
    writeFileSync(join(root, 'src/gatekeeper/keystore.ts'), 'export const key = 1;\n');
    assert.deepEqual(violations(root, [join(root, 'src/hub/a.ts')]), ['src/hub/a.ts -> src/storage/b.ts -> src/gatekeeper/keystore.ts']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
