/**
 * The minimization policy: which task the items are for, which fields of a record that task may
 * see, A/B blinding, length limits, and what each detector does. Validated once with zod; every
 * other module receives the typed `Policy`.
 */
import { z } from 'zod';
import { ENTITY_TYPES } from './detectors/detector.js';
import { fieldMappingSchema } from './formats/generic-jsonl.js';

export const FIELDS = ['conversation', 'system', 'tool', 'reasoning', 'model_name', 'labels', 'metadata'] as const;
export type Field = (typeof FIELDS)[number];

/** Fields each task may show an annotator. Model names, existing labels and metadata: none. */
export const TASK_ALLOWS = {
  preference: ['conversation', 'system', 'tool'],
  ranking: ['conversation', 'system', 'tool'],
  rating: ['conversation', 'system', 'tool'],
  review: ['conversation', 'system', 'tool', 'reasoning'],
} as const satisfies Record<string, readonly Field[]>;
export type TaskType = keyof typeof TASK_ALLOWS;

export const ACTIONS = ['pseudonymize', 'redact', 'mask', 'drop', 'quarantine', 'off'] as const;
export type Action = (typeof ACTIONS)[number];

export const DETECTOR_IDS = ['email', 'phone', 'payment_card', 'iban', 'us_ssn', 'national_id', 'ip_address', 'date_of_birth', 'street_address', 'person', 'credential_url', 'secrets'] as const;
export type DetectorId = (typeof DETECTOR_IDS)[number];

const action = z.enum(ACTIONS);

/** A JavaScript regular expression source, checked when the policy is read. */
const pattern = z.string().min(1).refine((source) => {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

/**
 * Per-campaign lists (issue 15). `allow`: values never replaced, whatever a detector says (terms
 * compare case-insensitively with the whole finding; a pattern must match the whole finding).
 * `deny`: values always replaced, as `entity` with `action`. `context.person`: extra words that
 * make the capitalised words right after them a name ("patient", "applicant").
 */
const allowSchema = z.strictObject({ terms: z.array(z.string().min(1)).default([]), patterns: z.array(pattern).default([]) });
const denySchema = z.strictObject({
  terms: z.array(z.string().min(1)).default([]),
  patterns: z.array(pattern).default([]),
  entity: z.enum(ENTITY_TYPES).default('person'),
  action: z.enum(['pseudonymize', 'redact', 'mask', 'drop', 'quarantine']).default('redact'),
});
const contextSchema = z.strictObject({ person: z.array(z.string().regex(/^[\p{L}'’-]+$/u, 'one word')).default([]) });

export const policySchema = z
  .strictObject({
    version: z.literal(1),
    task: z.enum(Object.keys(TASK_ALLOWS) as [TaskType, ...TaskType[]]),
    keep: z.array(z.enum(FIELDS)).min(1),
    blind: z.boolean().default(true),
    limits: z
      .strictObject({
        maxMessageChars: z.number().int().positive().default(20_000),
        onOversizedMessage: z.enum(['truncate', 'drop']).default('truncate'),
        maxRecordBytes: z.number().int().positive().max(64 * 1024 * 1024).default(4 * 1024 * 1024),
      })
      .default({ maxMessageChars: 20_000, onOversizedMessage: 'truncate', maxRecordBytes: 4 * 1024 * 1024 }),
    detectors: z.strictObject(Object.fromEntries(DETECTOR_IDS.map((id) => [id, action.optional()])) as Record<DetectorId, z.ZodOptional<typeof action>>).default({}),
    gitleaks: z.strictObject({ file: z.string().min(1), action }).optional(),
    pseudonyms: z.strictObject({ campaign: z.string().min(1), vendor: z.string().min(1) }).default({ campaign: 'default', vendor: 'default' }),
    input: z.strictObject({ generic: fieldMappingSchema.optional() }).default({}),
    /** Public figures, fictional characters: kept in clear (default) or pseudonymized like anyone. */
    publicFigures: z.enum(['keep', 'pseudonymize']).default('keep'),
    allow: allowSchema.default({ terms: [], patterns: [] }),
    deny: denySchema.default({ terms: [], patterns: [], entity: 'person', action: 'redact' }),
    context: contextSchema.default({ person: [] }),
  })
  .superRefine((policy, ctx) => {
    const allowed: readonly Field[] = TASK_ALLOWS[policy.task];
    policy.keep.forEach((field, i) => {
      if (!allowed.includes(field)) ctx.addIssue({ code: 'custom', path: ['keep', i], message: `task "${policy.task}" may not keep "${field}" (allowed: ${allowed.join(', ')})` });
    });
    if (!policy.keep.includes('conversation')) ctx.addIssue({ code: 'custom', path: ['keep'], message: 'keep must include "conversation"' });
  });

export type Policy = z.output<typeof policySchema>;

export const DEFAULT_ACTIONS: Record<DetectorId, Action> = {
  email: 'pseudonymize',
  phone: 'pseudonymize',
  payment_card: 'pseudonymize',
  iban: 'pseudonymize',
  us_ssn: 'pseudonymize',
  national_id: 'pseudonymize',
  ip_address: 'pseudonymize',
  date_of_birth: 'pseudonymize',
  street_address: 'pseudonymize',
  person: 'pseudonymize',
  credential_url: 'pseudonymize',
  secrets: 'pseudonymize',
};

/** The built-in policy: preference task, conversation only, blinded, every detector pseudonymizing. */
export const DEFAULT_POLICY: Policy = policySchema.parse({ version: 1, task: 'preference', keep: ['conversation'] });
