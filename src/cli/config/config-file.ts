/**
 * Service config files (YAML): one per party's service, parsed once with zod
 * into a type that cannot be invalid. Every error names the file, the line
 * and the key. Every setting can also come from the environment
 * (`KEYHOLE_<PART>_<KEY_PATH>`, e.g. KEYHOLE_GATEKEEPER_LISTEN_PORT for
 * listen.port) or a flag (`--set listen.port=8443`), so secrets such as a
 * database URL with a password never have to sit in the file. Precedence:
 * flag, then environment, then file.
 */
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { fail } from '../../core/errors.js';

export interface LoadedConfig<T> {
  readonly config: T;
  /** Relative paths in the file resolve against its directory. */
  readonly baseDir: string;
  readonly file: string;
}

function lineOf(doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) return lines.linePos(range[0]).line;
  }
  return 1;
}

type Leaf = { path: string[]; kind: 'string' | 'number' | 'boolean' | 'list' };

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema as z.ZodType & { _zod: { def: { innerType?: z.ZodType; type: string } } };
  while (s._zod.def.innerType !== undefined) s = s._zod.def.innerType as typeof s;
  return s;
}

/** Every settable key of an object schema, with how its text is read. */
function leaves(schema: z.ZodType, prefix: string[] = []): Leaf[] {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([k, v]) => leaves(v, [...prefix, k]));
  if (s instanceof z.ZodNumber) return [{ path: prefix, kind: 'number' }];
  if (s instanceof z.ZodBoolean) return [{ path: prefix, kind: 'boolean' }];
  if (s instanceof z.ZodArray) return [{ path: prefix, kind: 'list' }];
  return [{ path: prefix, kind: 'string' }];
}

const envName = (part: string, path: readonly string[]): string =>
  `KEYHOLE_${part}_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2')).join('_')}`.toUpperCase();

function readText(leaf: Leaf, text: string, where: string): unknown {
  if (leaf.kind === 'number') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) fail('BAD_FORMAT', `${where}: ${leaf.path.join('.')} must be a number, not "${text}"`);
    return n;
  }
  if (leaf.kind === 'boolean') {
    if (text !== 'true' && text !== 'false') fail('BAD_FORMAT', `${where}: ${leaf.path.join('.')} must be true or false`);
    return text === 'true';
  }
  if (leaf.kind === 'list') return parseListText(text, leaf, where);
  return text;
}

function parseListText(text: string, leaf: Leaf, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail('BAD_FORMAT', `${where}: ${leaf.path.join('.')} takes a JSON list`);
  }
}

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]!] = value;
}

/**
 * Loads `file` for the service `part` ("gatekeeper", "hub", …) through
 * `schema`. `sets` are the `--set key=value` flags.
 */
export function loadConfig<S extends z.ZodType>(part: string, schema: S, file: string, sets: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): LoadedConfig<z.infer<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail('NOT_FOUND', `${file}: cannot read the config file (${code === 'ENOENT' ? 'no such file; make one with `keyhole ' + part + ' init`' : code ?? 'error'})`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) fail('BAD_FORMAT', `${file}:${lines.linePos(first.pos[0]).line}: not valid YAML (${first.code})`);
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) fail('BAD_FORMAT', `${file}:1: the config must be a mapping of keys`);
  const known = leaves(schema);
  for (const leaf of known) {
    const value = env[envName(part, leaf.path)];
    if (value !== undefined) setIn(raw, leaf.path, readText(leaf, value, `$${envName(part, leaf.path)}`));
  }
  for (const set of sets) {
    const eq = set.indexOf('=');
    const key = eq < 0 ? set : set.slice(0, eq);
    const leaf = known.find((l) => l.path.join('.') === key);
    if (eq < 0 || leaf === undefined) fail('BAD_FORMAT', `--set ${key}: unknown key; known: ${known.map((l) => l.path.join('.')).join(', ')}`);
    setIn(raw, leaf.path, readText(leaf, set.slice(eq + 1), `--set ${key}`));
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    const what = issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.join(', ')}` : issue.message;
    // An unknown key is shown at its own line, not its parent's.
    const at = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    fail('BAD_FORMAT', `${file}:${lineOf(doc, lines, at)}: ${key}: ${what}`);
  }
  return { config: result.data, baseDir: dirname(resolve(file)), file };
}

/** The environment variable that sets `path` of `part`'s config, for docs and starter configs. */
export function configEnvName(part: string, path: string): string {
  return envName(part, path.split('.'));
}

/** Whether a file exists: `init` commands never overwrite one. */
export function fileExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * A config's database location with a relative `sqlite:` path resolved against the config's
 * directory (a `postgres://` URL, or `sqlite::memory:`, as it is).
 */
export function databaseIn(baseDir: string, location: string): string {
  return location.startsWith('sqlite:') && location !== 'sqlite::memory:' ? `sqlite:${resolve(baseDir, location.slice('sqlite:'.length))}` : location;
}
