/** What every dataset adapter provides: recognise, read into the canonical model, write back. */
import type { Conversation } from '../conversation.js';

export const FORMAT_NAMES = ['hh-rlhf', 'trl-preference', 'openai-chat', 'openai-dpo', 'oasst', 'ultrafeedback', 'generic'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export interface RecordFormat {
  readonly name: FormatName;
  /** True when one parsed JSONL record has this format's shape; `--format auto` asks every adapter. */
  looksLike(record: unknown): boolean;
  /** Throws MinimizeError(BAD_FORMAT) naming the field that does not fit. */
  read(record: unknown): Conversation;
  write(conversation: Conversation): Record<string, unknown>;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits an object into the fields an adapter understands and the rest (kept as metadata). */
export function restOf(record: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!known.includes(key)) rest[key] = value;
  return rest;
}
