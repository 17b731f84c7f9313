/**
 * The expected verdict for a C2SP CCTV Ed25519 vector under the rules of Go's
 * crypto/ed25519 and OpenSSL (CCTV ed25519/README.md, "Ecosystem behaviors"):
 * reject non-canonical R and signatures that verify only with the cofactored
 * equation; accept everything else.
 */
export interface Ed25519Vector {
  number: number;
  key: string;
  sig: string;
  msg: string;
  flags: string[] | null;
}

export function ed25519Expected(v: Ed25519Vector): boolean {
  const flags = v.flags ?? [];
  return !flags.includes('non_canonical_R') && !flags.includes('low_order_residue');
}
