/**
 * The attacker's search of the vendor copy for plaintext: every canary, and
 * every run of NGRAM consecutive words of every record (as the lab ingested
 * it, and as it looked after minimization, which is what the annotators saw).
 * Text is compared as word tokens (src/lab/text-fingerprint.ts: JSON escapes
 * undone, NFKC, lower case), so re-escaping or re-wrapping does not hide a
 * match. Every file is searched as it is, whatever it is (databases, WAL,
 * dumps, blobs), as a `strings` pass over a disk image would, and after
 * decoding its base64, base64url and hex runs and gzip members, two layers
 * deep (decoded-views.ts), so plaintext stored encoded is found too.
 *
 * plantedSearchControl is the search's control: it plants a known canary and
 * a known word run, in each encoding, inside a real file of the copy and
 * shows the same search finds them there.
 */
import { gzipSync } from 'node:zlib';
import { words } from '../../lab/text-fingerprint.js';
import { decodedViews } from './decoded-views.js';
import type { CopiedFile } from './vendor-copy.js';

/** Words per n-gram: eight consecutive words of a record are not found by chance. */
export const NGRAM = 8;

export interface SearchTarget {
  readonly id: string;
  /** A canary planted in the record, when it has one. */
  readonly canary?: string;
  readonly texts: readonly string[];
}

export interface SearchResult {
  readonly files: number;
  readonly bytes: number;
  readonly records: number;
  readonly ngrams: number;
  readonly canariesFound: number;
  readonly recordsFound: number;
  /** Where something matched: file source, how it was decoded, and record id (never the matched text). */
  readonly hits: readonly { readonly source: string; readonly decoded: string; readonly record: string; readonly canary: boolean }[];
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
    canary: words(t.canary ?? '').join(' '),
    canaryLength: words(t.canary ?? '').length,
    grams: new Set(t.texts.flatMap((text) => grams(words(text), NGRAM))),
  }));
  const hits: { source: string; decoded: string; record: string; canary: boolean }[] = [];
  const found = new Set<string>();
  const canariesFound = new Set<string>();
  let bytes = 0;
  for (const file of files) {
    bytes += file.bytes.length;
    for (const view of decodedViews(file.bytes)) {
      const tokens = words(decoder.decode(view.bytes));
      // Canaries are few: matched inside the token stream, so one glued to a neighbouring
      // column's bytes ("item-7canary ...") is still found.
      const stream = tokens.join(' ');
      const corpus = new Set(grams(tokens, NGRAM));
      for (const t of perTarget) {
        const canary = t.canaryLength > 0 && stream.includes(t.canary);
        const gram = [...t.grams].some((g) => corpus.has(g));
        if (canary) canariesFound.add(t.id);
        if (canary || gram) {
          found.add(t.id);
          hits.push({ source: file.source, decoded: view.how, record: t.id, canary });
        }
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

/** How the control plants text in a file: each way a vendor's software might store it. */
export const PLANTINGS: readonly { readonly name: string; encode(text: string): Uint8Array }[] = [
  { name: 'raw', encode: (t) => Buffer.from(t, 'utf8') },
  { name: 'base64', encode: (t) => Buffer.from(Buffer.from(t, 'utf8').toString('base64')) },
  { name: 'base64url', encode: (t) => Buffer.from(Buffer.from(t, 'utf8').toString('base64url')) },
  { name: 'hex', encode: (t) => Buffer.from(Buffer.from(t, 'utf8').toString('hex')) },
  { name: 'gzip', encode: (t) => gzipSync(t) },
  { name: 'gzip in base64', encode: (t) => Buffer.from(gzipSync(t).toString('base64')) },
];

/** Invented for the control: never in any dataset, so only the planting can be found. */
const CONTROL_CANARY = 'drill control canary marigold tessellate quorum';
const CONTROL_TEXT = 'the planted control passage tells of a lighthouse keeper who counted every passing ship twice before dawn';
const CONTROL_TARGETS: readonly SearchTarget[] = [
  { id: 'control canary', canary: CONTROL_CANARY, texts: [] },
  { id: 'control word run', texts: [CONTROL_TEXT] },
];

export interface PlantedSearchControl {
  /** The file of the copy the control text was planted in. */
  readonly plantedIn: string;
  readonly plantings: readonly { readonly planting: string; readonly canaryFound: boolean; readonly wordRunFound: boolean }[];
  /** Every planting's canary and word run found. */
  readonly passed: boolean;
}

/** `bytes` with `inserted` spliced into the middle, where a record inside a database page would be. */
export function plantInside(bytes: Uint8Array, inserted: Uint8Array): Uint8Array {
  const at = Math.floor(bytes.length / 2);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from('\n'), inserted, Buffer.from('\n'), bytes.subarray(at)]);
}

/**
 * Plants the control canary and word run, in each of PLANTINGS, inside `file` (a file of the vendor
 * copy) and searches the planted file exactly as the copy is searched.
 */
export function plantedSearchControl(file: CopiedFile): PlantedSearchControl {
  const plantings = PLANTINGS.map((planting) => {
    const planted = plantInside(file.bytes, planting.encode(`${CONTROL_CANARY}\n${CONTROL_TEXT}`));
    const result = searchPlaintext([{ source: file.source, bytes: planted }], CONTROL_TARGETS);
    const found = new Set(result.hits.map((h) => h.record));
    return { planting: planting.name, canaryFound: found.has('control canary'), wordRunFound: found.has('control word run') };
  });
  return { plantedIn: file.source, plantings, passed: plantings.every((p) => p.canaryFound && p.wordRunFound) };
}
