/**
 * The label plaintext: what an annotator answered, as UTF-8 JSON, sealed to
 * the campaign's result key (docs/SPEC.md §6). One closed schema per task
 * type; the lab decodes it with `parseLabel`. docs/WORKSTATION.md documents
 * every field.
 *
 * Responses are named by their `key` in the item (item-content.ts): the
 * branch label for branched items, else the message id. Those names are
 * blinded positions; the lab un-blinds them with the item's lab-only section.
 */
import { z } from 'zod';
import { utf8 } from './bytes.js';
import { VersionOne, parseJsonText, parseWith } from './schema.js';
import { MAX_LABEL_BYTES } from './label.js';

const ResponseKey = z.string().min(1).max(256);
const FreeText = (max: number) => z.string().max(max);

/** Seconds the item was on screen before submit (time on task), rounded. */
const Seconds = z.number().int().min(0).max(7 * 86_400);

// docs/SPEC.md §1.2: another integer `v` is UNKNOWN_VERSION.
const common = { v: VersionOne, seconds: Seconds };

/**
 * `strength` is one signed scale: −3 A much better … 0 tie … +3 B much better.
 * `choice` says the same in words and must agree with the sign.
 */
export const PairwiseLabel = z
  .object({
    ...common,
    task: z.literal('pairwise'),
    a: ResponseKey,
    b: ResponseKey,
    choice: z.enum(['A', 'B', 'tie']),
    strength: z.number().int().min(-3).max(3),
    rationale: FreeText(8000),
  })
  .strict()
  .refine((l) => (l.choice === 'tie') === (l.strength === 0) && (l.choice !== 'A' || l.strength < 0) && (l.choice !== 'B' || l.strength > 0), {
    message: 'choice and strength disagree (A is negative, B positive, tie zero)',
    path: ['strength'],
  });

export const RankingLabel = z.discriminatedUnion('rankable', [
  z.object({ ...common, task: z.literal('ranking'), rankable: z.literal(true), order: z.array(ResponseKey).min(2).max(64), rationale: FreeText(8000) }).strict(),
  z.object({ ...common, task: z.literal('ranking'), rankable: z.literal(false), reason: FreeText(2000).min(1) }).strict(),
]);

export const RUBRIC_ASPECTS = ['helpfulness', 'honesty', 'harmlessness', 'instructionFollowing'] as const;
export type RubricAspect = (typeof RUBRIC_ASPECTS)[number];
const Rating = z.number().int().min(1).max(5);

export const RubricLabel = z
  .object({
    ...common,
    task: z.literal('rubric'),
    response: ResponseKey,
    ratings: z.object({ helpfulness: Rating, honesty: Rating, harmlessness: Rating, instructionFollowing: Rating }).strict(),
    comment: FreeText(8000),
  })
  .strict();

export const SftRewriteLabel = z
  .object({ ...common, task: z.literal('sft-rewrite'), response: ResponseKey, rewrite: z.string().min(1).max(32_000) })
  .strict();

export const SAFETY_FLAGS = [
  'violence',
  'self-harm',
  'sexual',
  'minors',
  'hate',
  'harassment',
  'weapons',
  'cyber',
  'privacy',
  'illegal',
] as const;
export const SAFETY_OUTCOMES = ['refused', 'partial', 'complied', 'not-applicable'] as const;
export const SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'] as const;

export const SafetyFlagsLabel = z
  .object({
    ...common,
    task: z.literal('safety-flags'),
    flags: z.array(z.enum(SAFETY_FLAGS)).max(SAFETY_FLAGS.length).refine((f) => new Set(f).size === f.length, 'flags repeat'),
    outcome: z.enum(SAFETY_OUTCOMES),
    severity: z.enum(SEVERITIES),
    notes: FreeText(8000),
  })
  .strict()
  .refine((l) => (l.flags.length === 0) === (l.severity === 'none'), { message: 'severity is none exactly when nothing is flagged', path: ['severity'] });

export const LabelPlaintext = z.union([PairwiseLabel, RankingLabel, RubricLabel, SftRewriteLabel, SafetyFlagsLabel]);
export type LabelPlaintext = z.infer<typeof LabelPlaintext>;
export type PairwiseLabel = z.infer<typeof PairwiseLabel>;
export type RankingLabel = z.infer<typeof RankingLabel>;
export type RubricLabel = z.infer<typeof RubricLabel>;
export type SftRewriteLabel = z.infer<typeof SftRewriteLabel>;
export type SafetyFlagsLabel = z.infer<typeof SafetyFlagsLabel>;

/** Checks a label against its schema and the limit, and returns its bytes for sealing. */
export function encodeLabel(label: LabelPlaintext): Uint8Array {
  const checked = parseWith(LabelPlaintext, label, 'label');
  const bytes = utf8(JSON.stringify(checked));
  if (bytes.length > MAX_LABEL_BYTES) throw new RangeError(`label is ${bytes.length} bytes, over the ${MAX_LABEL_BYTES}-byte limit`);
  return bytes;
}

/** The lab's side: the opened label plaintext as a typed value, or a KeyholeError naming the field. */
export function parseLabel(text: string): LabelPlaintext {
  return parseWith(LabelPlaintext, parseJsonText(text, 'label'), 'label');
}
