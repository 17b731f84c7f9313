/**
 * The minimization report: counts, field classes kept and dropped, entities by type and rule,
 * failures by line with a reason. It names types, rules, fields and line numbers, never values.
 */
export interface RecordFailure {
  readonly line: number;
  readonly code: string;
  readonly reason: string;
}

export interface MinimizeReport {
  input: string;
  format: string;
  task: string;
  records: { read: number; emitted: number; dropped: number; quarantined: number; failed: number; blankLines: number };
  /** The first failures in file order (the count above is complete). */
  failures: RecordFailure[];
  dropReasons: Record<string, number>;
  quarantineReasons: Record<string, number>;
  fields: { kept: string[]; dropped: Record<string, number> };
  entities: Record<string, number>;
  truncatedMessages: number;
  bytes: { in: number; out: number };
}

export const MAX_LISTED_FAILURES = 1000;

export function emptyReport(input: string, task: string, kept: readonly string[]): MinimizeReport {
  return {
    input,
    format: 'unknown',
    task,
    records: { read: 0, emitted: 0, dropped: 0, quarantined: 0, failed: 0, blankLines: 0 },
    failures: [],
    dropReasons: {},
    quarantineReasons: {},
    fields: { kept: [...kept], dropped: {} },
    entities: {},
    truncatedMessages: 0,
    bytes: { in: 0, out: 0 },
  };
}

export function addCounts(into: Record<string, number>, from: Iterable<[string, number]>): void {
  for (const [key, n] of from) into[key] = (into[key] ?? 0) + n;
}

export function recordFailure(report: MinimizeReport, failure: RecordFailure): void {
  report.records.failed++;
  if (report.failures.length < MAX_LISTED_FAILURES) report.failures.push(failure);
}
