/**
 * Kendall's rank statistics for ranking tasks.
 *
 * - W, the coefficient of concordance (Kendall & Babington Smith 1939): m
 *   raters each rank the same n objects. With R_j the sum of object j's ranks,
 *   S = Σ (R_j − m(n+1)/2)² and W = 12 S / (m² (n³ − n) − m T), where T sums
 *   t³ − t over every group of t tied ranks within a rater (0 without ties).
 * - τ_b between two rankings (Kendall 1945): (concordant − discordant) /
 *   √((n₀ − n₁)(n₀ − n₂)), the n₁, n₂ terms counting pairs tied in one ranking.
 */

/** Ranks 1..n for `scores` (lower score = better rank), ties given the mean of the ranks they span. */
export function midRanks(scores: readonly number[]): number[] {
  const order = scores.map((s, i) => ({ s, i })).sort((a, b) => a.s - b.s);
  const ranks = new Array<number>(scores.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.s === order[start]!.s) end++;
    for (let x = start; x <= end; x++) ranks[order[x]!.i] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

export interface KendallWResult {
  /** null when W is undefined (fewer than two raters or objects). */
  readonly w: number | null;
  readonly raters: number;
  readonly objects: number;
}

/** `ranks[r][j]`: rater r's rank of object j (1 = best; ties as mid-ranks, see `midRanks`). */
export function kendallW(ranks: ReadonlyArray<ReadonlyArray<number>>): KendallWResult {
  const m = ranks.length;
  const n = ranks[0]?.length ?? 0;
  if (m < 2 || n < 2) return { w: null, raters: m, objects: n };
  for (const [r, row] of ranks.entries()) if (row.length !== n) throw new RangeError(`rater ${r + 1} ranked ${row.length} objects, the first ${n}`);
  const mean = (m * (n + 1)) / 2;
  let s = 0;
  for (let j = 0; j < n; j++) s += (ranks.reduce((acc, row) => acc + row[j]!, 0) - mean) ** 2;
  let ties = 0;
  for (const row of ranks) {
    const groups = new Map<number, number>();
    for (const r of row) groups.set(r, (groups.get(r) ?? 0) + 1);
    for (const t of groups.values()) ties += t ** 3 - t;
  }
  const denominator = m * m * (n ** 3 - n) - m * ties;
  return { w: denominator === 0 ? null : (12 * s) / denominator, raters: m, objects: n };
}

/** Kendall's τ_b between paired observations x and y; null when either is constant. */
export function kendallTau(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new RangeError(`tau needs paired observations (${x.length} and ${y.length})`);
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiedX++;
      else if (dy === 0) tiedY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiedX) * (concordant + discordant + tiedY));
  return denominator === 0 ? null : (concordant - discordant) / denominator;
}
