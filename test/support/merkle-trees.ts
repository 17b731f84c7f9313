/** Small in-memory Merkle trees for tests: leaves, a NodeSource over them, and a bit flip for tampering. */
import { utf8 } from '../../src/core/bytes.js';
import { leafHash, rootFromLeafHashes, type Hash, type NodeSource } from '../../src/core/merkle.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';

export function memorySource(leaves: Hash[]): NodeSource {
  return {
    async node(level, index) {
      const width = 2 ** level;
      return rootFromLeafHashes(p, leaves.slice(index * width, (index + 1) * width));
    },
  };
}

export async function leavesOf(n: number): Promise<Hash[]> {
  const out: Hash[] = [];
  for (let i = 0; i < n; i++) out.push(await leafHash(p, utf8(`leaf ${i}`)));
  return out;
}

export const flipBit = (h: Uint8Array, bit: number): Uint8Array => {
  const c = Uint8Array.from(h);
  c[Math.floor(bit / 8) % c.length]! ^= 1 << (bit % 8);
  return c;
};
