/**
 * Anthropic hh-rlhf: `{"chosen": transcript, "rejected": transcript}` where a transcript is
 * "\n\nHuman: …\n\nAssistant: …". Turns are split only at "\n\nHuman:" / "\n\nAssistant:", so a stray
 * "Human:" inside a reply stays text. A message's text is everything after the colon (the usual
 * leading space included), which makes the round trip byte-exact; an empty final reply is an empty
 * message; text before the first marker becomes a system message.
 */
import { z } from 'zod';
import { pathTo, TreeBuilder, type Role } from '../conversation.js';
import { refuse } from '../errors.js';
import { isObject, restOf, type RecordFormat } from './record-format.js';
import { parseRecord } from './parse-record.js';

const LABELS = ['chosen', 'rejected'] as const;
const schema = z.looseObject({ chosen: z.string(), rejected: z.string() });
const MARKER = /\n\n(Human|Assistant):/g;

function splitTranscript(transcript: string): Array<{ role: Role; text: string }> {
  const turns: Array<{ role: Role; text: string }> = [];
  const markers = [...transcript.matchAll(MARKER)];
  const preambleEnd = markers[0]?.index ?? transcript.length;
  if (preambleEnd > 0) turns.push({ role: 'system', text: transcript.slice(0, preambleEnd) });
  markers.forEach((m, i) => {
    const start = m.index + m[0].length;
    const end = markers[i + 1]?.index ?? transcript.length;
    turns.push({ role: m[1] === 'Human' ? 'user' : 'assistant', text: transcript.slice(start, end) });
  });
  return turns;
}

const MARKER_OF: Record<Role, string> = { system: '', user: '\n\nHuman:', assistant: '\n\nAssistant:', tool: '' };

export const hhRlhf: RecordFormat = {
  name: 'hh-rlhf',
  looksLike(record) {
    return isObject(record) && typeof record.chosen === 'string' && typeof record.rejected === 'string' && /^\s*Human:|\n\nHuman:/.test(record.chosen);
  },
  read(record) {
    const parsed = parseRecord(schema, record, 'hh-rlhf');
    const tree = new TreeBuilder();
    const branches = LABELS.map((label) => {
      const leafId = tree.addPath(splitTranscript(parsed[label]), true);
      if (leafId === null) refuse('BAD_FORMAT', `not a hh-rlhf record: ${label} is empty`);
      return { label, leafId };
    });
    return { variant: 'transcript', messages: tree.build(), branches, layout: { kind: 'implicit' }, metadata: restOf(parsed, LABELS) };
  },
  write(conversation) {
    const out: Record<string, unknown> = {};
    for (const branch of conversation.branches) {
      out[branch.label] = pathTo(conversation, branch.leafId)
        .map((m) => {
          if (m.role === 'tool') refuse('UNSUPPORTED', 'hh-rlhf has no tool turns');
          return MARKER_OF[m.role] + m.text;
        })
        .join('');
    }
    return { ...out, ...conversation.metadata };
  },
};
