/**
 * Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's
 * Alpha-Reliability", §A–§E): agreement among any number of coders, with
 * missing values, for a chosen metric.
 *
 *   α = 1 − D_o / D_e
 *
 * computed from the coincidence matrix o_ck: every ordered pair of values
 * (c, k) that two different coders gave to the same unit adds 1 / (m_u − 1),
 * m_u being the number of values in unit u. Units with fewer than two values
 * are not pairable and drop out. Only the values a unit holds matter, not
 * which coder gave them, so a unit is passed as the list of its values.
 */

export type AlphaMetric = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export interface AlphaResult {
  /** null when the data cannot say: fewer than two pairable values, or every value the same (D_e = 0). */
  readonly alpha: number | null;
  /** n..: pairable values (sum of m_u over units with m_u ≥ 2). */
  readonly pairable: number;
  /** Units with at least two values. */
  readonly units: number;
}

/** The squared difference δ²(c, k) between two values (Krippendorff 2011, §E). */
function differenceFunction(metric: AlphaMetric, values: readonly number[], marginals: readonly number[]): (c: number, k: number) => number {
  if (metric === 'nominal') return (c, k) => (c === k ? 0 : 1);
  if (metric === 'interval') return (c, k) => (values[c]! - values[k]!) ** 2;
  if (metric === 'ratio') return (c, k) => (values[c]! + values[k]! === 0 ? 0 : ((values[c]! - values[k]!) / (values[c]! + values[k]!)) ** 2);
  // Ordinal: the ranks between c and k, counted by how often each value was used.
  const cumulative = [0];
  for (const n of marginals) cumulative.push(cumulative[cumulative.length - 1]! + n);
  return (c, k) => {
    const [lo, hi] = c <= k ? [c, k] : [k, c];
    const between = cumulative[hi + 1]! - cumulative[lo]!;
    return (between - (marginals[lo]! + marginals[hi]!) / 2) ** 2;
  };
}

/**
 * α over `units`, each the values the coders gave it. Nominal data may be any
 * strings or numbers; the other metrics need numbers.
 */
export function krippendorffAlpha(units: ReadonlyArray<ReadonlyArray<number | string>>, metric: AlphaMetric): AlphaResult {
  const pairable = units.filter((u) => u.length >= 2);
  const distinct = [...new Set(pairable.flat())];
  if (metric !== 'nominal' && distinct.some((v) => typeof v !== 'number')) throw new TypeError(`${metric} alpha needs numeric values`);
  distinct.sort((x, y) => (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))));
  const index = new Map(distinct.map((v, i) => [v, i]));
  const v = distinct.length;
  const o = Array.from({ length: v }, () => new Array<number>(v).fill(0));
  for (const unit of pairable) {
    const counts = new Map<number, number>();
    for (const value of unit) counts.set(index.get(value)!, (counts.get(index.get(value)!) ?? 0) + 1);
    const weight = 1 / (unit.length - 1);
    for (const [c, nc] of counts) for (const [k, nk] of counts) o[c]![k]! += (c === k ? nc * (nc - 1) : nc * nk) * weight;
  }
  const marginals = o.map((row) => row.reduce((a, b) => a + b, 0));
  const n = marginals.reduce((a, b) => a + b, 0);
  if (n < 2) return { alpha: null, pairable: n, units: pairable.length };
  const delta = differenceFunction(metric, distinct as number[], marginals);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < v; c++) {
    for (let k = 0; k < v; k++) {
      const d = delta(c, k);
      observed += o[c]![k]! * d;
      expected += marginals[c]! * marginals[k]! * d;
    }
  }
  if (expected === 0) return { alpha: null, pairable: Math.round(n), units: pairable.length };
  return { alpha: 1 - ((n - 1) * observed) / expected, pairable: Math.round(n), units: pairable.length };
}
