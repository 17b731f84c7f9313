/**
 * The attacker's search of the vendor copy for plaintext: every canary, and
 * every run of NGRAM consecutive words of every record (as the lab ingested
 * it, and as it looked after minimization). Text is compared as word tokens
 * (src/lab/text-fingerprint.ts: JSON escapes undone, NFKC, lower case), so
 * re-encoding, escaping or re-wrapping does not hide a match. Every file is
 * decoded as UTF-8 whatever it is (databases, WAL, blobs), as a `strings`
 * pass over a disk image would.
 */
import { words } from '../../lab/text-fingerprint.js';
import type { CopiedFile } from './vendor-copy.js';

/** Words per n-gram: eight consecutive words of a record are not found by chance. */
export const NGRAM = 8;

export interface SearchTarget {
  readonly id: string;
  readonly canary: string;
  readonly texts: readonly string[];
}

export interface SearchResult {
  readonly files: number;
  readonly bytes: number;
  readonly records: number;
  readonly ngrams: number;
  readonly canariesFound: number;
  readonly recordsFound: number;
  /** Where something matched: file source and record id (never the matched text). */
  readonly hits: readonly { readonly source: string; readonly record: string; readonly canary: boolean }[];
}

function grams(tokens: readonly string[], n: number): string[] {
  if (tokens.length <= n) return tokens.length === 0 ? [] : [tokens.join(' ')];
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

export function searchPlaintext(files: readonly CopiedFile[], targets: readonly SearchTarget[]): SearchResult {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const perTarget = targets.map((t) => ({
    id: t.id,
    canary: words(t.canary).join(' '),
    canaryLength: words(t.canary).length,
    grams: new Set(t.texts.flatMap((text) => grams(words(text), NGRAM))),
  }));
  const canaryLengths = new Set(perTarget.map((t) => t.canaryLength));
  const hits: { source: string; record: string; canary: boolean }[] = [];
  const found = new Set<string>();
  const canariesFound = new Set<string>();
  let bytes = 0;
  for (const file of files) {
    bytes += file.bytes.length;
    const tokens = words(decoder.decode(file.bytes));
    const corpus = new Set<string>();
    for (const n of new Set([NGRAM, ...canaryLengths])) for (const g of grams(tokens, n)) corpus.add(g);
    for (const t of perTarget) {
      const canary = corpus.has(t.canary);
      const gram = [...t.grams].some((g) => corpus.has(g));
      if (canary) canariesFound.add(t.id);
      if (canary || gram) {
        found.add(t.id);
        hits.push({ source: file.source, record: t.id, canary });
      }
    }
  }
  return {
    files: files.length,
    bytes,
    records: targets.length,
    ngrams: perTarget.reduce((n, t) => n + t.grams.size, 0),
    canariesFound: canariesFound.size,
    recordsFound: found.size,
    hits,
  };
}
