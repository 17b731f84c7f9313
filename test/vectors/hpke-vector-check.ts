/**
 * Checks one RFC 9180 test vector against our HPKE. Imports only `src/core`,
 * so the same check runs in Node (both back ends) and in Chromium
 * (test/browser/). Returns the list of mismatches; empty means the vector passes.
 */
import { aeadFromId, deriveKeyPair, setupRecipient, setupSender } from '../../src/core/hpke.js';
import { fromHex, toHex } from '../../src/core/bytes.js';
import type { Primitives } from '../../src/core/primitives.js';

export interface HpkeVector {
  mode: number;
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  info: string;
  ikmR: string;
  ikmE: string;
  ikmS?: string;
  skRm: string;
  skEm: string;
  skSm?: string;
  pkRm: string;
  pkEm: string;
  pkSm?: string;
  psk?: string;
  psk_id?: string;
  enc: string;
  encryptions: { sequence_number: number; aad: string; ct: string; pt: string }[];
  exports: { exporter_context: string; L: number; exported_value: string }[];
}

export function vectorName(v: HpkeVector): string {
  return `mode ${v.mode} kem ${v.kem_id} kdf ${v.kdf_id} aead 0x${v.aead_id.toString(16)}`;
}

export async function checkHpkeVector(p: Primitives, v: HpkeVector): Promise<string[]> {
  const problems: string[] = [];
  const expect = (what: string, got: Uint8Array, want: string): void => {
    if (toHex(got) !== want.toLowerCase()) problems.push(`${what}: got ${toHex(got)}, want ${want}`);
  };
  const aead = aeadFromId(v.aead_id);
  const r = await deriveKeyPair(p, fromHex(v.ikmR));
  const e = await deriveKeyPair(p, fromHex(v.ikmE));
  expect('skRm', r.secretKey, v.skRm);
  expect('pkRm', r.key.publicKey, v.pkRm);
  expect('skEm', e.secretKey, v.skEm);
  expect('pkEm', e.key.publicKey, v.pkEm);
  const s = v.ikmS ? await deriveKeyPair(p, fromHex(v.ikmS)) : undefined;
  if (s && v.skSm) expect('skSm', s.secretKey, v.skSm);
  const psk = v.psk && v.psk_id ? { psk: fromHex(v.psk), pskId: fromHex(v.psk_id) } : undefined;
  const info = fromHex(v.info);

  const { enc, context: sender } = await setupSender(p, {
    aead,
    recipientPublicKey: r.key.publicKey,
    info,
    ephemeral: e.key,
    ...(s ? { sender: s.key } : {}),
    ...(psk ? { psk } : {}),
  });
  expect('enc', enc, v.enc);
  const recipient = await setupRecipient(p, {
    aead,
    enc,
    recipient: r.key,
    info,
    ...(s ? { senderPublicKey: s.key.publicKey } : {}),
    ...(psk ? { psk } : {}),
  });

  if (aead !== 'ExportOnly' && v.encryptions.length > 0) {
    // Only some sequence numbers are published; seal and open the others to advance both contexts.
    const bySeq = new Map(v.encryptions.map((x) => [x.sequence_number, x]));
    const last = Math.max(...bySeq.keys());
    for (let seq = 0; seq <= last; seq++) {
      const published = bySeq.get(seq);
      const aad = published ? fromHex(published.aad) : new Uint8Array(0);
      const pt = published ? fromHex(published.pt) : new Uint8Array(0);
      const ct = await sender.seal(aad, pt);
      if (published) expect(`ct[${seq}]`, ct, published.ct);
      const opened = await recipient.open(aad, ct);
      if (published) expect(`pt[${seq}]`, opened, published.pt);
    }
  }
  for (const x of v.exports) {
    expect(`export(${x.exporter_context}) sender`, await sender.export(fromHex(x.exporter_context), x.L), x.exported_value);
    expect(`export(${x.exporter_context}) recipient`, await recipient.export(fromHex(x.exporter_context), x.L), x.exported_value);
  }
  return problems;
}
