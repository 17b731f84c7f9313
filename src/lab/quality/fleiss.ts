/**
 * Fleiss' kappa (Fleiss 1971, "Measuring nominal scale agreement among many
 * raters", Psychological Bulletin 76(5)): N subjects, each placed into one of
 * k categories by the same number n of raters (not necessarily the same
 * raters). `counts[i][j]` is how many raters put subject i in category j.
 *
 *   P_i = (Σ_j n_ij² − n) / (n (n − 1)),  P̄ = mean P_i,
 *   p_j = Σ_i n_ij / (N n),  P̄_e = Σ_j p_j²,  κ = (P̄ − P̄_e) / (1 − P̄_e)
 *
 * and the per-category kappa of his equation (9):
 *   κ_j = 1 − Σ_i n_ij (n − n_ij) / (N n (n − 1) p_j q_j).
 */

export interface FleissResult {
  /** null when chance agreement is total (every rating in one category). */
  readonly kappa: number | null;
  readonly observed: number;
  readonly expected: number;
  /** p_j, the share of all ratings in each category. */
  readonly proportions: readonly number[];
  /** κ_j; null for a category nobody used or everybody used. */
  readonly perCategory: ReadonlyArray<number | null>;
  readonly subjects: number;
  readonly raters: number;
}

export function fleissKappa(counts: ReadonlyArray<ReadonlyArray<number>>): FleissResult {
  if (counts.length === 0) throw new RangeError('Fleiss kappa needs at least one subject');
  const n = counts[0]!.reduce((a, b) => a + b, 0);
  const k = counts[0]!.length;
  if (n < 2) throw new RangeError('Fleiss kappa needs at least two ratings per subject');
  for (const [i, row] of counts.entries()) {
    if (row.length !== k) throw new RangeError(`subject ${i + 1} has ${row.length} categories, the first has ${k}`);
    if (row.reduce((a, b) => a + b, 0) !== n) throw new RangeError(`subject ${i + 1} has a different number of ratings than the first (${n}); Fleiss kappa needs the same number per subject`);
  }
  const big = counts.length;
  const observed = counts.reduce((sum, row) => sum + (row.reduce((s, x) => s + x * x, 0) - n) / (n * (n - 1)), 0) / big;
  const proportions = Array.from({ length: k }, (_, j) => counts.reduce((s, row) => s + row[j]!, 0) / (big * n));
  const expected = proportions.reduce((s, p) => s + p * p, 0);
  const perCategory = proportions.map((p, j) => {
    if (p === 0 || p === 1) return null;
    const disagreement = counts.reduce((s, row) => s + row[j]! * (n - row[j]!), 0);
    return 1 - disagreement / (big * n * (n - 1) * p * (1 - p));
  });
  return { kappa: expected === 1 ? null : (observed - expected) / (1 - expected), observed, expected, proportions, perCategory, subjects: big, raters: n };
}
