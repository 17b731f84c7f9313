/**
 * Bradley–Terry strengths (Bradley & Terry 1952) from pairwise outcomes, by
 * the minorization–maximization iteration of Hunter (2004, "MM algorithms for
 * generalized Bradley–Terry models", eq. 3):
 *
 *   p_i ← W_i / Σ_{j≠i} n_ij / (p_i + p_j)
 *
 * with W_i the wins of i and n_ij the comparisons between i and j. A tie
 * counts half a win to each side. Strengths are scaled to sum to 1 and also
 * given on the log scale centred at 0. The maximum likelihood estimate exists
 * only when every player beats and loses to the rest of the graph somehow
 * (Hunter's Assumption 1); otherwise it is reported as not identifiable.
 */

export interface Comparison {
  readonly winner: string;
  readonly loser: string;
  /** A tie: half a win each. */
  readonly tie?: boolean;
}

export interface BradleyTerryResult {
  readonly scores: ReadonlyArray<{ readonly name: string; readonly strength: number | null; readonly logStrength: number | null; readonly wins: number; readonly comparisons: number }>;
  readonly iterations: number;
  /** false when some player never wins or never loses, so strengths run off to 0 or ∞. */
  readonly identifiable: boolean;
}

export function bradleyTerry(comparisons: Iterable<Comparison>, options: { maxIterations?: number; tolerance?: number } = {}): BradleyTerryResult {
  const names: string[] = [];
  const index = new Map<string, number>();
  const id = (name: string): number => {
    if (!index.has(name)) {
      index.set(name, names.length);
      names.push(name);
    }
    return index.get(name)!;
  };
  const pairs = new Map<string, number>();
  const wins: number[] = [];
  const losses: number[] = [];
  const played: number[] = [];
  for (const c of comparisons) {
    const w = id(c.winner);
    const l = id(c.loser);
    if (w === l) continue;
    for (const x of [w, l]) {
      wins[x] ??= 0;
      losses[x] ??= 0;
      played[x] = (played[x] ?? 0) + 1;
    }
    const key = w < l ? `${w},${l}` : `${l},${w}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
    wins[w]! += c.tie === true ? 0.5 : 1;
    wins[l]! += c.tie === true ? 0.5 : 0;
    losses[l]! += c.tie === true ? 0.5 : 1;
    losses[w]! += c.tie === true ? 0.5 : 0;
  }
  const n = names.length;
  const identifiable = n >= 2 && names.every((_, i) => wins[i]! > 0 && losses[i]! > 0);
  const edges = [...pairs.entries()].map(([key, count]) => {
    const [i, j] = key.split(',').map(Number) as [number, number];
    return { i, j, count };
  });
  let p = new Array<number>(n).fill(1 / Math.max(n, 1));
  const maxIterations = options.maxIterations ?? 10_000;
  const tolerance = options.tolerance ?? 1e-12;
  let iterations = 0;
  while (identifiable && iterations < maxIterations) {
    iterations++;
    const denominator = new Array<number>(n).fill(0);
    for (const e of edges) {
      const d = e.count / (p[e.i]! + p[e.j]!);
      denominator[e.i]! += d;
      denominator[e.j]! += d;
    }
    const next = p.map((_, i) => wins[i]! / denominator[i]!);
    const total = next.reduce((a, b) => a + b, 0);
    const scaled = next.map((x) => x / total);
    const change = Math.max(...scaled.map((x, i) => Math.abs(x - p[i]!)));
    p = scaled;
    if (change < tolerance) break;
  }
  const logs = p.map((x) => Math.log(x));
  const meanLog = logs.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  return {
    scores: names
      .map((name, i) => ({ name, strength: identifiable ? p[i]! : null, logStrength: identifiable ? logs[i]! - meanLog : null, wins: wins[i]!, comparisons: played[i]! }))
      .sort((a, b) => (b.strength ?? b.wins / b.comparisons) - (a.strength ?? a.wins / a.comparisons) || a.name.localeCompare(b.name)),
    iterations,
    identifiable,
  };
}
