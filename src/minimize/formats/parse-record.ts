/** Parses one untrusted record with a zod schema; failures name the field, never the value. */
import type { z } from 'zod';
import { describeIssues, refuse } from '../errors.js';

export function parseRecord<T extends z.ZodType>(schema: T, record: unknown, format: string): z.output<T> {
  const result = schema.safeParse(record);
  if (!result.success) refuse('BAD_FORMAT', `not a ${format} record: ${describeIssues(result.error.issues)}`);
  return result.data;
}
