/**
 * A witness (c2sp.org/tlog-witness §add-checkpoint) that returns Ed25519
 * cosignature/v1 signatures (c2sp.org/tlog-cosignature). For each known log it
 * keeps the latest checkpoint it cosigned, durably, and never cosigns a
 * checkpoint that is not a consistent extension of it. Checking the old size
 * and persisting the new state happen under one lock per origin, as the spec
 * requires, so concurrent requests cannot roll the state back.
 */
import { Hono } from 'hono';
import { constantTimeEqual, fromBase64, fromUtf8, toBase64, toHex, utf8 } from '../core/bytes.js';
import { openCheckpoint } from '../core/checkpoint.js';
import type { Cosigner } from '../core/cosignature.js';
import { cosignatureLine } from '../core/cosignature.js';
import { verifyConsistency } from '../core/merkle.js';
import type { NoteVerifier } from '../core/note.js';
import type { Primitives } from '../core/primitives.js';
import type { StorageDriver } from './storage.js';
import { MAX_REQUEST_BYTES, SIZE_CONTENT_TYPE, parseAddCheckpoint } from './witness-protocol.js';
import { z } from 'zod';

export interface WitnessOptions {
  readonly primitives: Primitives;
  readonly cosigner: Cosigner;
  /** The logs this witness follows: origin -> the log's checkpoint verifier. */
  readonly logs: ReadonlyMap<string, NoteVerifier>;
  /** Where the latest cosigned checkpoint of each log is kept (durably). */
  readonly state: StorageDriver;
  /** POSIX seconds, injectable for tests. */
  readonly now?: () => number;
}

const WitnessStateJson = z.strictObject({ size: z.number().int().nonnegative(), root: z.string(), checkpoint: z.string() });
type WitnessState = { size: number; root: Uint8Array };

class Locks {
  private readonly tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.tails.set(key, next.catch(() => undefined));
    return next;
  }
}

class HttpAnswer extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 422,
    message: string,
    readonly contentType = 'text/plain; charset=utf-8',
  ) {
    super(message);
  }
}

function decodeBody(raw: Uint8Array): string {
  try {
    return fromUtf8(raw, 'request');
  } catch (err) {
    throw new HttpAnswer(400, (err as Error).message);
  }
}

export function witnessApp(opts: WitnessOptions): Hono {
  const p = opts.primitives;
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const locks = new Locks();
  const statePath = async (origin: string): Promise<string> => `logs/${toHex(await p.sha256(utf8(origin)))}.json`;

  async function loadState(origin: string): Promise<WitnessState | undefined> {
    const bytes = await opts.state.read(await statePath(origin));
    if (!bytes) return undefined;
    const json = WitnessStateJson.parse(JSON.parse(fromUtf8(bytes)));
    return { size: json.size, root: fromBase64(json.root) };
  }

  async function addCheckpoint(body: string): Promise<string> {
    let req;
    try {
      req = parseAddCheckpoint(body);
    } catch (err) {
      throw new HttpAnswer(400, (err as Error).message);
    }
    const origin = req.checkpoint.slice(0, req.checkpoint.indexOf('\n'));
    const verifier = opts.logs.get(origin);
    if (!verifier) throw new HttpAnswer(404, `unknown log "${origin}"`);
    let opened;
    try {
      opened = await openCheckpoint(req.checkpoint, origin, verifier);
    } catch (err) {
      throw new HttpAnswer(403, (err as Error).message);
    }
    const cp = opened.checkpoint;
    if (req.oldSize > cp.size) throw new HttpAnswer(400, `old size ${req.oldSize} is larger than the checkpoint size ${cp.size}`);
    return locks.run(origin, async () => {
      const state = await loadState(origin);
      const latest = state?.size ?? 0;
      if (req.oldSize !== latest) throw new HttpAnswer(409, `${latest}\n`, SIZE_CONTENT_TYPE);
      if (state && req.oldSize === cp.size) {
        if (!constantTimeEqual(state.root, cp.rootHash)) throw new HttpAnswer(409, `${latest}\n`, SIZE_CONTENT_TYPE);
        if (req.proof.length > 0) throw new HttpAnswer(422, 'consistency proof between equal sizes must be empty');
      } else if (req.oldSize === 0) {
        if (req.proof.length > 0) throw new HttpAnswer(422, 'consistency proof from size 0 must be empty');
      } else {
        try {
          await verifyConsistency(p, req.oldSize, cp.size, req.proof, state!.root, cp.rootHash);
        } catch (err) {
          throw new HttpAnswer(422, (err as Error).message);
        }
      }
      const record = { size: cp.size, root: toBase64(cp.rootHash), checkpoint: opened.note.text };
      await opts.state.writeAll([{ path: await statePath(origin), data: utf8(JSON.stringify(record)) }]);
      return cosignatureLine(await opts.cosigner.cosign(opened.note.text, now()));
    });
  }

  const app = new Hono();
  app.post('/add-checkpoint', async (c) => {
    const length = Number(c.req.header('content-length') ?? '0');
    if (length > MAX_REQUEST_BYTES) return c.text('request too large\n', 413);
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (raw.length > MAX_REQUEST_BYTES) return c.text('request too large\n', 413);
    try {
      const body = await addCheckpoint(decodeBody(raw));
      return c.text(body, 200);
    } catch (err) {
      // Anything else is our own failure (e.g. storage): onError answers 500 without details.
      if (!(err instanceof HttpAnswer)) throw err;
      return c.body(err.status === 409 ? err.message : `${err.message}\n`, err.status, { 'Content-Type': err.contentType });
    }
  });
  app.notFound((c) => c.text('not found\n', 404));
  app.onError((_err, c) => c.text('internal error\n', 500));
  return app;
}

