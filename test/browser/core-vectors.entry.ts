/**
 * Runs in Chromium (loaded by test/browser/chromium.ts): checks the shared
 * vectors with src/core over the browser's own WebCrypto. Vectors come in and
 * results go out as JSON; the Node side decides what is expected.
 */
import { webCryptoPrimitives as p } from '../../src/core/webcrypto-primitives.js';
import { aeadFromId } from '../../src/core/hpke.js';
import { fromHex, utf8 } from '../../src/core/bytes.js';
import { checkHpkeVector, type HpkeVector } from '../vectors/hpke-vector-check.js';

export type HpkeResult = { skipped: string } | { problems: string[] };

export async function checkHpke(vectors: HpkeVector[]): Promise<HpkeResult[]> {
  const results: HpkeResult[] = [];
  for (const v of vectors) {
    const aead = aeadFromId(v.aead_id);
    if (aead !== 'ExportOnly' && !p.supportsAead(aead)) {
      results.push({ skipped: `${aead} is not in this browser's WebCrypto` });
      continue;
    }
    try {
      results.push({ problems: await checkHpkeVector(p, v) });
    } catch (e) {
      results.push({ problems: [`threw ${String(e)}`] });
    }
  }
  return results;
}

export interface Ed25519Case {
  key: string;
  sig: string;
  msg: string;
}

/** Whether the browser accepts each signature. */
export async function verifyEd25519(cases: Ed25519Case[]): Promise<boolean[]> {
  return Promise.all(cases.map((c) => p.ed25519Verify(fromHex(c.key), utf8(c.msg), fromHex(c.sig))));
}
