/**
 * The admin API's authorization matrix (issue 13): every route refuses a
 * request with no signature, an unknown key, a tampered body, a stale time
 * or a replay, and a role below the route's; the auditor changes nothing;
 * a refusal of a proven operator is logged naming them; every change is
 * logged first, naming the operator. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { OPERATOR_SIGNATURE_HEADER } from '../../src/core/admin-request.js';
import { toBase64Url } from '../../src/core/bytes.js';
import { ORDER, serveAdmin, type Route } from './support/admin.js';
import { BATCH, CAMPAIGN, HUB, p } from './support/harness.js';
import { eachBackend } from './support/suite.js';

const device = 'a'.repeat(64);
const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/admin/v1/status', need: 'auditor' },
  { method: 'GET', path: '/admin/v1/lab', need: 'auditor' },
  { method: 'GET', path: '/admin/v1/operators', need: 'auditor' },
  { method: 'GET', path: '/admin/v1/campaigns', need: 'auditor' },
  { method: 'GET', path: `/admin/v1/campaigns/${CAMPAIGN}/receipts`, need: 'auditor' },
  { method: 'GET', path: `/admin/v1/campaigns/${CAMPAIGN}/ingest-secret`, need: 'operator' },
  { method: 'GET', path: `/admin/v1/campaigns/${CAMPAIGN}/submissions?after=0`, need: 'operator' },
  { method: 'POST', path: `/admin/v1/campaigns/${CAMPAIGN}/item-keys`, body: { batch: 'b2', dataset: 'ds', policy: 'b'.repeat(64), expires: 4_000_000_000, items: [{ item: 'x1', size: 10 }] }, need: 'operator' },
  { method: 'POST', path: `/admin/v1/campaigns/${CAMPAIGN}/lab-sections`, body: { sections: [{ digest: toBase64Url(new Uint8Array(32)), section: 'AAAA' }] }, need: 'operator' },
  { method: 'POST', path: `/admin/v1/vendors/${HUB}/devices/${device}/approve`, need: 'operator' },
  { method: 'GET', path: `/admin/v1/vendors/${HUB}/roster`, need: 'auditor' },
  { method: 'PUT', path: `/admin/v1/vendors/${HUB}/roster/ann-x`, need: 'operator' },
  { method: 'GET', path: `/admin/v1/vendors/${HUB}/invitations`, need: 'auditor' },
  { method: 'POST', path: `/admin/v1/vendors/${HUB}/invitations`, body: { annotator: 'ann-x' }, need: 'operator' },
  { method: 'POST', path: '/admin/v1/invitations/inv-0000000000000000/revoke', need: 'operator' },
  { method: 'DELETE', path: `/admin/v1/vendors/${HUB}/roster/ann-x`, need: 'operator' },
  { method: 'GET', path: `/admin/v1/vendors/${HUB}/approval`, need: 'auditor' },
  { method: 'PUT', path: `/admin/v1/vendors/${HUB}/approval`, body: { manual: true }, need: 'admin' },
  { method: 'POST', path: '/admin/v1/suspend', body: { kind: 'annotator', vendor: HUB, annotator: 'ann-x' }, need: 'operator' },
  { method: 'POST', path: '/admin/v1/reinstate', body: { kind: 'annotator', vendor: HUB, annotator: 'ann-x' }, need: 'operator' },
  { method: 'PUT', path: `/admin/v1/vendors/${HUB}`, body: { hubUrl: 'http://127.0.0.1:9/', hubKey: toBase64Url(new Uint8Array(32).fill(3)), exposureBudget: 5 }, need: 'admin' },
  { method: 'PUT', path: '/admin/v1/operators/newcomer', body: { publicKey: toBase64Url(new Uint8Array(32).fill(4)), role: 'admin' }, need: 'admin' },
  { method: 'DELETE', path: '/admin/v1/operators/someone', need: 'admin' },
  { method: 'POST', path: `/admin/v1/campaigns/${CAMPAIGN}/close`, body: { shred: true }, need: 'admin' },
  { method: 'POST', path: `/admin/v1/batches/${BATCH}/shred`, need: 'admin' },
  { method: 'POST', path: `/admin/v1/batches/${BATCH}/rotate`, need: 'admin' },
  { method: 'POST', path: '/admin/v1/root/rewrap', need: 'admin' },
  { method: 'PUT', path: '/admin/v1/monitors/m1', body: { publicKey: toBase64Url(new Uint8Array(32).fill(5)) }, need: 'admin' },
];

eachBackend('admin API: no key, unknown key, tampered body, stale time, replay and a lower role are refused on every route', {}, async (h) => {
  const s = await serveAdmin(h);
  try {
    const stranger = await p.ed25519FromSeed(new Uint8Array(32).fill(9));
    for (const route of ROUTES) {
      const what = `${route.method} ${route.path}`;
      const none = await s.send(route, { id: 'admin' }, { header: null });
      assert.deepEqual([none.status, none.body.error.code], [401, 'BAD_SIGNATURE'], `${what}: no signature`);
      const unknown = await s.send(route, { id: 'admin', signer: stranger });
      const unknownId = await s.send(route, { id: 'nobody', signer: stranger });
      assert.deepEqual([unknown.status, unknown.body.error.code], [401, 'BAD_SIGNATURE'], `${what}: a key that is not the operator's`);
      assert.deepEqual(unknownId.body, unknown.body, `${what}: an unknown operator and a bad signature get one answer`);
      const stale = await s.send(route, { id: 'admin' }, { time: Math.floor(Date.now() / 1000) - 600 });
      assert.deepEqual([stale.status, stale.body.error.code], [401, 'STALE'], `${what}: stale`);
      if (route.body !== undefined) {
        const tampered = await s.send(route, { id: 'admin' }, { body: JSON.stringify({ ...(route.body as object), extra: 1 }) });
        assert.deepEqual([tampered.status, tampered.body.error.code], [401, 'BAD_SIGNATURE'], `${what}: tampered body`);
      }
      for (const role of ORDER.slice(0, ORDER.indexOf(route.need))) {
        const low = await s.send(route, { id: role });
        assert.deepEqual([low.status, low.body.error.code], [403, 'DENIED'], `${what}: role ${role} is below ${route.need}`);
      }
      const allowed = await s.send(route, { id: route.need });
      assert.ok(![401, 403].includes(allowed.status), `${what}: role ${route.need} passes authorization (got ${allowed.status} ${JSON.stringify(allowed.body)})`);
    }
    const once = ROUTES[0]!;
    const first = await s.send(once, { id: 'auditor' });
    const replay = await fetch(new URL(once.path.slice(1), s.url), { headers: { [OPERATOR_SIGNATURE_HEADER]: first.header } });
    assert.deepEqual([replay.status, ((await replay.json()) as { error: { code: string } }).error.code], [409, 'REPLAY']);
    for (const r of ['no-signature', 'bad-signature', 'stale', 'replay', 'role'] as const) assert.ok(s.refused.includes(r), `refusals are counted: ${r}`);

    const records = await h.records();
    const forbidden = records.filter((r) => r.reason?.startsWith('ADMIN_FORBIDDEN'));
    assert.ok(forbidden.some((r) => r.reason!.includes('by=auditor PUT /admin/v1/vendors')), 'a proven operator refused for its role is on the log, named');
    assert.ok(!records.some((r) => r.reason?.includes('by=nobody')), 'an unproven request names nobody on the log');
  } finally {
    await s.close();
  }
});

eachBackend('admin API: the auditor changes nothing; every change is logged first, naming the operator', {}, async (h) => {
  const s = await serveAdmin(h);
  try {
    const before = await h.gk.db.selectFrom('vendors').selectAll().execute();
    for (const route of ROUTES.filter((r) => r.method !== 'GET')) await s.send(route, { id: 'auditor' });
    assert.deepEqual(await h.gk.db.selectFrom('vendors').selectAll().execute(), before);
    assert.equal((await h.gk.db.selectFrom('operators').selectAll().where('id', '=', 'newcomer').execute()).length, 0);
    assert.equal((await h.gk.db.selectFrom('campaigns').select('closed_at').where('campaign', '=', CAMPAIGN).executeTakeFirstOrThrow()).closed_at, null);
    assert.ok(!(await h.records()).some((r) => r.reason?.startsWith('ADMIN by=auditor')), 'nothing the auditor asked for was done');

    const vendor = ROUTES.find((r) => r.path === `/admin/v1/vendors/${HUB}`)!;
    assert.equal((await s.send(vendor, { id: 'admin' })).status, 200);
    const records = await h.records();
    const first = records.findIndex((r) => r.reason === `ADMIN by=admin PUT /admin/v1/vendors/${HUB}`);
    const change = records.findIndex((r, i) => i > first && r.reason?.startsWith(`VENDOR vendor=${HUB} budget=5`));
    assert.ok(first >= 0 && change > first, 'the operator is named on the log before the change is');
    assert.equal((await h.gk.db.selectFrom('vendors').select(['hub_url', 'exposure_budget']).where('vendor', '=', HUB).executeTakeFirstOrThrow()).exposure_budget, 5);
  } finally {
    await s.close();
  }
});
