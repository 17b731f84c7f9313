/** The OpenAPI 3.1 document, generated from the same zod schemas the server validates with. */
import { z } from 'zod';
import type { RouteSpec } from './route-spec.js';
import { LAB_SIGNATURE_HEADER } from './lab-request-signature.js';

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }).strict() }).strict();

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  // Refinements (base64url lengths, cross-field checks) have no JSON Schema form; the server still enforces them.
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

export function openApiDocument(routes: readonly RouteSpec[]): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters: unknown[] = Object.entries(r.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema: jsonSchema(schema, 'input') }));
    if (r.query !== undefined) {
      const q = jsonSchema(r.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
    }
    const success =
      r.response === 'binary'
        ? { description: 'sealed bytes', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }
        : { description: 'success', content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } };
    const operation: Record<string, unknown> = {
      summary: r.summary,
      parameters,
      responses: {
        [String(r.status ?? 200)]: success,
        default: { description: 'refusal: 4xx with a reason, or 500 without detail', content: { 'application/json': { schema: jsonSchema(ErrorBody, 'output') } } },
      },
      security: r.auth === 'session' ? [{ session: [] }] : r.auth === 'lab' ? [{ labSignature: [] }] : [],
      'x-max-body-bytes': r.maxBody,
    };
    if (r.body !== undefined) operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } };
    (paths[openApiPath(r.path)] ??= {})[r.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'keyhole hub', version: '1', description: "The vendor's service: sealed items, leases, sealed labels. It holds ciphertext and public keys only." },
    paths,
    components: {
      securitySchemes: {
        session: { type: 'http', scheme: 'bearer', description: 'Annotator session token from POST /v1/sessions.' },
        labSignature: { type: 'apiKey', in: 'header', name: LAB_SIGNATURE_HEADER, description: 'Ed25519 signature of the lab over hub, method, path, time, nonce and body hash; see docs/HUB.md.' },
      },
    },
  };
}
