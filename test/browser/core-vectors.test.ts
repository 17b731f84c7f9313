/**
 * The shared HPKE and Ed25519 vectors, run by src/core inside headless
 * Chromium over the browser's WebCrypto (test/core/ runs them in Node).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../support/environment.js';
import { SHARED_VECTORS } from '../support/shared.js';
import { vectorName, type HpkeVector } from '../vectors/hpke-vector-check.js';
import { CHROMIUM, withCorePage } from './chromium.js';
import type { Ed25519Case, HpkeResult } from './core-vectors.entry.js';

const CHACHA20_POLY1305 = 3;

const hpkeDir = join(SHARED_VECTORS, 'hpke');
const hpke: { file: string; v: HpkeVector }[] = readdirSync(hpkeDir)
  .filter((f) => f.endsWith('.json'))
  .flatMap((file) => (JSON.parse(readFileSync(join(hpkeDir, file), 'utf8')) as HpkeVector[]).map((v) => ({ file, v })));

interface Ed25519Vector extends Ed25519Case {
  number: number;
  flags: string[] | null;
}
const ed25519 = JSON.parse(readFileSync(join(SHARED_VECTORS, 'ed25519', 'ed25519vectors.json'), 'utf8')) as Ed25519Vector[];

/** Go's crypto/ed25519 and OpenSSL reject exactly these (C2SP/CCTV ed25519 README); we follow them. */
function goAccepts(v: Ed25519Vector): boolean {
  const flags = v.flags ?? [];
  return !flags.includes('non_canonical_R') && !flags.includes('low_order_residue');
}

test('shared HPKE and Ed25519 vectors in headless Chromium', { timeout: 60_000 }, async (t) => {
  if (!needs(t, existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`)) return;
  assert.ok(hpke.length >= 16, `found ${hpke.length} HPKE vectors`);
  assert.equal(ed25519.length, 914);

  await withCorePage('test/browser/core-vectors.entry.ts', async (core) => {
    t.diagnostic(`Chromium ${core.version}`);

    const results = await core.call<HpkeResult[]>('checkHpke', hpke.map((x) => x.v));
    for (const [i, { file, v }] of hpke.entries()) {
      const r = results[i]!;
      await t.test(`HPKE ${file} ${vectorName(v)}`, (st) => {
        if ('skipped' in r) {
          // Only ChaCha20-Poly1305 may be missing from WebCrypto; it is checked on the node back end.
          assert.equal(v.aead_id, CHACHA20_POLY1305, `skipped a vector the browser should run: ${r.skipped}`);
          st.skip(`${r.skipped} (checked on the node back end)`);
          return;
        }
        assert.deepEqual(r.problems, []);
      });
    }

    await t.test('Ed25519: all 914 vectors accepted or rejected as Go and OpenSSL do', async () => {
      const accepted = await core.call<boolean[]>('verifyEd25519', ed25519.map(({ key, sig, msg }) => ({ key, sig, msg })));
      assert.equal(accepted.length, ed25519.length);
      const wrong = ed25519
        .filter((v, i) => accepted[i] !== goAccepts(v))
        .map((v) => `#${v.number} [${(v.flags ?? []).join(' ')}]: ${goAccepts(v) ? 'rejected' : 'accepted'}, Go ${goAccepts(v) ? 'accepts' : 'rejects'}`);
      assert.deepEqual(wrong, [], `${wrong.length} of ${ed25519.length} Ed25519 vectors disagree with Go`);
    });
  });
});
