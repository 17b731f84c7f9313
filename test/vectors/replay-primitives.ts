/**
 * A `Primitives` whose randomness is a fixed list of byte strings, so our
 * published vectors (vectors/core/) can be reproduced byte for byte. Fresh
 * X25519 keys come from that list too. Test-only: never use it to seal data.
 */
import type { Primitives } from '../../src/core/primitives.js';
import { toHex } from '../../src/core/bytes.js';

export function replayPrimitives(base: Primitives, random: Uint8Array[]): Primitives & { remaining(): number } {
  const queue = random.slice();
  const take = (length: number): Uint8Array => {
    const next = queue.shift();
    if (!next) throw new Error(`replay: no recorded random value left for a ${length}-byte request`);
    if (next.length !== length) throw new Error(`replay: recorded ${next.length} bytes (${toHex(next)}), ${length} requested`);
    return next;
  };
  return {
    ...base,
    name: `${base.name} (replayed randomness)`,
    randomBytes: take,
    async x25519Generate() {
      const secretKey = take(32);
      return { secretKey, key: await base.x25519FromSecret(secretKey) };
    },
    remaining: () => queue.length,
  };
}

/** Records every random value a `Primitives` hands out, to write them into a vector file. */
export function recordingPrimitives(base: Primitives): Primitives & { recorded: Uint8Array[] } {
  const recorded: Uint8Array[] = [];
  return {
    ...base,
    recorded,
    randomBytes(length) {
      const out = base.randomBytes(length);
      recorded.push(out);
      return out;
    },
    async x25519Generate() {
      const secretKey = base.randomBytes(32);
      recorded.push(secretKey);
      return { secretKey, key: await base.x25519FromSecret(secretKey) };
    },
  };
}
