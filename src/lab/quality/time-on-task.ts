/**
 * Time on task: the seconds each label says its item was on screen
 * (src/workstation/labels.ts `seconds`), as a distribution the report can
 * print and chart.
 */

export interface TimeDistribution {
  readonly labels: number;
  readonly min: number;
  readonly p10: number;
  readonly p25: number;
  readonly median: number;
  readonly p75: number;
  readonly p90: number;
  readonly max: number;
  readonly mean: number;
  /** Counts per bin; bins are [from, to) seconds, the last one closed. */
  readonly histogram: ReadonlyArray<{ readonly from: number; readonly to: number; readonly count: number }>;
}

/** The q-quantile of sorted values, linear between order statistics (Hyndman & Fan type 7, R's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

export function timeDistribution(seconds: readonly number[], bins = 12): TimeDistribution {
  const s = [...seconds].sort((a, b) => a - b);
  const max = s[s.length - 1] ?? 0;
  const step = NICE_STEPS.find((x) => x * bins >= max + 1) ?? Math.ceil((max + 1) / bins);
  const count = Math.max(1, Math.ceil((max + 1) / step));
  const histogram = Array.from({ length: count }, (_, i) => ({ from: i * step, to: (i + 1) * step, count: 0 }));
  for (const x of s) histogram[Math.min(count - 1, Math.floor(x / step))]!.count++;
  return {
    labels: s.length,
    min: s[0] ?? 0,
    p10: quantile(s, 0.1),
    p25: quantile(s, 0.25),
    median: quantile(s, 0.5),
    p75: quantile(s, 0.75),
    p90: quantile(s, 0.9),
    max,
    mean: s.length === 0 ? 0 : s.reduce((a, b) => a + b, 0) / s.length,
    histogram,
  };
}
