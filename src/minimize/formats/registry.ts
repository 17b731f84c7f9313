/** Picks the adapter for `--format NAME` or detects one from the first record (`--format auto`). */
import { refuse } from '../errors.js';
import { genericJsonl, type FieldMapping } from './generic-jsonl.js';
import { hhRlhf } from './hh-rlhf.js';
import { oasst } from './oasst.js';
import { openaiChat, openaiDpo } from './openai.js';
import { FORMAT_NAMES, type RecordFormat } from './record-format.js';
import { trlPreference } from './trl-preference.js';
import { ultrafeedback } from './ultrafeedback.js';

/** Detection order matters: hh-rlhf is a special case of TRL's implicit standard shape. */
const DETECTABLE: readonly RecordFormat[] = [hhRlhf, openaiDpo, oasst, ultrafeedback, trlPreference, openaiChat];

export function formatByName(name: string, mapping: FieldMapping | undefined): RecordFormat {
  if (name === 'generic') {
    if (mapping === undefined) refuse('BAD_FORMAT', 'format "generic" needs a field mapping (input.generic in the policy file)');
    return genericJsonl(mapping);
  }
  const found = DETECTABLE.find((f) => f.name === name);
  if (found === undefined) refuse('UNSUPPORTED', `unknown format "${name}"; known formats: auto, ${FORMAT_NAMES.join(', ')}`);
  return found;
}

export function detectFormat(record: unknown, mapping: FieldMapping | undefined): RecordFormat {
  const found = DETECTABLE.find((f) => f.looksLike(record));
  if (found !== undefined) return found;
  if (mapping !== undefined) return genericJsonl(mapping);
  return refuse('UNSUPPORTED', `could not detect the format from the first record; pass --format (one of ${FORMAT_NAMES.join(', ')})`);
}
