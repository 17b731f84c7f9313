/**
 * A sealed blob as an HTTP answer, streamed from the blob store: `ETag` is the
 * item's digest (its identity in assignments, so the bytes under one ETag
 * never change), `If-None-Match` gives 304 without touching the blob store,
 * and one `Range: bytes=` range gives 206 (RFC 9110 §13.1.2, §14.2). The
 * caller has already decided that the requester may read the blob: a
 * conditional or ranged request is answered only after the same checks as a
 * plain one.
 */
import type { BlobStore, ByteRange } from '../storage/blob-store.js';
import { refuse } from './hub-error.js';
import { StreamedBody } from './route-spec.js';

export interface ServedBlob {
  key: string;
  size: number;
  /** base64url: only characters an entity tag may hold. */
  digest: string;
}

const RANGE = /^bytes=(\d{0,15})-(\d{0,15})$/;

/**
 * Up to this size a blob is read whole and sent as one buffer: for the small
 * items of a text campaign a stream's per-chunk machinery costs more than the
 * bytes (bench:hub). Larger blobs are streamed, so memory per request stays
 * bounded whatever the item size.
 */
const SEND_WHOLE_UP_TO = 256 * 1024;

/** Weak comparison (§13.1.2): `*` or any listed tag with the same opaque value. */
function noneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

type RangeAnswer = { kind: 'whole' } | { kind: 'part'; range: ByteRange } | { kind: 'unsatisfiable' };

/**
 * One byte range, or the whole blob when the header is absent, names another
 * unit, asks for several ranges, or is malformed (a server may ignore Range,
 * §14.2); unsatisfiable when it starts past the end.
 */
function rangeOf(header: string | null, ifRange: string | null, etag: string, size: number): RangeAnswer {
  if (header === null) return { kind: 'whole' };
  // If-Range with anything but the current strong tag means "the whole thing" (§13.1.5).
  if (ifRange !== null && ifRange.trim() !== etag) return { kind: 'whole' };
  const m = RANGE.exec(header.trim());
  if (m === null || (m[1] === '' && m[2] === '')) return { kind: 'whole' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'part', range: { start, end } };
}

async function smallBlob(blobs: BlobStore, key: string, range: ByteRange | undefined): Promise<Uint8Array | undefined> {
  const bytes = await blobs.get(key);
  return range === undefined ? bytes : bytes?.subarray(range.start, range.end + 1);
}

export async function blobResponse(blobs: BlobStore, blob: ServedBlob, request: Headers, what: string): Promise<StreamedBody> {
  const etag = `"${blob.digest}"`;
  const common = { ETag: etag, 'Accept-Ranges': 'bytes' };
  if (noneMatch(request.get('if-none-match'), etag)) return new StreamedBody(304, common, null);
  const wanted = rangeOf(request.get('range'), request.get('if-range'), etag, blob.size);
  if (wanted.kind === 'unsatisfiable') return new StreamedBody(416, { ...common, 'Content-Range': `bytes */${blob.size}` }, null);
  const range = wanted.kind === 'part' ? wanted.range : undefined;
  const body = blob.size <= SEND_WHOLE_UP_TO ? await smallBlob(blobs, blob.key, range) : await blobs.stream(blob.key, range);
  if (body === undefined) refuse('INTERNAL', `${what} is missing from the blob store`);
  const headers = { ...common, 'Content-Type': 'application/octet-stream' };
  if (range === undefined) return new StreamedBody(200, { ...headers, 'Content-Length': String(blob.size) }, body);
  return new StreamedBody(206, { ...headers, 'Content-Length': String(range.end - range.start + 1), 'Content-Range': `bytes ${range.start}-${range.end}/${blob.size}` }, body);
}
