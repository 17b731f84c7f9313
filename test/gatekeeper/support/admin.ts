/** The gatekeeper's admin API served beside a test harness, with one operator per role and a signed sender. */
import type { Hono } from 'hono';
import { OPERATOR_SIGNATURE_HEADER, signAdminRequest, type AdminMethod } from '../../../src/core/admin-request.js';
import { toBase64Url, utf8 } from '../../../src/core/bytes.js';
import type { Ed25519Signer } from '../../../src/core/primitives.js';
import { adminApp } from '../../../src/gatekeeper/admin/admin-app.js';
import type { AuthRefusal } from '../../../src/gatekeeper/admin/operator-auth.js';
import { putOperator } from '../../../src/gatekeeper/admin/operators.js';
import { listen } from '../../log/support/serve.js';
import { LAB, p, type Harness } from './harness.js';

export type Role = 'auditor' | 'operator' | 'admin';
export interface Route {
  readonly method: AdminMethod;
  readonly path: string;
  readonly body?: unknown;
  readonly need: Role;
}

export const ORDER: readonly Role[] = ['auditor', 'operator', 'admin'];

export interface Served {
  readonly url: string;
  readonly refused: AuthRefusal[];
  readonly ops: Record<Role, Ed25519Signer>;
  send(route: Route, as: { id: string; signer?: Ed25519Signer }, tweak?: { time?: number; body?: string; header?: string | null }): Promise<{ status: number; body: any; header: string }>;
  close(): Promise<void>;
}

export async function serveAdmin(h: Harness): Promise<Served> {
  const ops = {} as Record<Role, Ed25519Signer>;
  for (const [i, role] of ORDER.entries()) {
    ops[role] = await p.ed25519FromSeed(new Uint8Array(32).fill(200 + i));
    await putOperator(h.gk, { id: role, publicKey: toBase64Url(ops[role].publicKey), role }, 'init');
  }
  const refused: AuthRefusal[] = [];
  const app = adminApp(h.gk, {
    facts: { gatekeeperUrl: 'http://127.0.0.1:1/', logVkey: h.gk.logKey.verifierKey, witnesses: [h.witnessVkey], quorum: 1, workstation: 'c'.repeat(64) },
    witnessed: true,
    onRefused: (r) => refused.push(r),
  });
  const server = await listen(app as unknown as Hono);
  return {
    url: server.url,
    refused,
    ops,
    async send(route, as, tweak = {}) {
      const body = route.body === undefined ? '' : JSON.stringify(route.body);
      const signer = as.signer ?? ops[as.id as Role];
      const header =
        tweak.header === null ? undefined
        : tweak.header ?? (await signAdminRequest(p, signer, { lab: LAB, operator: as.id, method: route.method, path: route.path, body: utf8(body) }, tweak.time ?? Math.floor(Date.now() / 1000)));
      const res = await fetch(new URL(route.path.slice(1), server.url), {
        method: route.method,
        headers: { ...(header === undefined ? {} : { [OPERATOR_SIGNATURE_HEADER]: header }), ...(body === '' ? {} : { 'content-type': 'application/json' }) },
        ...(body === '' && tweak.body === undefined ? {} : { body: tweak.body ?? body }),
      });
      return { status: res.status, body: await res.json(), header: header ?? '' };
    },
    close: () => server.close(),
  };
}
