/**
 * Reads a JSONL file (plain or gzip, by magic bytes) line by line in constant memory. Lines are
 * split on raw bytes and decoded strictly, so invalid UTF-8 is reported with its line number
 * instead of being silently replaced; a line over the size limit is skipped without buffering it.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type Line =
  | { readonly kind: 'text'; readonly line: number; readonly text: string; readonly bytes: number }
  | { readonly kind: 'invalid-utf8' | 'oversized'; readonly line: number; readonly bytes: number };

const decoder = new TextDecoder('utf-8', { fatal: true });

export async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** `position.bytesRead` follows how far into the file (compressed, for gzip) reading has got, for progress. */
export async function* readLines(path: string, maxLineBytes: number, position: { bytesRead: number } = { bytesRead: 0 }): AsyncGenerator<Line> {
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  const stream: Readable = (await isGzip(path)) ? file.pipe(createGunzip()) : file;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let line = 0;
  const finish = (): Line => {
    line++;
    const bytes = Buffer.concat(pending, pendingBytes);
    const size = pendingBytes;
    pending = [];
    pendingBytes = 0;
    if (skipping) {
      skipping = false;
      return { kind: 'oversized', line, bytes: size };
    }
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    try {
      return { kind: 'text', line, text: decoder.decode(bytes.subarray(0, end)), bytes: size + 1 };
    } catch {
      return { kind: 'invalid-utf8', line, bytes: size + 1 };
    }
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    position.bytesRead = file.bytesRead;
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      pendingBytes += nl - start;
      if (pendingBytes > maxLineBytes) skipping = true;
      if (!skipping) pending.push(chunk.subarray(start, nl));
      yield finish();
      start = nl + 1;
    }
    const rest = chunk.length - start;
    if (rest > 0) {
      pendingBytes += rest;
      if (pendingBytes > maxLineBytes) {
        skipping = true;
        pending = [];
      } else if (!skipping) {
        pending.push(chunk.subarray(start));
      }
    }
  }
  if (pendingBytes > 0 || skipping) yield finish();
}
