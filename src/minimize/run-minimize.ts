/**
 * The streaming minimize pipeline behind `keyhole minimize` (and the ingest path): input file →
 * lines → JSON → format adapter → policy → output JSONL, with the report, the optional lab-only
 * and quarantine files, and progress. Memory stays constant: one record at a time, and output
 * waits for the file stream to drain.
 */
import { once } from 'node:events';
import { createWriteStream, readFileSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { activeDetectors } from './detectors/registry.js';
import { MinimizeError, refuse } from './errors.js';
import { detectFormat, formatByName } from './formats/registry.js';
import type { RecordFormat } from './formats/record-format.js';
import { readLines } from './line-reader.js';
import { minimizeRecord, type MinimizeContext } from './minimize-record.js';
import type { Policy } from './policy-schema.js';
import { ProgressLine } from './progress.js';
import { Pseudonymizer } from './pseudonymizer.js';
import { addCounts, emptyReport, recordFailure, type MinimizeReport } from './report.js';
import { renderReviewPage, ReviewSample } from './review-page.js';
import { parseJsonText } from '../core/schema.js';
import { DetectorFailure } from './scrub-text.js';

export interface RunOptions {
  readonly input: string;
  readonly format: string;
  readonly policy: Policy;
  /** Where relative paths in the policy (the gitleaks file) resolve. */
  readonly policyDir: string;
  readonly out: string;
  readonly labOnlyOut?: string | undefined;
  readonly quarantineOut?: string | undefined;
  readonly pseudonymSecret: Uint8Array;
  readonly progressStream?: NodeJS.WriteStream | undefined;
  /** Write the review page (plaintext, lab only) for a random sample of `sample` emitted records. */
  readonly review?: { readonly path: string; readonly sample: number } | undefined;
}

class JsonlWriter {
  private readonly stream: WriteStream;
  bytes = 0;
  constructor(path: string) {
    this.stream = createWriteStream(path);
  }
  async write(value: unknown): Promise<void> {
    const line = `${JSON.stringify(value)}\n`;
    this.bytes += Buffer.byteLength(line);
    if (!this.stream.write(line)) await once(this.stream, 'drain');
  }
  async writeRaw(text: string): Promise<void> {
    if (!this.stream.write(`${text}\n`)) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

function inputSize(path: string): number {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) refuse('BAD_FORMAT', `input ${path} is not a file`);
    return stat.size;
  } catch (err) {
    if (err instanceof MinimizeError) throw err;
    return refuse('BAD_FORMAT', `cannot read input ${path}`);
  }
}

export async function runMinimize(options: RunOptions): Promise<MinimizeReport> {
  const { policy } = options;
  const size = inputSize(options.input);
  if (size === 0) refuse('TRUNCATED', `input ${options.input} is empty: nothing to minimize`);
  const gitleaks = policy.gitleaks === undefined ? undefined : resolve(options.policyDir, policy.gitleaks.file);
  const detectors = activeDetectors(policy, gitleaks === undefined ? undefined : { text: readGitleaksFile(gitleaks), fileName: gitleaks });
  const mapping = policy.input.generic;
  let format: RecordFormat | undefined = options.format === 'auto' ? undefined : formatByName(options.format, mapping);
  const pseudonymizer = new Pseudonymizer(options.pseudonymSecret, policy.pseudonyms.campaign, policy.pseudonyms.vendor);
  const report = emptyReport(options.input, policy.task, policy.keep);
  const out = new JsonlWriter(options.out);
  const labOnly = options.labOnlyOut === undefined ? undefined : new JsonlWriter(options.labOnlyOut);
  const quarantine = options.quarantineOut === undefined ? undefined : new JsonlWriter(options.quarantineOut);
  const progress = options.progressStream === undefined ? undefined : new ProgressLine(options.progressStream, size);
  const position = { bytesRead: 0 };
  const sample = options.review === undefined ? undefined : new ReviewSample(options.review.sample);
  try {
    for await (const line of readLines(options.input, policy.limits.maxRecordBytes, position)) {
      report.bytes.in += line.bytes;
      if (line.kind !== 'text') {
        report.records.read++;
        recordFailure(
          report,
          line.kind === 'oversized'
            ? { line: line.line, code: 'BAD_LENGTH', reason: `record is larger than limits.maxRecordBytes (${policy.limits.maxRecordBytes} bytes)` }
            : { line: line.line, code: 'BAD_ENCODING', reason: 'line is not valid UTF-8' },
        );
        continue;
      }
      if (line.text.trim() === '') {
        report.records.blankLines++;
        continue;
      }
      report.records.read++;
      let record: unknown;
      try {
        record = parseJsonText(line.text, `line ${line.line}`);
      } catch {
        recordFailure(report, { line: line.line, code: 'BAD_FORMAT', reason: 'malformed JSON' });
        continue;
      }
      format ??= detectFormat(record, mapping);
      report.format = format.name;
      const context: MinimizeContext = { policy, format, detectors, pseudonymizer, sourceFile: options.input, review: sample?.wants() === true };
      try {
        const outcome = minimizeRecord(record, line.line, context);
        addCounts(report.entities, outcome.entities);
        if (outcome.kind === 'emitted') {
          await out.write(outcome.record);
          if (labOnly !== undefined) await labOnly.write(outcome.labOnly);
          if (outcome.review !== undefined) sample?.add(outcome.review);
          addCounts(report.fields.dropped, Object.entries(outcome.dropped));
          report.truncatedMessages += outcome.truncatedMessages;
          report.records.emitted++;
        } else if (outcome.kind === 'dropped') {
          report.records.dropped++;
          addCounts(report.dropReasons, [[outcome.reason, 1]]);
        } else {
          report.records.quarantined++;
          addCounts(report.quarantineReasons, [[outcome.reason, 1]]);
          if (quarantine !== undefined) await quarantine.writeRaw(line.text);
        }
      } catch (err) {
        // Fail closed: whatever went wrong, this record is not emitted.
        if (err instanceof DetectorFailure) recordFailure(report, { line: line.line, code: 'DETECTOR_FAILED', reason: `detector ${err.detectorId} threw` });
        else if (err instanceof MinimizeError) recordFailure(report, { line: line.line, code: err.code, reason: err.message });
        else recordFailure(report, { line: line.line, code: 'INTERNAL', reason: 'unexpected error while minimizing this record' });
      }
      progress?.update(report.records.read, position.bytesRead);
    }
  } finally {
    progress?.finish();
    await out.close();
    await labOnly?.close();
    await quarantine?.close();
  }
  report.bytes.out = out.bytes;
  if (report.records.read === 0) refuse('TRUNCATED', `input ${options.input} has no records (only blank lines)`);
  if (options.review !== undefined && sample !== undefined) {
    const page = renderReviewPage({ input: options.input, format: report.format, recordsRead: report.records.read, counts: report.entities, records: sample.records() });
    writeFileSync(options.review.path, page, { mode: 0o600 });
  }
  return report;
}

function readGitleaksFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return refuse('BAD_FORMAT', `cannot read gitleaks rules file ${path}`);
  }
}
