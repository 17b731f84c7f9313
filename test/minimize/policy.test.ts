import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../src/minimize/policy-file.js';
import { DEFAULT_POLICY } from '../../src/minimize/policy-schema.js';
import { translateRe2, gitleaksDetector } from '../../src/minimize/detectors/gitleaks-rules.js';

test('a valid YAML policy parses with defaults filled in', () => {
  const policy = parsePolicy('version: 1\ntask: review\nkeep: [conversation, reasoning]\ndetectors:\n  person: redact\n', 'p.yaml');
  assert.equal(policy.task, 'review');
  assert.equal(policy.detectors.person, 'redact');
  assert.equal(policy.blind, true);
  assert.equal(DEFAULT_POLICY.task, 'preference');
});

test('JSON policies work too and errors name the line', () => {
  const text = '{\n  "version": 1,\n  "task": "preference",\n  "keep": ["conversation"],\n  "detectors": {\n    "email": "obliterate"\n  }\n}\n';
  assert.throws(() => parsePolicy(text, 'p.json'), /p\.json:6: policy field detectors\.email/);
});

test('an unknown field is refused with its file, line and name', () => {
  assert.throws(() => parsePolicy('version: 1\ntask: preference\nkeep: [conversation]\nblnid: true\n', 'p.yaml'), /p\.yaml:\d: .*unknown field blnid/);
});

test('keeping a field the task does not allow is refused on that line', () => {
  const text = 'version: 1\ntask: preference\nkeep:\n  - conversation\n  - model_name\n';
  assert.throws(() => parsePolicy(text, 'p.yaml'), /p\.yaml:5: policy field keep\.1: task "preference" may not keep "model_name"/);
});

test('invalid YAML names the line', () => {
  assert.throws(() => parsePolicy('version: 1\ntask: [preference\n', 'bad.yaml'), /bad\.yaml:\d+: not valid YAML/);
});

test('gitleaks: RE2 syntax is translated, and untranslatable rules are refused by id', () => {
  assert.deepEqual(translateRe2('r1', '(?i)key_(?P<secret>[a-z0-9]{8})\\z'), { source: 'key_(?<secret>[a-z0-9]{8})$', flags: 'gid' });
  assert.equal(translateRe2('r2', '[[:alpha:]]+').source, '[A-Za-z]+');
  assert.throws(() => translateRe2('ungreedy', '(?U)a+'), /gitleaks rule "ungreedy"/);
  assert.throws(() => translateRe2('mid-flag', 'abc(?i)def'), /gitleaks rule "mid-flag"/);
  assert.throws(() => translateRe2('quoted', '\\Qa.b\\E'), /gitleaks rule "quoted"/);
  const detector = gitleaksDetector(
    '[[rules]]\nid = "acme-key"\nregex = \'\'\'(?i)acme_key\\s*=\\s*"(?P<secret>[a-z0-9]{12})"\'\'\'\nsecretGroup = 1\nkeywords = ["acme_key"]\n',
    'rules.toml',
  );
  const text = 'ACME_KEY = "abc123def456"';
  const [f] = detector.find(text);
  assert.equal(f === undefined ? '' : text.slice(f.start, f.end), 'abc123def456');
  assert.equal(f?.ruleId, 'gitleaks.acme-key');
  assert.deepEqual(detector.find('nothing here'), []);
});
