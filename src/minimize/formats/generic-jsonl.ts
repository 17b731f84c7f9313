/**
 * Generic JSONL through a field mapping: which top-level string field is the system prompt, which
 * is the user prompt, and which are responses (each becomes a branch named after its field, e.g.
 * an eval's two answers). Every other field is metadata.
 */
import { z } from 'zod';
import { childrenOf, pathTo, TreeBuilder } from '../conversation.js';
import { refuse } from '../errors.js';
import { isObject, restOf, type RecordFormat } from './record-format.js';
import { parseRecord } from './parse-record.js';

export const fieldMappingSchema = z.strictObject({
  system: z.string().min(1).optional(),
  prompt: z.string().min(1),
  responses: z.array(z.string().min(1)).default([]),
});
export type FieldMapping = z.output<typeof fieldMappingSchema>;

export function genericJsonl(mapping: FieldMapping): RecordFormat {
  const mapped = [mapping.prompt, ...mapping.responses, ...(mapping.system === undefined ? [] : [mapping.system])];
  const shape: Record<string, z.ZodType> = {};
  for (const field of mapped) shape[field] = z.string();
  if (mapping.system !== undefined) shape[mapping.system] = z.string().optional();
  const schema = z.looseObject(shape);
  return {
    name: 'generic',
    looksLike(record) {
      return isObject(record) && typeof record[mapping.prompt] === 'string';
    },
    read(record) {
      const parsed = parseRecord(schema, record, 'generic JSONL (with this field mapping)') as Record<string, unknown>;
      const tree = new TreeBuilder();
      const system = mapping.system === undefined ? undefined : parsed[mapping.system];
      const systemId = typeof system === 'string' ? tree.addChild(null, 'system', system) : null;
      const promptEndId = tree.addChild(systemId, 'user', String(parsed[mapping.prompt]));
      const branches = mapping.responses.map((label) => ({ label, leafId: tree.addChild(promptEndId, 'assistant', String(parsed[label])) }));
      return { variant: 'mapped', messages: tree.build(), branches, layout: { kind: 'explicit', promptEndId }, metadata: restOf(parsed, mapped) };
    },
    write(conversation) {
      const out: Record<string, unknown> = {};
      const { layout } = conversation;
      const promptPath = layout.kind === 'explicit' ? pathTo(conversation, layout.promptEndId) : childrenOf(conversation, null);
      for (const m of promptPath) {
        if (m.role === 'system' && mapping.system !== undefined) out[mapping.system] = m.text;
        else if (m.role === 'user') out[mapping.prompt] = m.text;
      }
      if (out[mapping.prompt] === undefined) refuse('UNSUPPORTED', `generic record has no prompt for field ${mapping.prompt}`);
      for (const branch of conversation.branches) {
        const leaf = pathTo(conversation, branch.leafId).at(-1);
        if (leaf !== undefined) out[branch.label] = leaf.text;
      }
      return { ...out, ...conversation.metadata };
    },
  };
}
