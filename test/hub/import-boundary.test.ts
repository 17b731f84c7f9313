/**
 * The vendor's code cannot even reach a key: everything `keyhole hub serve` can load — src/hub, the
 * CLI module that starts it, and src/cli/main.ts — stays out of src/gatekeeper, src/lab,
 * src/minimize and any keystore. Checked twice: statically, over every import form TypeScript
 * accepts (static, re-export, `import()` with quotes or backticks, `require`, `import x = require`),
 * and at run time, from the modules a real `keyhole hub serve` process actually loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { REPO_ROOT } from '../support/shared.js';

const FORBIDDEN = [/^src\/gatekeeper\//, /^src\/lab\//, /^src\/minimize\//, /keystore/i];
/** Stands for an import whose target is computed at run time: no static walk can clear it. */
const UNRESOLVABLE = '<computed import>';

interface ModuleImport {
  readonly specifier: string;
  readonly dynamic: boolean;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function literalText(node: ts.Node | undefined): string {
  return node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : UNRESOLVABLE;
}

/** Every module `source` names, from the syntax tree rather than a pattern, so no spelling of an import slips by. */
export function importsOf(fileName: string, source: string): ModuleImport[] {
  const found: ModuleImport[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      found.push({ specifier: literalText(node.moduleSpecifier), dynamic: false });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      found.push({ specifier: literalText(node.moduleReference.expression), dynamic: false });
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      found.push({ specifier: literalText(node.arguments[0]), dynamic: true });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      found.push({ specifier: literalText(node.argument.literal), dynamic: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS));
  return found;
}

function resolveImport(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  return base;
}

/**
 * Every file reachable from `entries` through relative imports, each with the chain that reached it.
 * `staticOnly` files are followed through their static imports only: src/cli/main.ts imports each
 * command's module lazily, and which one a process loads is the run-time test's to prove.
 */
export function importClosure(root: string, entries: string[], staticOnly: ReadonlySet<string> = new Set()): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue: [string, string[]][] = entries.map((e) => [e, [relative(root, e)]]);
  while (queue.length > 0) {
    const [file, chain] = queue.shift()!;
    if (seen.has(file)) continue;
    seen.set(file, chain);
    if (!existsSync(file)) continue;
    for (const { specifier, dynamic } of importsOf(file, readFileSync(file, 'utf8'))) {
      if (dynamic && staticOnly.has(file)) continue;
      if (specifier === UNRESOLVABLE) seen.set(`${file} ${UNRESOLVABLE}`, [...chain, UNRESOLVABLE]);
      else if (specifier.startsWith('.')) {
        const target = resolveImport(file, specifier);
        queue.push([target, [...chain, relative(root, target)]]);
      }
    }
  }
  return seen;
}

function isForbidden(path: string): boolean {
  return path.endsWith(UNRESOLVABLE) || FORBIDDEN.some((f) => f.test(path.split('\\').join('/')));
}

function violations(root: string, entries: string[], staticOnly?: ReadonlySet<string>): string[] {
  return [...importClosure(root, entries, staticOnly)].filter(([file]) => isForbidden(relative(root, file))).map(([, chain]) => chain.join(' -> '));
}

const MAIN = join(REPO_ROOT, 'src/cli/main.ts');
const HUB_COMMANDS = join(REPO_ROOT, 'src/cli/hub-commands.ts');

test('src/hub, the hub command and main.ts reach nothing in gatekeeper, lab, minimize or a keystore', () => {
  const entries = [...tsFiles(join(REPO_ROOT, 'src/hub')), HUB_COMMANDS, MAIN];
  assert.ok(entries.length > 5, 'found the hub modules');
  const closure = [...importClosure(REPO_ROOT, entries, new Set([MAIN])).keys()].map((f) => relative(REPO_ROOT, f));
  assert.ok(closure.some((f) => f.startsWith('src/core/')) && closure.some((f) => f.startsWith('src/storage/')), 'the walk follows imports into core and storage');
  assert.deepEqual(violations(REPO_ROOT, entries, new Set([MAIN])), []);
});

test('main.ts imports no command module statically: each loads only when its command runs', () => {
  const staticRelative = importsOf(MAIN, readFileSync(MAIN, 'utf8')).filter((i) => !i.dynamic && i.specifier.startsWith('.'));
  assert.deepEqual(staticRelative, []);
});

test('the walker finds a forbidden import two hops away, in every spelling, and refuses computed ones', () => {
  const root = mkdtempSync(join(tmpdir(), 'keyhole-imports-'));
  try {
    for (const d of ['src/hub', 'src/storage', 'src/gatekeeper']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'src/gatekeeper/keystore.ts'), 'export const key = 1;\n');
    const spellings: Record<string, string> = {
      static: "export { key as b } from '../gatekeeper/keystore.js';\n",
      backtick: 'export const b = (await import(`../gatekeeper/keystore.js`)).key;\n',
      dynamic: 'export const b = async () => (await import("../gatekeeper/keystore.js")).key;\n',
      require: "import { createRequire } from 'node:module';\nexport const b = createRequire(import.meta.url)('../gatekeeper/keystore.js');\nconst require = createRequire(import.meta.url);\nexport const c = require('../gatekeeper/keystore.js');\n",
      'import-equals': "import k = require('../gatekeeper/keystore.js');\nexport const b = k;\n",
      'import-type': "export type B = import('../gatekeeper/keystore.js').Key;\n",
    };
    for (const [name, body] of Object.entries(spellings)) {
      writeFileSync(join(root, 'src/hub/a.ts'), "import { b } from '../storage/b.js';\nexport const a = b;\n");
      writeFileSync(join(root, 'src/storage/b.ts'), body);
      assert.deepEqual(violations(root, [join(root, 'src/hub/a.ts')]), ['src/hub/a.ts -> src/storage/b.ts -> src/gatekeeper/keystore.ts'], name);
    }
    writeFileSync(join(root, 'src/storage/b.ts'), "const where = '../gatekeeper/keystore.js';\nexport const b = await import(where);\n");
    assert.deepEqual(violations(root, [join(root, 'src/hub/a.ts')]), [`src/hub/a.ts -> src/storage/b.ts -> ${UNRESOLVABLE}`]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/**
 * Preloaded into the hub process after tsx: a module.register hook records every module URL the ESM
 * loader loads (hooks run in their own thread, so it appends to a file), and at exit the CommonJS
 * cache adds whatever came through require.
 */
const HOOKS = `import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function load(url, context, next) { appendFileSync(out, url + '\\n'); return next(url, context); }`;
const PRELOAD = `import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const out = process.env.KEYHOLE_MODULE_LOG;
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), { data: { out } });
process.on('exit', () => appendFileSync(out, Object.keys(createRequire(process.cwd() + '/').cache).map((f) => pathToFileURL(f).href + '\\n').join('')));`;

/** Runs `keyhole ...args` with the recorder; `whileUp` runs once `ready` matches stdout, then the process is stopped. Returns the src/ files it loaded. */
async function loadedBy(args: string[], ready: RegExp | null, whileUp: (stdout: string) => Promise<void> = async () => {}): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-loaded-'));
  const out = join(dir, 'modules.txt');
  writeFileSync(out, '');
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`, MAIN, ...args], {
    cwd: dir,
    env: { ...process.env, KEYHOLE_MODULE_LOG: out },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    if (ready !== null) {
      const deadline = Date.now() + 60_000;
      while (!ready.test(stdout)) {
        assert.equal(child.exitCode, null, `keyhole ${args.join(' ')} exited early: ${stderr}`);
        assert.ok(Date.now() < deadline, `keyhole ${args.join(' ')} never printed ${ready} within 60 s; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await whileUp(stdout);
      child.kill('SIGTERM');
    }
    const code = await exited;
    assert.equal(code, 0, `keyhole ${args.join(' ')} exited with ${code}: ${stderr}`);
    const src = join(REPO_ROOT, 'src') + '/';
    return [...new Set(readFileSync(out, 'utf8').split('\n').filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u)))]
      .filter((f) => f.startsWith(src))
      .map((f) => relative(REPO_ROOT, f));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a running `keyhole hub serve` loads no gatekeeper, lab, minimize or keystore module', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-hub-serve-'));
  try {
    const key = join(dir, 'hub.key');
    await loadedBy(['hub', 'keygen', '--key', key, '--id', 'boundary.hub.example'], null);
    const loaded = await loadedBy(
      ['hub', 'serve', '--db', `sqlite:${join(dir, 'hub.sqlite')}`, '--blobs', join(dir, 'blobs'), '--key', key, '--port', '0'],
      /listening on http:\/\/\S+/,
      async (stdout) => {
        // Serve a request too, so modules a handler imports on first use are loaded as well.
        const url = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;
        const res = await fetch(new URL('/openapi.json', url));
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      },
    );
    assert.ok(loaded.includes('src/hub/http-app.ts') && loaded.includes('src/cli/services/hub-service.ts') && loaded.includes('src/cli/hub-commands.ts'), `the recorder saw the hub's own modules: ${loaded.join(', ')}`);
    assert.deepEqual(loaded.filter(isForbidden), []);

    // Control: the same recorder, on the lab's command, does see key code.
    const lab = await loadedBy(['gatekeeper', '--help'], null);
    assert.ok(lab.some((f) => /^src\/gatekeeper\/keystore\//.test(f)), `the recorder sees key code when it is loaded: ${lab.join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
