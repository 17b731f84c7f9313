/**
 * One declaration per endpoint: method, path, who may call it, the zod
 * schemas of its input and output, and its handler. The Hono app and the
 * OpenAPI document are both built from these, so the document cannot drift
 * from what the server accepts.
 */
import type { z } from 'zod';
import type { Annotator } from './accounts.js';

export type Auth = 'none' | 'session' | 'lab';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface AnnotatorCaller {
  kind: 'annotator';
  annotator: Annotator;
  tokenHash: string;
}
export interface LabCaller {
  kind: 'lab';
  lab: string;
}
export interface AnonymousCaller {
  kind: 'anonymous';
  /** Login throttling key: the peer address. */
  address: string;
}

export type CallerFor<A extends Auth> = A extends 'session' ? AnnotatorCaller : A extends 'lab' ? LabCaller : AnonymousCaller;

export interface HandlerInput<A extends Auth> {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  caller: CallerFor<A>;
  /** The request's headers, for the few routes that answer conditionally (If-None-Match, Range). */
  headers: Headers;
}

/** A binary response: sealed bytes, served as application/octet-stream. */
export class BinaryBody {
  constructor(readonly bytes: Uint8Array) {}
}

/** A streamed binary response with its own status and headers: a whole blob, a byte range, or "not modified". */
export class StreamedBody {
  constructor(
    readonly status: 200 | 206 | 304 | 416,
    readonly headers: Record<string, string>,
    readonly body: ReadableStream<Uint8Array> | Uint8Array | null,
  ) {}
}

export interface RouteSpec<A extends Auth = Auth> {
  method: Method;
  /** Hono path syntax, e.g. /v1/labs/:lab/campaigns/:campaign */
  path: string;
  summary: string;
  auth: A;
  /** Schemas of the path parameters; every parameter must have one. */
  params?: Record<string, z.ZodType>;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Largest accepted request body in bytes. */
  maxBody: number;
  /** The 2xx response: a JSON schema or 'binary'. */
  response: z.ZodType | 'binary';
  status?: 200 | 201;
  handle(input: HandlerInput<A>): Promise<unknown>;
}

export function route<A extends Auth>(spec: RouteSpec<A>): RouteSpec<Auth> {
  return spec as unknown as RouteSpec<Auth>;
}
