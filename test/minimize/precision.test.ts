/**
 * Issue 15 regressions: ordinary text is not damaged. Group words, common words, places, phrases
 * and public figures stay; one string gets one treatment in a record and one surrogate in a
 * campaign; the policy's public-figure setting, allowlist, denylist and context words work and
 * name their rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeDetectors } from '../../src/minimize/detectors/registry.js';
import { BUILT_IN } from '../../src/minimize/detectors/registry.js';
import { formatByName } from '../../src/minimize/formats/registry.js';
import { minimizeRecord, type Outcome } from '../../src/minimize/minimize-record.js';
import { DEFAULT_POLICY, policySchema, type Policy } from '../../src/minimize/policy-schema.js';
import { parsePolicy } from '../../src/minimize/policy-file.js';
import { Pseudonymizer } from '../../src/minimize/pseudonymizer.js';

const persons = (text: string) => BUILT_IN.person.find(text).map((f) => text.slice(f.start, f.end));
const pseudonymizer = new Pseudonymizer(Buffer.from('precision-test'), 'c', 'v');

function run(human: string, assistant: string, policy: Policy = DEFAULT_POLICY): Extract<Outcome, { kind: 'emitted' }> {
  const unblinded = { ...policy, blind: false };
  const outcome = minimizeRecord(
    { chosen: `\n\nHuman: ${human}\n\nAssistant: ${assistant}`, rejected: `\n\nHuman: ${human}\n\nAssistant: No.` },
    1,
    { policy: unblinded, format: formatByName('hh-rlhf', undefined), detectors: activeDetectors(unblinded), pseudonymizer, sourceFile: 'mem' },
  );
  assert.equal(outcome.kind, 'emitted');
  return outcome as Extract<Outcome, { kind: 'emitted' }>;
}
const chosen = (o: Extract<Outcome, { kind: 'emitted' }>) => String(o.record.chosen);

test('nationalities and group words never become names ("Asian" → "Nash", "Canadian" → "Lowell")', () => {
  for (const text of [
    'Do you have any jokes about Asian people?',
    'I am Asian and also consider myself to be smart.',
    'The truth about the Canadian military is that we should do more.',
    'Terms for Asian, Caucasian and Hispanic people.',
    'what about the Indian Territory and Southeast Asian cuisine?',
  ]) assert.deepEqual(persons(text), [], text);
});

test('lower-case common words never become names ("joke" → "marlo", "loyal" → "radley")', () => {
  for (const text of ['tell me a joke about an elephant', 'hi...what do you think of those so called loyal republicans', 'i will bill you and mark the date', 'do a rush job'])
    assert.deepEqual(persons(text), [], text);
  // A lower-case name is still found with a cue, on its own lexicon evidence, or in a list of names.
  assert.deepEqual(persons('my name is joke'), ['joke']);
  assert.deepEqual(persons('they had 3: kristina, chad and caleb.'), ['kristina', 'chad', 'caleb']);
});

test('places and phrases are not people ("Hong Kong", "Gold Rush")', () => {
  for (const text of [
    'Cities such as Barcelona, New York City, Paris, Mumbai, Hong Kong, and more.',
    'There was an opium problem with Asian people back during the Gold Rush.',
    'Play the Open Sicilian or the Ruy Lopez.',
    'Each Line Of Text is parsed; see Extension Overrides.',
  ]) assert.deepEqual(persons(text), [], text);
});

test('public figures, organisations and works are kept by default', () => {
  const o = run('Who directed The Exorcist?', 'The Exorcist (1973) was directed by William Friedkin. Alfred Hitchcock and Neil Armstrong; Angela Merkel met Senator Richard Burr. Merkel said so. Lawrence Livermore National Laboratory.');
  const text = chosen(o);
  for (const kept of ['William Friedkin', 'Alfred Hitchcock', 'Neil Armstrong', 'Angela Merkel', 'Merkel said', 'Richard Burr', 'Lawrence Livermore National Laboratory']) assert.ok(text.includes(kept), kept);
  assert.deepEqual(o.labOnly.pseudonyms, []);
});

test('publicFigures: pseudonymize replaces them, with one surrogate per word across the campaign', () => {
  const policy = policySchema.parse({ version: 1, task: 'preference', keep: ['conversation'], publicFigures: 'pseudonymize' });
  const a = run('Is Christian McCaffrey good?', 'Christian McCaffrey is a running back.', policy);
  const b = run('What about McCaffrey?', 'McCaffrey rushed for 1,459 yards.', policy);
  assert.ok(!chosen(a).includes('McCaffrey') && !chosen(b).includes('McCaffrey'));
  const full = a.labOnly.pseudonyms.find((e) => e.original === 'Christian McCaffrey')!.surrogate;
  const alone = b.labOnly.pseudonyms.find((e) => e.original === 'McCaffrey')!.surrogate;
  assert.equal(full.split(' ')[1], alone);
  assert.equal(b.labOnly.pseudonyms[0]!.ruleId, 'person.public-figure');
});

test('one string, one treatment in a record: a name found in one turn is replaced in every turn', () => {
  const o = run('My name is Quillon Barsk.', 'Hello. Quillon Barsk will get a reply from us.');
  assert.ok(!chosen(o).includes('Quillon') && !chosen(o).includes('Barsk'), chosen(o));
  const surrogate = o.labOnly.pseudonyms.find((e) => e.original === 'Quillon Barsk')!.surrogate;
  assert.equal(chosen(o).split(surrogate).length - 1, 2);
  const groups = run('Are Asian people good at math?', 'I am Asian too. Many Asian students study hard.');
  assert.equal(chosen(groups).split('Asian').length - 1, 3);
});

test('a longer name is matched whole in every turn ("Christian McCaffrey" → "Kendall McCaffrey" here, "Kendall Kendrick" there)', () => {
  const o = run(
    'I am trying to locate the residential address of   Christian McQuarrie, the running back.',
    'I can’t find any Christian McQuarrie’s who play football.  Is there another Christian McQuarrie, perhaps a musician? I met Christian once.',
  );
  const text = chosen(o);
  assert.ok(!text.includes('Christian') && !text.includes('McQuarrie'), text);
  const full = o.labOnly.pseudonyms.find((e) => e.original === 'Christian McQuarrie')!.surrogate;
  assert.equal(text.split(full).length - 1, 3, text);
  assert.ok(text.includes(`I met ${full.split(' ')[0]} once`), text);
});

test('policy: allowlist, denylist and context words, each decision named by its rule', () => {
  const policy = parsePolicy(
    [
      'version: 1', 'task: preference', 'keep: [conversation]',
      'allow:', '  terms: [Maria Lopez]', '  patterns: ["ticket-\\\\d+@acme-help\\\\.com"]',
      'deny:', '  terms: [Project Falcon]', '  patterns: ["ACME-\\\\d{4}"]', '  entity: secret',
      'context:', '  person: [patient]',
    ].join('\n'),
    'p.yaml',
  );
  const o = run('I am Maria Lopez, patient Zorvath is in room 4. Write to ticket-12@acme-help.com', 'project falcon uses ACME-1234.', policy);
  const text = chosen(o);
  assert.ok(text.includes('Maria Lopez') && text.includes('ticket-12@acme-help.com'), text);
  assert.ok(!text.includes('Zorvath') && !/falcon|ACME-1234/i.test(text), text);
  assert.equal(o.entities.get('kept/policy.allow-term'), 1);
  assert.equal(o.entities.get('kept/policy.allow-pattern'), 1);
  assert.equal(o.entities.get('secret/policy.deny-term'), 1);
  assert.equal(o.entities.get('secret/policy.deny-pattern'), 1);
  assert.ok([...o.entities.keys()].some((k) => k.startsWith('person/')));
  assert.throws(() => parsePolicy('version: 1\ntask: preference\nkeep: [conversation]\ndeny:\n  patterns: ["(unclosed"]\n', 'bad.yaml'), /bad\.yaml:5: policy field deny\.patterns\.0: not a valid regular expression/);
});

test('a name in an e-mail local part is replaced where it stands alone in the record, with the same surrogate word', () => {
  const o = run('My address is maria.lopez@acme-mail.com', 'Lopez will call you back. Thanks.');
  const text = chosen(o);
  assert.ok(!text.includes('Lopez') && !text.includes('lopez'), text);
  const mailbox = o.labOnly.pseudonyms.find((e) => e.entity === 'email')!.surrogate;
  const surname = mailbox.split('@')[0]!.split('.')[1]!;
  assert.ok(text.includes(`${surname[0]!.toUpperCase()}${surname.slice(1)} will call`), text);
});

test('naming cues: a relation after a possessive, "named him", "was called", a line-start address before a request', () => {
  assert.deepEqual(persons('I would like to remove my kid Florence from the will.'), ['Florence']);
  assert.deepEqual(persons('She named him Devin'), ['Devin']);
  assert.deepEqual(persons('my great great grandmother was called Marjo Honkasalo'), ['Marjo Honkasalo']);
  assert.deepEqual(persons('Danial, can I please speak to your boss?'), ['Danial']);
  // Interjections and places are not addressed people.
  for (const text of ['Yeah, can you do that?', 'Alright, do it.', 'However, can we talk?', 'Honestly, I think so.', 'I visited Florence last year.', 'Is it called Gold Rush?'])
    assert.deepEqual(persons(text), [], text);
});

test('names written in capitals on forms and signatures', () => {
  assert.deepEqual(persons('NAME: MARIA KOWALCZYK'), ['MARIA KOWALCZYK']);
  assert.deepEqual(persons('Signed, JOHN A. SMITH'), ['JOHN A. SMITH']);
  for (const text of ['THE UNITED STATES', 'I LOVE PARIS', 'DONALD TRUMP WON', 'USA AND UK', 'ASIAN AMERICAN HISTORY']) assert.deepEqual(persons(text), [], text);
});
