/**
 * npm run bench:seal — sealed items per second and MB/s at 1 KiB, 16 KiB and
 * 1 MiB, against raw node:crypto AES-256-GCM over the same plaintext in the
 * same run; HPKE seals and opens per second (a 32-byte DEK, as in a release).
 *
 * "seal" is the whole envelope as ingest runs it: fresh DEK, HKDF, header
 * signature (Ed25519), DEK wrap, padding to the bucket, chunk encryption.
 * "payload" is the part that scales with size: padding and chunk encryption
 * under an existing DEK (sealItemStream minus the per-item key work).
 * "open" is the workstation's side: parse, verify the header signature, check
 * the key commitment, decrypt and strip padding.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { nodePrimitives as p } from '../src/platform/node-primitives.js';
import { inspectItem, openItem, sealItem, unwrapDek } from '../src/core/sealed-item.js';
import { hpkeOpen, hpkeSeal } from '../src/core/hpke.js';
import { mbPerSecond, rate, round } from './measure.js';

const sizes = [1024, 16 * 1024, 1024 * 1024];
const labSigner = await p.ed25519FromSeed(new Uint8Array(32).fill(1));
const kek = { id: 'kek-bench', key: new Uint8Array(32).fill(2) };
const params = { lab: 'bench-lab', dataset: 'bench', batch: 'b1', item: 'item-1', campaign: 'c1', policy: '0'.repeat(64), expires: 4_000_000_000, labSigner, kek };
const now = Math.floor(Date.now() / 1000);

function rawAesGcm(key: Uint8Array, data: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
  const out = cipher.update(data);
  cipher.final();
  cipher.getAuthTag();
  return out;
}

const results: Record<string, unknown>[] = [];
console.log('size      raw AES-GCM MB/s   seal items/s  seal MB/s  ratio   open items/s  open MB/s  ratio');
for (const size of sizes) {
  const data = p.randomBytes(size);
  const key = p.randomBytes(32);
  const seconds = size >= 1 << 20 ? 2 : 1.5;
  const raw = await rate(() => rawAesGcm(key, data), seconds);
  const seal = await rate(() => sealItem(p, params, data), seconds);
  const sealed = await sealItem(p, params, data);
  const dek = await unwrapDek(p, kek, await inspectItem(p, sealed));
  const open = await rate(() => openItem(p, sealed, { labPublicKey: labSigner.publicKey, dek, now }), seconds);
  const rawMb = mbPerSecond(size, raw);
  const sealMb = mbPerSecond(size, seal);
  const openMb = mbPerSecond(size, open);
  const row = {
    size,
    rawAesGcmMBps: round(rawMb),
    sealItemsPerSecond: round(seal.perSecond, 0),
    sealMBps: round(sealMb),
    sealRatioToRaw: round(sealMb / rawMb, 3),
    openItemsPerSecond: round(open.perSecond, 0),
    openMBps: round(openMb),
    openRatioToRaw: round(openMb / rawMb, 3),
  };
  results.push(row);
  console.log(
    `${String(size).padEnd(9)} ${String(row.rawAesGcmMBps).padStart(16)} ${String(row.sealItemsPerSecond).padStart(14)} ${String(row.sealMBps).padStart(10)} ${String(row.sealRatioToRaw).padStart(6)} ${String(row.openItemsPerSecond).padStart(14)} ${String(row.openMBps).padStart(10)} ${String(row.openRatioToRaw).padStart(6)}`,
  );
}

const recipient = (await p.x25519Generate()).key;
const dek = p.randomBytes(32);
const info = new TextEncoder().encode('keyhole/v1 dek-release bench');
const empty = new Uint8Array(0);
const hpkeSeals = await rate(() => hpkeSeal(p, 'AES-256-GCM', recipient.publicKey, info, empty, dek));
const { enc, ciphertext } = await hpkeSeal(p, 'AES-256-GCM', recipient.publicKey, info, empty, dek);
const hpkeOpens = await rate(() => hpkeOpen(p, 'AES-256-GCM', recipient, enc, info, empty, ciphertext));
console.log(`HPKE (X25519, HKDF-SHA256, AES-256-GCM), 32-byte DEK: ${round(hpkeSeals.perSecond, 0)} seals/s, ${round(hpkeOpens.perSecond, 0)} opens/s (one core)`);
console.log(JSON.stringify({ bench: 'seal', sizes: results, hpke: { sealsPerSecond: round(hpkeSeals.perSecond, 0), opensPerSecond: round(hpkeOpens.perSecond, 0) } }));
