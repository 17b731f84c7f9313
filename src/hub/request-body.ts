/**
 * Reading request bodies only after the caller is known, and never more than
 * the endpoint's limit (issue 14 finding 3: 100 unsigned 32 MiB uploads took
 * an earlier hub to 3 GB). A declared Content-Length over the limit is refused
 * before a byte is read; a chunked body is counted as it arrives and refused
 * the moment it passes the limit. Bodies that are read are also charged to a
 * process-wide budget, so even authenticated callers cannot make the hub hold
 * more than a bounded amount of request bytes at once.
 */
import { refuse } from './hub-error.js';

/** The size the client declared, or undefined for a chunked (or absent) body. */
export function declaredLength(headers: Headers): number | undefined {
  if (headers.has('transfer-encoding')) return undefined;
  const value = headers.get('content-length');
  if (value === null) return undefined;
  if (!/^\d{1,15}$/.test(value)) refuse('BAD_REQUEST', 'Content-Length must be a decimal byte count');
  return Number(value);
}

/**
 * Bytes of request bodies held at once, across all requests. A request
 * reserves what it may need (its declared length, or the endpoint's limit for
 * a chunked body) before reading, and returns it when done; when the budget is
 * spent the request is refused at once with BUSY, not queued, so waiting
 * requests hold no sockets or memory.
 */
export class BodyBudget {
  private held = 0;

  constructor(readonly capacity: number) {}

  reserve(bytes: number): () => void {
    if (bytes > 0 && this.held + bytes > this.capacity) {
      refuse('BUSY', 'the hub is receiving too many large request bodies at once; retry in a few seconds', 2);
    }
    this.held += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= bytes;
    };
  }

  get inUse(): number {
    return this.held;
  }
}

/** Reads the whole body, refusing with TOO_LARGE as soon as it passes `limit` (the rest is never read). */
export async function readBoundedBody(request: Request, limit: number, what: string): Promise<Uint8Array> {
  const declared = declaredLength(request.headers);
  if (declared !== undefined && declared > limit) refuse('TOO_LARGE', `request body is over the ${limit}-byte limit of ${what}`);
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    // A client that goes away mid-body is the client's problem, not an internal error.
    const { done, value } = await reader.read().catch(() => refuse('BAD_REQUEST', 'the request body was cut off before its end'));
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      refuse('TOO_LARGE', `request body is over the ${limit}-byte limit of ${what}`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
