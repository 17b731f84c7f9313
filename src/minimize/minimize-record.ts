/**
 * One record through the whole policy: read into the canonical model, remove what the task may
 * not see, blind the A/B order, scrub every message, enforce length limits, write back in the
 * source format. The outcome says whether the record is emitted, dropped, quarantined or failed.
 */
import type { Conversation, Message } from './conversation.js';
import { AMBIGUOUS_GIVEN_NAMES, FIRST_NAMES, SURNAMES } from './detectors/name-lists.js';
import { linkedNameDetector } from './detectors/person-name.js';
import type { ActiveDetector } from './detectors/registry.js';
import type { RecordFormat } from './formats/record-format.js';
import { blind } from './blind.js';
import type { LabOnlySection } from './lab-only.js';
import type { Policy } from './policy-schema.js';
import { allowFilter, type AllowRule } from './policy-lists.js';
import { PseudonymTable, type Pseudonymizer } from './pseudonymizer.js';
import type { ReviewMessage, ReviewRecord, ReviewSegment } from './review-page.js';
import { applyFindings, detectIn, type ActedFinding, type ScrubState } from './scrub-text.js';
import { applyKeep } from './structure.js';

export interface MinimizeContext {
  readonly policy: Policy;
  readonly format: RecordFormat;
  readonly detectors: readonly ActiveDetector[];
  readonly pseudonymizer: Pseudonymizer;
  readonly sourceFile: string;
  /** Build the review page's view of this record (original and replacements side by side). */
  readonly review?: boolean;
}

export type Outcome =
  | {
      readonly kind: 'emitted';
      readonly record: Record<string, unknown>;
      readonly labOnly: LabOnlySection;
      readonly entities: ReadonlyMap<string, number>;
      readonly dropped: Readonly<Record<string, number>>;
      readonly truncatedMessages: number;
      /** Only when the context asked for it. */
      readonly review?: ReviewRecord;
    }
  | { readonly kind: 'dropped' | 'quarantined'; readonly reason: string; readonly entities: ReadonlyMap<string, number> };

const TRUNCATION_MARK = ' [truncated]';

export function minimizeRecord(record: unknown, line: number, ctx: MinimizeContext): Outcome {
  const source = ctx.format.read(record);
  const kept = applyKeep(source, ctx.policy.keep);
  const blinded = ctx.policy.blind ? blind(kept.conversation) : { conversation: kept.conversation, mapping: [] };
  const state: ScrubState = { pseudonymizer: ctx.pseudonymizer, table: new PseudonymTable(), entities: new Map(), verdict: undefined };
  const { maxMessageChars, onOversizedMessage } = ctx.policy.limits;
  let truncatedMessages = 0;
  const messages: Message[] = [];
  const originals = blinded.conversation.messages;
  // Detect everywhere first, then add the record's person names wherever else they stand, so one
  // string gets one treatment in the whole record (issue 15: "Christian McCaffrey" was replaced
  // whole in one turn and only in part in another).
  // The campaign's allowlist overrules every detector, before anything spreads.
  const allowed = allowOf(ctx.policy);
  const keep = (text: string, findings: ActedFinding[]) => (allowed === undefined ? findings : withoutAllowed(text, findings, allowed, state));
  const found = originals.map((m) => keep(m.text, detectIn(m.text, ctx.detectors)));
  const linked = linkedNames(found, originals.map((m) => m.text), ctx.detectors);
  const reviewed: ReviewMessage[] | undefined = ctx.review === true ? [] : undefined;
  for (const [i, m] of originals.entries()) {
    const findings = linked === undefined ? found[i]! : [...found[i]!, ...keep(m.text, detectIn(m.text, [linked]))];
    const segments: ReviewSegment[] | undefined = reviewed === undefined ? undefined : [];
    let text = applyFindings(m.text, findings, state, segments);
    reviewed?.push({ role: m.role, segments: segments!, truncated: text.length > maxMessageChars });
    if (text.length > maxMessageChars) {
      if (onOversizedMessage === 'drop') return { kind: 'dropped', reason: 'limits.maxMessageChars', entities: state.entities };
      text = text.slice(0, maxMessageChars) + TRUNCATION_MARK;
      truncatedMessages++;
    }
    messages.push({ ...m, text });
  }
  if (state.verdict !== undefined) {
    return { kind: state.verdict.action === 'drop' ? 'dropped' : 'quarantined', reason: state.verdict.ruleId, entities: state.entities };
  }
  const minimized: Conversation = { ...blinded.conversation, messages };
  return {
    kind: 'emitted',
    record: ctx.format.write(minimized),
    labOnly: { source: { file: ctx.sourceFile, line }, blind: blinded.mapping, pseudonyms: state.table.list() },
    entities: state.entities,
    dropped: kept.dropped,
    truncatedMessages,
    ...(reviewed === undefined ? {} : { review: { line, messages: reviewed } }),
  };
}

/**
 * The lexicon names in an e-mail address's local part ("maria.kowalczyk@…" → "Maria",
 * "Kowalczyk"): the same person named elsewhere in the record is replaced too.
 */
function namesInMailbox(address: string): string[] {
  const local = address.slice(0, address.lastIndexOf('@')).toLowerCase();
  return local
    .split(/[._+-]|\d+/)
    .filter((t) => t.length >= 3 && ((FIRST_NAMES.has(t) && !AMBIGUOUS_GIVEN_NAMES.has(t)) || SURNAMES.has(t)))
    .map((t) => t[0]!.toUpperCase() + t.slice(1));
}

const ALLOW_FILTERS = new WeakMap<Policy, ReturnType<typeof allowFilter>>();

function allowOf(policy: Policy): ReturnType<typeof allowFilter> {
  if (!ALLOW_FILTERS.has(policy)) ALLOW_FILTERS.set(policy, allowFilter(policy));
  return ALLOW_FILTERS.get(policy);
}

/** Drops the findings the campaign's allowlist keeps, counting each under "kept/<allow rule>". */
function withoutAllowed(text: string, findings: readonly ActedFinding[], allowed: (value: string) => AllowRule | undefined, state: ScrubState): ActedFinding[] {
  return findings.filter((f) => {
    const rule = allowed(text.slice(f.start, f.end));
    if (rule === undefined) return true;
    state.entities.set(`kept/${rule}`, (state.entities.get(`kept/${rule}`) ?? 0) + 1);
    return false;
  });
}

/** A second pass for the person names found anywhere in the record (and their words), with the person action. */
function linkedNames(found: readonly ActedFinding[][], texts: readonly string[], detectors: readonly ActiveDetector[]): ActiveDetector | undefined {
  const person = detectors.find((d) => d.detector.entity === 'person');
  if (person === undefined) return undefined;
  const names = new Set<string>();
  found.forEach((findings, i) => {
    for (const f of findings) {
      if (f.entity === 'person') names.add(texts[i]!.slice(f.start, f.end));
      else if (f.entity === 'email') for (const name of namesInMailbox(texts[i]!.slice(f.start, f.end))) names.add(name);
    }
  });
  const detector = linkedNameDetector([...names]);
  return detector === undefined ? undefined : { detector, action: person.action };
}
