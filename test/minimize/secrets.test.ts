/**
 * Issue 15 secrets: a known provider prefix with a wrong length is still a secret (the demo's
 * `ghp_` token one character short stayed in clear); long generated values in config, query
 * strings and headers are secrets whatever their name; look-alikes (commit ids, UUIDs, lockfile
 * hashes, documented example keys) stay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BUILT_IN } from '../../src/minimize/detectors/registry.js';
import { resolveOverlaps } from '../../src/minimize/overlaps.js';

const secrets = (text: string) => resolveOverlaps(BUILT_IN.secrets.find(text)).map((f) => text.slice(f.start, f.end));

test("the demo's ghp_ token one character short is still a GitHub token", () => {
  const demo = readFileSync(new URL('../../demo/data/conversations.jsonl', import.meta.url), 'utf8');
  const token = /ghp_[A-Za-z0-9]+/.exec(demo)![0];
  assert.equal(token.length, 4 + 35);
  assert.deepEqual(secrets(`export GH_PAT=${token}`).length > 0, true);
  assert.deepEqual(secrets(`my token is ${token} ok`), [token]);
  const finding = BUILT_IN.secrets.find(`use ${token}`)[0]!;
  assert.equal(finding.ruleId, 'secret.github-token-near-miss');
  assert.equal(finding.prefixLength, 4);
});

test('other provider prefixes with a wrong length are secrets too', () => {
  for (const token of ['AKIA2E0A8F3B244C998', 'sk-ant-api03-Zq8sLmQ2zXv7Bn1Wc5Ty3Hu6', 'glpat-Zq8sLmQ2zXv7Bn1', 'hf_Zq8sLmQ2zXv7Bn1Wc5Ty3Hu', 'xoxb-1234567-Zq8sLmQ2zX', 'AIzaZq8sLmQ2zXv7Bn1Wc5Ty3Hu6'])
    assert.deepEqual(secrets(`value ${token} here`), [token], token);
});

test('generated values in config, query strings and headers are secrets whatever their name', () => {
  const okta = '004EWTpRQT_HJtG_nL-agxacgzYHjxPcF99kJsFzWg';
  assert.deepEqual(secrets(`variable "corp" {\n  default = "${okta}"\n}`), [okta]);
  assert.deepEqual(secrets('https://x.io/cb?access_token=Zq8sLmQ2zXv7Bn1Wc5Ty3&user=bob'), ['Zq8sLmQ2zXv7Bn1Wc5Ty3']);
  assert.deepEqual(secrets('ado_pat = "iyfmob6xjrfmit67anxbot64umfx2clwx7dz5ynxi4q2z3uqegvq"'), ['iyfmob6xjrfmit67anxbot64umfx2clwx7dz5ynxi4q2z3uqegvq']);
  assert.deepEqual(secrets('<add key="Conn" value="Server=db;User ID=u;Password=#gets0m3;Trusted_Connection=False" />'), ['#gets0m3']);
});

test('look-alikes stay: commit ids, UUIDs, lockfile hashes, documented example keys', () => {
  for (const text of [
    'commit 3b335d612137949d2f21fcc6c8c8164db7603227',
    'id: "550e8400-e29b-41d4-a716-446655440000"',
    '"integrity": "sha512-Ke6vC1DUXoUM3Z0XwJhOHlXoA7ZPJcvKfVYrHGxH7VEt0aQrC8SNKVC+mQE1a4/6c7m1H6NlvjDnWz1W5lRPVg=="',
    'resolved "https://registry.yarnpkg.com/x/-/x-1.0.0.tgz#5f3c2aBcD91e0f7a8b6c5d4e3f2a1b0c9d8e7f6a"',
    'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'see https://github.com/org/repo/blob/3b335d612137949d2f21fcc6c8c8164db7603227/src/AbcDefGhiJklMnoPqr1234.ts',
    'sk-learn-is-a-package-name-not-a-key',
  ]) assert.deepEqual(secrets(text), [], text);
});

test('passwords passed by position to credential APIs, and .netrc lines', () => {
  assert.deepEqual(secrets('requests.get(url, auth=("bob", "Rrhh1234x"))'), ['Rrhh1234x']);
  assert.deepEqual(secrets('new DirectoryEntry("LDAP://corp.local",\n  "ADMN@corp.local",\n  "Rrhh1234");'), ['Rrhh1234']);
  assert.deepEqual(secrets('server.login("me@x.com", "hunter2!")'), ['hunter2!']);
  assert.deepEqual(secrets('machine api.example.com login bob password s3cr3tPW'), ['s3cr3tPW']);
  assert.deepEqual(secrets('auth=("user", "password") and login("name", "$PASSWORD")'), []);
});
