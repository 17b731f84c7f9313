/**
 * Runs the active detectors over one text and applies their actions: pseudonymize (keyed
 * surrogate, recorded in the pseudonym table), redact ("[EMAIL]"), mask (letters and digits to
 * "*"), or a record-level verdict (drop, quarantine). A detector that throws makes the whole
 * record fail: nothing partially scrubbed is ever emitted.
 */
import type { Finding } from './detectors/detector.js';
import type { ActiveDetector } from './detectors/registry.js';
import { MinimizeError } from './errors.js';
import { resolveOverlaps } from './overlaps.js';
import type { Pseudonymizer, PseudonymTable } from './pseudonymizer.js';
import type { Action } from './policy-schema.js';
import type { ReviewSegment } from './review-page.js';

export class DetectorFailure extends MinimizeError {
  constructor(readonly detectorId: string) {
    super('UNSUPPORTED', `detector ${detectorId} failed`);
  }
}

export interface ScrubState {
  readonly pseudonymizer: Pseudonymizer;
  readonly table: PseudonymTable;
  /** Count per "entity/ruleId". */
  readonly entities: Map<string, number>;
  /** Set when a finding's action is drop or quarantine; the first reason wins. */
  verdict: { action: 'drop' | 'quarantine'; ruleId: string } | undefined;
}

export type ActedFinding = Finding & { readonly action: Exclude<Action, 'off'> };

/** Every finding of every detector in `text`, each with its detector's action; overlaps not yet resolved. */
export function detectIn(text: string, detectors: readonly ActiveDetector[]): ActedFinding[] {
  const found: ActedFinding[] = [];
  if (text.length === 0) return found;
  for (const { detector, action } of detectors) {
    let findings: Finding[];
    try {
      findings = detector.find(text);
    } catch {
      throw new DetectorFailure(detector.id);
    }
    for (const f of findings) found.push({ ...f, action });
  }
  return found;
}

export function scrubText(text: string, detectors: readonly ActiveDetector[], state: ScrubState): string {
  return applyFindings(text, detectIn(text, detectors), state);
}

/**
 * Resolves overlaps among `found` and applies each winner's action to `text`. With `segments`,
 * also lists the text as unchanged stretches and replacements, for the review page.
 */
export function applyFindings(text: string, found: readonly ActedFinding[], state: ScrubState, segments?: ReviewSegment[]): string {
  if (found.length === 0) {
    segments?.push({ text });
    return text;
  }
  const resolved = resolveOverlaps(found) as ActedFinding[];
  let out = '';
  let cursor = 0;
  for (const f of resolved) {
    const value = text.slice(f.start, f.end);
    const key = `${f.entity}/${f.ruleId}`;
    state.entities.set(key, (state.entities.get(key) ?? 0) + 1);
    out += text.slice(cursor, f.start);
    if (segments !== undefined && f.start > cursor) segments.push({ text: text.slice(cursor, f.start) });
    const replacedFrom = out.length;
    cursor = f.end;
    switch (f.action) {
      case 'pseudonymize': {
        const surrogate = state.pseudonymizer.surrogate(f, value);
        state.table.add({ entity: f.entity, ruleId: f.ruleId, surrogate, original: value });
        out += surrogate;
        break;
      }
      case 'redact':
        out += `[${f.entity.toUpperCase()}]`;
        break;
      case 'mask':
        out += value.replace(/[\p{L}\p{N}]/gu, '*');
        break;
      case 'drop':
      case 'quarantine':
        state.verdict ??= { action: f.action, ruleId: f.ruleId };
        out += `[${f.entity.toUpperCase()}]`;
        break;
    }
    segments?.push({ original: value, replaced: out.slice(replacedFrom), entity: f.entity, ruleId: f.ruleId, action: f.action });
  }
  if (segments !== undefined && cursor < text.length) segments.push({ text: text.slice(cursor) });
  return out + text.slice(cursor);
}
