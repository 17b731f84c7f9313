/**
 * One record through the whole policy: read into the canonical model, remove what the task may
 * not see, blind the A/B order, scrub every message, enforce length limits, write back in the
 * source format. The outcome says whether the record is emitted, dropped, quarantined or failed.
 */
import type { Conversation, Message } from './conversation.js';
import { linkedNameDetector } from './detectors/person-name.js';
import type { ActiveDetector } from './detectors/registry.js';
import type { RecordFormat } from './formats/record-format.js';
import { blind } from './blind.js';
import type { LabOnlySection } from './lab-only.js';
import type { Policy } from './policy-schema.js';
import { PseudonymTable, type Pseudonymizer } from './pseudonymizer.js';
import { scrubText, type ScrubState } from './scrub-text.js';
import { applyKeep } from './structure.js';

export interface MinimizeContext {
  readonly policy: Policy;
  readonly format: RecordFormat;
  readonly detectors: readonly ActiveDetector[];
  readonly pseudonymizer: Pseudonymizer;
  readonly sourceFile: string;
}

export type Outcome =
  | {
      readonly kind: 'emitted';
      readonly record: Record<string, unknown>;
      readonly labOnly: LabOnlySection;
      readonly entities: ReadonlyMap<string, number>;
      readonly dropped: Readonly<Record<string, number>>;
      readonly truncatedMessages: number;
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
  for (const m of blinded.conversation.messages) {
    let text = scrubText(m.text, ctx.detectors, state);
    if (text.length > maxMessageChars) {
      if (onOversizedMessage === 'drop') return { kind: 'dropped', reason: 'limits.maxMessageChars', entities: state.entities };
      text = text.slice(0, maxMessageChars) + TRUNCATION_MARK;
      truncatedMessages++;
    }
    messages.push({ ...m, text });
  }
  const linked = linkedNames(state, ctx.detectors);
  if (linked !== undefined) for (const [i, m] of messages.entries()) messages[i] = { ...m, text: scrubText(m.text, [linked], state) };
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
  };
}

/** A second pass for stand-alone words of names found anywhere in the record, with the person action. */
function linkedNames(state: ScrubState, detectors: readonly ActiveDetector[]): ActiveDetector | undefined {
  const person = detectors.find((d) => d.detector.entity === 'person');
  if (person === undefined) return undefined;
  const names = state.table.list().filter((e) => e.entity === 'person').map((e) => e.original);
  const detector = linkedNameDetector(names);
  return detector === undefined ? undefined : { detector, action: person.action };
}
