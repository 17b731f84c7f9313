/**
 * The drill's dataset: invented preference pairs (TRL conversational format),
 * each carrying a canary phrase that exists nowhere else: five invented
 * lower-case words, unique per record, placed in the prompt and in both
 * responses. Lower case and made of letters only, so that no detector
 * rewrites it and the vendor would see it verbatim if any plaintext reached
 * the hub. Everything here is synthetic; nothing comes from a real dataset.
 */
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

const ONSETS = ['br', 'dr', 'gl', 'k', 'm', 'pl', 'qu', 'sk', 'th', 'v', 'z', 'fr'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
const CODAS = ['nd', 'rk', 'ss', 'lm', 'x', 'th', 'rn', 'mp'];

const TOPICS = [
  ['How should I store winter tyres over the summer?', 'Clean them, keep them out of sunlight, and stack them flat in a cool dry place.', 'Just leave them outside.'],
  ['What is a gentle way to start running again after a break?', 'Alternate one minute of running with two of walking, three times a week, and build up slowly.', 'Run as far as you can every day.'],
  ['Can you explain what a mortgage offset account does?', 'It links your savings to the loan so that interest is charged only on the balance minus your savings.', 'It is a kind of credit card.'],
  ['How do I keep basil alive on a windowsill?', 'Give it at least six hours of light, water when the top of the soil is dry, and pinch off flower buds.', 'Basil does not grow indoors.'],
  ['What should I pack for a two-day hike?', 'Layers, a rain shell, a map, water purification, a first-aid kit and food for an extra day.', 'Only a phone.'],
  ['How do I write a polite reminder to a colleague?', 'Keep it short, restate the request and the date, and offer help if something is blocking them.', 'Tell them they are late again.'],
] as const;

function inventedWord(): string {
  let w = '';
  for (let i = 0; i < 2 + randomInt(2); i++) w += ONSETS[randomInt(ONSETS.length)]! + VOWELS[randomInt(VOWELS.length)]!;
  return w + CODAS[randomInt(CODAS.length)]!;
}

export interface CanaryRecord {
  /** 1-based line in the dataset file. */
  readonly line: number;
  readonly canary: string;
  /** Every text of the record, as the lab holds it before minimization. */
  readonly texts: readonly string[];
}

export interface CanaryDataset {
  readonly path: string;
  readonly records: readonly CanaryRecord[];
}

/** Writes `count` records to `path`; every canary is distinct. */
export async function writeCanaryDataset(path: string, count: number): Promise<CanaryDataset> {
  const records: CanaryRecord[] = [];
  const lines: string[] = [];
  const used = new Set<string>();
  while (records.length < count) {
    const canary = Array.from({ length: 5 }, inventedWord).join(' ');
    if (used.has(canary)) continue;
    used.add(canary);
    const [question, good, bad] = TOPICS[records.length % TOPICS.length]!;
    const prompt = `${question} My notebook calls this the ${canary} problem.`;
    const chosen = `${good} Some people file this under ${canary}, which is fine.`;
    const rejected = `${bad} That is what ${canary} means.`;
    lines.push(JSON.stringify({ prompt: [{ role: 'user', content: prompt }], chosen: [{ role: 'assistant', content: chosen }], rejected: [{ role: 'assistant', content: rejected }] }));
    records.push({ line: records.length + 1, canary, texts: [prompt, chosen, rejected] });
  }
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { path, records };
}
