/**
 * fast-check arbitraries that turn a valid sample into near-valid inputs, the
 * ones that reach deep into a parser: byte-level mutations (flips, length
 * fields set to edge values, truncation, insertion, deletion, splices), and
 * JSON-level ones (a member deleted, added, duplicated in the text, or its
 * value replaced by an edge value of another type). Every mutation is a plain
 * record, so fast-check shrinks a failure to the fewest, smallest edits.
 */
import fc from 'fast-check';

type ByteMutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'u32'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; n: number }
  | { kind: 'splice'; from: number; to: number; n: number };

const INTERESTING_U32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x0a, 0x20, 0x22, 0x2b, 0x2f, 0x3a, 0x3d, 0x5c, 0x7b, 0x7d, 0x7f, 0x80, 0xc0, 0xff) }),
  fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.constantFrom(...INTERESTING_U32) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('splice' as const), from: fc.nat(), to: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }),
);

function applyByte(input: Uint8Array, m: ByteMutation): Uint8Array {
  const len = input.length;
  const pos = (n: number, extra = 0) => (len + extra === 0 ? 0 : n % (len + extra));
  switch (m.kind) {
    case 'flip': {
      if (len === 0) return input;
      const out = input.slice();
      out[pos(m.at)]! ^= 1 << m.bit;
      return out;
    }
    case 'set': {
      if (len === 0) return input;
      const out = input.slice();
      out[pos(m.at)] = m.value;
      return out;
    }
    case 'u32': {
      if (len < 4) return input;
      const out = input.slice();
      new DataView(out.buffer).setUint32(m.at % (len - 3), m.value, false);
      return out;
    }
    case 'truncate':
      return input.slice(0, pos(m.at));
    case 'insert': {
      const at = pos(m.at, 1);
      const out = new Uint8Array(len + m.bytes.length);
      out.set(input.subarray(0, at));
      out.set(m.bytes, at);
      out.set(input.subarray(at), at + m.bytes.length);
      return out;
    }
    case 'delete': {
      const at = pos(m.at);
      const out = new Uint8Array(len - Math.min(m.n, len - at));
      out.set(input.subarray(0, at));
      out.set(input.subarray(at + m.n), at);
      return out;
    }
    case 'splice': {
      // Copies a span of the input over another place: repeated fields, moved chunks.
      if (len === 0) return input;
      const from = pos(m.from);
      const to = pos(m.to);
      const span = input.subarray(from, from + m.n);
      const out = input.slice();
      out.set(span.subarray(0, len - to), to);
      return out;
    }
  }
}

/** Mostly mutations of `seed` (1-4 edits), sometimes random bytes, sometimes the seed itself. */
export function mutatedBytes(seed: Uint8Array, maxRandom = 256): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(byteMutation, { minLength: 1, maxLength: 4 }).map((ms) => ms.reduce(applyByte, seed)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: maxRandom }) },
    { weight: 1, arbitrary: fc.constant(seed) },
  );
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Text mutated as UTF-8 bytes and decoded leniently (invalid sequences become U+FFFD), plus edits that keep lines. */
export function mutatedText(seed: string): fc.Arbitrary<string> {
  const lineEdit = fc.record({ line: fc.nat(), op: fc.constantFrom('drop', 'double', 'empty', 'swap', 'space', 'crlf') });
  const byLines = fc.array(lineEdit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const lines = seed.split('\n');
    for (const e of edits) {
      const i = e.line % lines.length;
      if (e.op === 'drop') lines.splice(i, 1);
      else if (e.op === 'double') lines.splice(i, 0, lines[i]!);
      else if (e.op === 'empty') lines.splice(i, 0, '');
      else if (e.op === 'swap' && i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
      else if (e.op === 'space') lines[i] = ` ${lines[i]}`;
      else if (e.op === 'crlf') lines[i] = `${lines[i]}\r`;
    }
    return lines.join('\n');
  });
  return fc.oneof(
    { weight: 4, arbitrary: mutatedBytes(encoder.encode(seed)).map((b) => decoder.decode(b)) },
    { weight: 2, arbitrary: byLines },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Values of the wrong type or at the edge of a range, for replacing a member. */
export const edgeValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1, 2, 1.5, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e308, '', 'A', '=', '%', '../x', 'a'.repeat(300), '😀', '\u0000', [], {}, [[]], { v: 1 }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function clone(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

type JsonEdit = { at: number; op: 'replace' | 'delete' | 'add'; value: Json; name: string };

function applyJson(root: Json, e: JsonEdit): Json {
  const all = paths(root);
  const path = all[e.at % all.length]!;
  if (path.length === 0) return e.op === 'replace' ? e.value : root;
  const out = clone(root);
  let parent = out as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (e.op === 'replace') parent[last] = e.value;
  else if (e.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (Array.isArray(target)) target.push(e.value);
    else if (target !== null && typeof target === 'object') target[e.name] = e.value;
    else parent[last] = e.value;
  }
  return out;
}

/**
 * JSON text near `seed`: structural edits of the value (serialized), a member
 * written twice with different values, or byte-level edits of the text.
 */
export function mutatedJsonText(seed: unknown): fc.Arbitrary<string> {
  const base = seed as Json;
  const edit = fc.record({
    at: fc.nat(),
    op: fc.constantFrom<JsonEdit['op']>('replace', 'delete', 'add'),
    value: edgeValue,
    name: fc.constantFrom('v', 'sig', 'body', 'extra', '__proto__', 'constructor', 'device', 'lease'),
  });
  const structural = fc.array(edit, { minLength: 1, maxLength: 3 }).map((es) => JSON.stringify(es.reduce(applyJson, base)));
  // A member repeated with another value: the duplicate-member rule (docs/SPEC.md §1.2) must catch it.
  const duplicated = fc.tuple(fc.nat(), edgeValue).map(([at, value]) => {
    const text = JSON.stringify(base);
    const members = [...text.matchAll(/"((?:[^"\\]|\\.)*)":/g)];
    if (members.length === 0) return text;
    const m = members[at % members.length]!;
    return `${text.slice(0, m.index)}"${m[1]}":${JSON.stringify(value)},${text.slice(m.index)}`;
  });
  return fc.oneof(
    { weight: 4, arbitrary: structural },
    { weight: 2, arbitrary: duplicated },
    { weight: 3, arbitrary: mutatedText(JSON.stringify(base)) },
  );
}
