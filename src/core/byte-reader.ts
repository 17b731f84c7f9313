/**
 * Reads exact byte counts from an async stream of chunks, holding at most one
 * requested span in memory. Used to parse sealed items chunk by chunk.
 */
import { fail } from './errors.js';

export class ByteReader {
  #iterator: AsyncIterator<Uint8Array>;
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  #done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  async #fill(length: number): Promise<void> {
    while (this.#pendingLength < length && !this.#done) {
      const next = await this.#iterator.next();
      if (next.done) this.#done = true;
      else if (next.value.length > 0) {
        this.#pending.push(next.value);
        this.#pendingLength += next.value.length;
      }
    }
  }

  /** Exactly `length` bytes; TRUNCATED (naming `what`) if the stream ends first. */
  async read(length: number, what: string): Promise<Uint8Array> {
    await this.#fill(length);
    if (this.#pendingLength < length) fail('TRUNCATED', `${what}: stream ended after ${this.#pendingLength} of ${length} bytes`);
    const out = new Uint8Array(length);
    let offset = 0;
    while (offset < length) {
      const head = this.#pending[0]!;
      const take = Math.min(head.length, length - offset);
      out.set(head.subarray(0, take), offset);
      offset += take;
      if (take === head.length) this.#pending.shift();
      else this.#pending[0] = head.subarray(take);
    }
    this.#pendingLength -= length;
    return out;
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    await this.#fill(1);
    return this.#pendingLength === 0;
  }
}

export async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

export async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of source) {
    parts.push(part);
    length += part.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
