import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Pseudonymizer } from '../../src/minimize/pseudonymizer.js';
import { minimizeRecord } from '../../src/minimize/minimize-record.js';
import { formatByName } from '../../src/minimize/formats/registry.js';
import { activeDetectors } from '../../src/minimize/detectors/registry.js';
import { DEFAULT_POLICY, policySchema } from '../../src/minimize/policy-schema.js';
import type { Finding } from '../../src/minimize/detectors/detector.js';
import type { Detector } from '../../src/minimize/detectors/detector.js';
import { luhnValid } from '../../src/minimize/detectors/payment-card.js';

const key = Buffer.from('test-secret');
const finding = (entity: Finding['entity'], prefixLength = 0): Finding => ({ start: 0, end: 0, entity, ruleId: entity, prefixLength });

test('property: the same value always gets the same surrogate, and a different vendor a different one', () => {
  const a = new Pseudonymizer(key, 'c1', 'vendor-a');
  const a2 = new Pseudonymizer(key, 'c1', 'vendor-a');
  const b = new Pseudonymizer(key, 'c1', 'vendor-b');
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom('phone', 'ip_address', 'us_ssn', 'iban', 'secret', 'street_address') as fc.Arbitrary<Finding['entity']>, (value, entity) => {
      assert.equal(a.surrogate(finding(entity), value), a2.surrogate(finding(entity), value));
    }),
  );
  const differs = ['+1 212 555 1234', '10.1.2.3', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'].filter((v) => a.surrogate(finding('secret'), v) !== b.surrogate(finding('secret'), v));
  assert.ok(differs.length >= 2);
});

test('surrogates come from reserved ranges and secrets keep their provider prefix', () => {
  const p = new Pseudonymizer(key, 'c', 'v');
  assert.match(p.surrogate(finding('phone'), '+44 20 7946 0958'), /^\+1 \d{3}-555-01\d\d$/);
  assert.match(p.surrogate(finding('ip_address'), '106.31.73.20'), /^(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/);
  assert.match(p.surrogate(finding('ip_address'), '6e40:4041::1'), /^2001:db8::/);
  assert.match(p.surrogate(finding('email'), 'maria.lopez@gmail.com'), /@example\.(?:com|org|net)$/);
  assert.match(p.surrogate(finding('us_ssn'), '460-89-9847'), /^000-\d\d-\d{4}$/);
  assert.ok(luhnValid(p.surrogate(finding('payment_card'), '4539 1488 0343 6467')));
  const s = p.surrogate(finding('secret', 4), 'ghp_XIxB7KMNdAr3zqWtQqhE94qglHqOzn1D1stg');
  assert.ok(s.startsWith('ghp_KEYHOLEINERT'));
});

test('a full name, its first name and the email stay linked', () => {
  const p = new Pseudonymizer(key, 'c', 'v');
  const full = p.surrogate(finding('person'), 'Maria Lopez');
  const first = p.surrogate(finding('person'), 'Maria');
  const email = p.surrogate(finding('email'), 'maria.lopez@gmail.com');
  assert.equal(full.split(' ')[0], first);
  assert.equal(email.split('@')[0], full.toLowerCase().replace(' ', '.'));
});

const record = {
  chosen: '\n\nHuman: I am Maria Lopez, my email is maria.lopez@gmail.com\n\nAssistant: Thanks Maria, I will write to maria.lopez@gmail.com',
  rejected: '\n\nHuman: I am Maria Lopez, my email is maria.lopez@gmail.com\n\nAssistant: No.',
};

function context(detectors = activeDetectors(DEFAULT_POLICY), policy = DEFAULT_POLICY) {
  return { policy, format: formatByName('hh-rlhf', undefined), detectors, pseudonymizer: new Pseudonymizer(key, 'c', 'v'), sourceFile: 'mem' };
}

test('a record: same surrogate across turns and both sides of the pair; table reverses it', () => {
  const outcome = minimizeRecord(record, 1, context());
  assert.equal(outcome.kind, 'emitted');
  if (outcome.kind !== 'emitted') return;
  const text = JSON.stringify(outcome.record);
  assert.ok(!text.includes('Maria') && !text.includes('gmail'));
  const email = outcome.labOnly.pseudonyms.find((e) => e.entity === 'email');
  assert.equal(email?.original, 'maria.lopez@gmail.com');
  assert.equal(text.split(email!.surrogate).length - 1, 3);
  assert.equal(outcome.labOnly.blind[0]?.kind, 'branches');
});

test('fail closed: a detector that throws stops the record', () => {
  const broken: Detector = { id: 'broken', entity: 'person', find: () => { throw new Error('boom'); } };
  assert.throws(() => minimizeRecord(record, 7, context([{ detector: broken, action: 'pseudonymize' }])), /detector broken failed/);
});

test('drop, quarantine, redact and mask actions', () => {
  const withAction = (action: string) => {
    const policy = policySchema.parse({ version: 1, task: 'preference', keep: ['conversation'], blind: false, detectors: { email: action } });
    return minimizeRecord(record, 1, context(activeDetectors(policy), policy));
  };
  assert.equal(withAction('drop').kind, 'dropped');
  assert.equal(withAction('quarantine').kind, 'quarantined');
  const redacted = withAction('redact');
  assert.ok(redacted.kind === 'emitted' && JSON.stringify(redacted.record).includes('[EMAIL]'));
  const masked = withAction('mask');
  assert.ok(masked.kind === 'emitted' && JSON.stringify(masked.record).includes('*****.*****@*****.***'));
});
