/** Small timing helpers shared by the benchmarks: run an operation for a fixed time and report its rate. */
export interface Rate {
  ops: number;
  seconds: number;
  perSecond: number;
}

/** Runs `op` repeatedly for about `seconds` (after a short warm-up) and returns operations per second. */
export async function rate(op: () => Promise<unknown> | unknown, seconds = 1.5): Promise<Rate> {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) await op();
  const start = performance.now();
  const until = start + seconds * 1000;
  let ops = 0;
  while (performance.now() < until) {
    await op();
    ops++;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { ops, seconds: elapsed, perSecond: ops / elapsed };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function mbPerSecond(bytesPerOp: number, r: Rate): number {
  return (bytesPerOp * r.perSecond) / 1e6;
}
