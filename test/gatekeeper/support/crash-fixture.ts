/** Fixed identities shared by the crash test and its child gatekeeper. */
import { nodePrimitives as p } from '../../../src/platform/node-primitives.js';

export const CRASH = {
  lab: 'crash-lab',
  hub: 'hub-crash',
  campaign: 'camp-crash',
  origin: 'crash.gatekeeper.test/audit',
  passphrase: 'crash test passphrase',
  hubSeed: new Uint8Array(32).fill(81),
  items: 64,
  annotators: 16,
  async device(a: number) {
    const signer = await p.ed25519FromSeed(new Uint8Array(32).fill(a + 1).map((b, i) => (i === 1 ? 200 : b)));
    const kex = await p.x25519FromSecret(new Uint8Array(32).fill(a + 1).map((b, i) => (i === 1 ? 201 : b)));
    return { signer, kex, keys: { signing: signer.publicKey, kex: kex.publicKey } };
  },
};
