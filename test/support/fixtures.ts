/** Deterministic test identities built from fixed seeds, so test failures are reproducible. */
import { nodePrimitives } from '../../src/platform/node-primitives.js';
import type { SealParams } from '../../src/core/sealed-item.js';

export const p = nodePrimitives;

export function seed(byte: number): Uint8Array {
  return new Uint8Array(32).fill(byte);
}

export async function labFixture() {
  const labSigner = await p.ed25519FromSeed(seed(1));
  const kek = { id: 'kek-2026-1', key: seed(2) };
  const params: SealParams = {
    lab: 'acme-lab',
    dataset: 'hh-rlhf',
    batch: 'batch-1',
    item: 'item-0001',
    campaign: 'pref-2026-12',
    policy: 'a'.repeat(64),
    expires: 2_000_000_000,
    labSigner,
    kek,
  };
  return { labSigner, kek, params };
}

export const NOW = 1_800_000_000;

export async function deviceFixture(n = 10) {
  const signer = await p.ed25519FromSeed(seed(n));
  const kex = await p.x25519FromSecret(seed(n + 1));
  return { signer, kex, keys: { signing: signer.publicKey, kex: kex.publicKey } };
}
