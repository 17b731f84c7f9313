/**
 * Loads a policy file (YAML, or JSON, which YAML 1.2 parses too). Every error names the file, the
 * line and the field: zod's issue path is looked up in the YAML document to find the node's line.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { refuse } from './errors.js';
import { policySchema, type Policy } from './policy-schema.js';

function lineOf(doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) return lines.linePos(range[0]).line;
  }
  return 1;
}

export interface LoadedPolicy {
  readonly policy: Policy;
  /** Directory the file's relative paths (gitleaks rules) resolve against. */
  readonly baseDir: string;
}

export function parsePolicy(text: string, fileName: string): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) refuse('BAD_FORMAT', `${fileName}:${lines.linePos(first.pos[0]).line}: not valid YAML/JSON (${first.code})`);
  let value: unknown;
  try {
    // toJS throws on an alias to no anchor and on alias expansion past maxAliasCount (a "billion laughs" file).
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return refuse('BAD_FORMAT', `${fileName}: not valid YAML/JSON (an alias names no anchor, or aliases expand too far)`);
  }
  const result = policySchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    const what = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message.replace(/, received .*/, '');
    refuse('BAD_FORMAT', `${fileName}:${lineOf(doc, lines, issue.path)}: policy field ${field}: ${what}`);
  }
  return result.data;
}

export function loadPolicyFile(path: string): LoadedPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return refuse('BAD_FORMAT', `cannot read policy file ${path}`);
  }
  return { policy: parsePolicy(text, path), baseDir: dirname(resolve(path)) };
}
