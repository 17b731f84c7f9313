/**
 * The Node SDK client through the real hub and gatekeeper on loopback: the
 * lab decrypts exactly what the simulated annotator chose; a forged or
 * missing log proof stops the loop before anything opens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodePrimitives } from '../../src/platform/node-primitives.js';
import { buildWorkstation } from '../../src/workstation/build.js';
import { WorkstationError } from '../../src/workstation/errors.js';
import { SdkAnnotator } from '../../src/workstation/sdk/annotator.js';
import { pairwiseItem } from './support/items.js';
import { startStack, type Stack } from './support/stack.js';

test('Node SDK: the whole loop against the real hub and gatekeeper', { timeout: 120_000 }, async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'keyhole-ws-bundle-'));
  const built = await buildWorkstation(out);
  const stack: Stack = await startStack(built.dir);
  t.after(async () => {
    await stack.close();
    await rm(out, { recursive: true, force: true });
  });
  await stack.campaign('pairs', 'pairwise', [pairwiseItem('Q1', 'a1', 'b1'), pairwiseItem('Q2', 'a2', 'b2'), pairwiseItem('Q3', 'a3', 'b3')]);
  const login = await stack.annotator('Ann-1');
  const annotator = await SdkAnnotator.signIn({ hub: stack.hubUrl, gatekeeper: stack.gatekeeperUrl, ...login, primitives: nodePrimitives });

  await t.test('a device not yet approved is told so', async () => {
    const [campaign] = await annotator.campaigns();
    const result = await annotator.work(campaign!, () => assert.fail('nothing may open'));
    assert.ok(result.stopped instanceof WorkstationError && result.stopped.kind === 'device-pending', String(result.stopped));
  });

  assert.equal(await stack.approve('Ann-1'), 1);

  await t.test('a forged proof and a missing proof: the grant is not opened', async () => {
    const [campaign] = await annotator.campaigns();
    for (const tamper of ['forge-proof', 'drop-proof'] as const) {
      stack.tamper = tamper;
      const result = await annotator.work(campaign!, () => assert.fail('nothing may open'));
      assert.ok(result.stopped instanceof WorkstationError && result.stopped.kind === 'proof-invalid', `${tamper}: ${String(result.stopped)}`);
    }
    stack.tamper = 'none';
  });

  await t.test('labels reach the lab exactly as chosen', async () => {
    const [campaign] = await annotator.campaigns();
    const result = await annotator.work(campaign!, (view, { item }) => {
      assert.equal(view.task, 'pairwise');
      if (view.task !== 'pairwise') throw new Error('not pairwise');
      return { v: 1, task: 'pairwise', seconds: 3, a: view.a.key, b: view.b.key, choice: 'B', strength: 2, rationale: `rationale for ${item} (${view.prompt[0]!.text})` };
    });
    assert.equal(result.stopped, 'queue-empty');
    assert.equal(result.submitted, 3);
    const labels = await stack.labels('pairs');
    assert.equal(labels.length, 3);
    for (const { item, label } of labels) {
      assert.ok(label.task === 'pairwise' && label.choice === 'B' && label.strength === 2 && label.a === 'chosen' && label.b === 'rejected');
      assert.match(label.rationale, new RegExp(`^rationale for ${item} \\(Q\\d\\)$`));
    }
  });
});
