/**
 * Complete exports: every label and annotator behind each record, the
 * aggregate with its margin, ties by flag, gold and review status; an `hf`
 * folder read back by an independent reader (Python's json and yaml); a
 * failed export leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../src/core/bytes.js';
import { openLabSection as openSection, sealLabSection } from '../../src/core/lab-section.js';
import { exportResults, leftOutPath, sidecarPath, type LeftOutItem, type PairAggregate, type Sidecar } from '../../src/lab/export.js';
import { CampaignStore, type AcceptedLabel, type LedgerItem } from '../../src/lab/lab-store.js';
import { nodePrimitives as p } from '../../src/platform/node-primitives.js';
import { needs } from '../support/environment.js';
import { pairItem, pairLabel, rankingItem, rankLabel } from './support/labels.js';

const dirs: string[] = [];
test.after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'keyhole-export-'));
  dirs.push(d);
  return d;
}

async function storeWith(items: LedgerItem[], accepted: AcceptedLabel[]): Promise<{ dir: string; store: CampaignStore }> {
  const dir = await tmp();
  const store = new CampaignStore(join(dir, 'lab'), 'camp-x');
  await store.writeLedger({ v: 1, campaign: 'camp-x', dataset: '/d.jsonl', datasetSha256: '00', items });
  await store.writeResults({ v: 1, cursor: accepted.length, accepted, refused: [] });
  return { dir, store };
}

const key = await p.x25519Generate();

/** i0 decided 2:1 (one annotator revised), i1 split 1:1, i2 one tie, i3 unlabelled, i4 split then reviewed. */
function pairCampaign(): { items: LedgerItem[]; accepted: AcceptedLabel[] } {
  const items = [0, 1, 2, 3, 4].map((i) => pairItem(`i${i}`, i + 1, { prompt: `Question ${i} from Zed Example?`, chosen: `Answer one ${i}`, rejected: `Answer two ${i}` }));
  const accepted = [
    pairLabel('i0', 'v:ann-1', -2, { rationale: 'first is right', seconds: 31 }),
    pairLabel('i0', 'v:ann-2', 3, { submitted: 100, seconds: 5 }),
    pairLabel('i0', 'v:ann-2', -3, { submitted: 200, rationale: 'changed my mind', seconds: 9 }),
    pairLabel('i0', 'v:ann-3', 1, { seconds: 40 }),
    pairLabel('i1', 'v:ann-1', -1),
    pairLabel('i1', 'v:ann-3', 2),
    pairLabel('i2', 'v:ann-1', 0),
    pairLabel('i4', 'v:ann-1', -1),
    pairLabel('i4', 'v:ann-2', 1),
    pairLabel('i4', 'v:reviewer', 2, { stage: 'review', rationale: 'B cites the source' }),
  ];
  return { items, accepted };
}

async function exportTo(store: CampaignStore, format: string, out: string, extra: Partial<Parameters<typeof exportResults>[0]> = {}): Promise<Sidecar> {
  // The lab-section key stays with the test, as it stays in the gatekeeper: export only gets an opener.
  const openLabSection = async (digest: string, section: string): Promise<string> => fromUtf8(await openSection(p, key.key, fromBase64Url(digest), fromBase64Url(section)), 'lab section');
  return exportResults({ store, format, out, reidentify: false, openLabSection, ...extra });
}

test('TRL export: the aggregate with its margin, every label behind it, ties dropped or included, gold and review', async () => {
  const { items, accepted } = pairCampaign();
  const { dir, store } = await storeWith(items, accepted);
  const out = join(dir, 'trl.jsonl');
  const sidecar = await exportTo(store, 'trl', out, { gold: new Set(['i0']) });
  const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(JSON.parse(await readFile(sidecarPath(out), 'utf8')), JSON.parse(JSON.stringify(sidecar)), 'the streamed sidecar is the returned one');
  assert.deepEqual(sidecar.records.map((r) => r.item), ['i0', 'i4']);
  assert.deepEqual(sidecar.skipped, { unlabelled: 1, tied: 2, notRankable: 0 });
  assert.equal(sidecar.labels, accepted.length);

  const [r0, r4] = sidecar.records as [Sidecar['records'][number], Sidecar['records'][number]];
  const agg0 = r0.aggregate as PairAggregate;
  assert.deepEqual(r0.order, ['chosen', 'rejected']);
  assert.deepEqual(agg0.votes, { chosen: 2, rejected: 1, tie: 0 });
  assert.equal(agg0.voteMargin, 1);
  assert.equal(agg0.meanStrength, (2 + 3 - 1) / 3, 'the revised answer counts, the superseded one does not');
  assert.equal(r0.agreement, 2 / 3);
  assert.equal(r0.agreesWithSource, true);
  assert.equal(r0.gold, true);
  assert.equal(r0.labels.length, 4, 'every label, the superseded one too');
  assert.deepEqual(r0.labels.map((l) => l.superseded), [false, true, false, false]);
  assert.equal(r0.labels[2]!.label.rationale, 'changed my mind');
  assert.equal(lines[0]!.margin, agg0.meanStrength, "TRL's margin is the mean strength toward chosen");
  assert.equal((lines[0]!.chosen as Array<{ content: string }>)[0]!.content, 'Answer one 0');

  assert.equal(r4.review, 'reviewed');
  assert.equal((r4.aggregate as PairAggregate).method, 'review');
  assert.deepEqual(r4.order, ['rejected', 'chosen'], "the reviewer's answer settles a split item");
  assert.equal(r4.agreesWithSource, false);
  assert.equal((lines[1]!.chosen as Array<{ content: string }>)[0]!.content, 'Answer two 4');

  const leftOut = (await readFile(leftOutPath(out), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as LeftOutItem);
  assert.deepEqual(leftOut.map((x) => [x.item, x.reason, x.labels.length]), [['i1', 'tied', 2], ['i2', 'tied', 1]], 'the labels of dropped ties are kept beside the export');
  assert.equal(sidecar.records.reduce((n, r) => n + r.labels.length, 0) + leftOut.reduce((n, x) => n + x.labels.length, 0), accepted.length, 'every label is in the sidecar or beside it');

  const withTies = await exportTo(store, 'trl', join(dir, 'ties.jsonl'), { ties: 'include' });
  assert.equal(await readFile(leftOutPath(join(dir, 'ties.jsonl')), 'utf8'), '', 'nothing left out when ties are included');
  assert.deepEqual(withTies.records.map((r) => [r.item, r.tie]), [['i0', false], ['i1', true], ['i2', true], ['i4', false]]);
  assert.deepEqual(withTies.skipped, { unlabelled: 1, tied: 2, notRankable: 0 }, 'ties are still counted');
  const tieLines = (await readFile(join(dir, 'ties.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { margin: number });
  assert.deepEqual(tieLines.map((l) => l.margin === 0), [false, true, true, false]);
  assert.deepEqual(withTies.records[1]!.order, ['rejected', 'chosen'], 'a split tie puts the side its strengths lean to first');

  for (const format of ['openai-dpo', 'hh-rlhf']) {
    const s = await exportTo(store, format, join(dir, `${format}.jsonl`));
    assert.equal(s.records.length, 2, format);
    assert.doesNotMatch(await readFile(join(dir, `${format}.jsonl`), 'utf8'), /"margin"/, `${format} has no margin field`);
  }
});

test('OASST and rankings: only the replies ranked, by mean rank; the HF ranking column', async () => {
  const item = rankingItem('t0', 1, 3);
  const content = item.content as { messages: Array<Record<string, unknown>> };
  content.messages.push({ id: 'f0', parentId: 'r0', role: 'user', text: 'a follow-up turn', attrs: {} });
  const accepted = [rankLabel('t0', 'v:x', [2, 1, 3]), rankLabel('t0', 'v:y', [1, 2, 3]), rankLabel('t0', 'v:z', [2, 1, 3])];
  const { dir, store } = await storeWith([item], accepted);
  const s = await exportTo(store, 'oasst', join(dir, 'o.jsonl'));
  assert.deepEqual(s.records[0]!.order, ['r1', 'r0', 'r2']);
  assert.deepEqual(s.records[0]!.sourceOrder, ['reply-1', 'reply-0', 'reply-2']);
  const tree = JSON.parse(await readFile(join(dir, 'o.jsonl'), 'utf8')) as { prompt: { replies: Array<{ text: string; rank: number; replies?: unknown[] }> } };
  assert.deepEqual(tree.prompt.replies.map((r) => [r.text, r.rank]), [['reply 1 of 1', 0], ['reply 0 of 1', 1], ['reply 2 of 1', 2]]);
  assert.doesNotMatch(JSON.stringify(tree), /follow-up/, 'follow-up turns were not ranked and are not exported');
  await exportTo(store, 'hf', join(dir, 'hf'));
  const row = JSON.parse((await readFile(join(dir, 'hf', 'data', 'train.jsonl'), 'utf8')).trim()) as { ranking: Array<{ key: string; mean_rank: number }>; margin: number };
  assert.deepEqual(row.ranking.map((r) => [r.key, r.mean_rank]), [['r1', 4 / 3], ['r0', 5 / 3], ['r2', 3]]);
  assert.equal(row.margin, 3 - 4 / 3);
});

const PYTHON_READER = String.raw`
import json, sys, os, yaml
folder = sys.argv[1]
card = open(os.path.join(folder, 'README.md'), encoding='utf-8').read()
assert card.startswith('---\n')
header = yaml.safe_load(card.split('---\n')[1])
out = {'license': header['license'], 'campaign': header['keyhole']['campaign'], 'policy_hash': header['keyhole']['policy_hash'], 'configs': {}}
features = {c['config_name']: c for c in header['dataset_info']}
def check(value, feature, where):
    if value is None:
        return
    if 'dtype' in feature:
        kind = {'string': str, 'int64': int, 'float64': (int, float), 'bool': bool}[feature['dtype']]
        assert isinstance(value, kind) and not (feature['dtype'] != 'bool' and isinstance(value, bool)), (where, value)
    elif 'sequence' in feature:
        assert isinstance(value, list) and all(isinstance(v, str) for v in value), where
    elif 'list' in feature:
        assert isinstance(value, list), where
        for v in value:
            check_row(v, feature['list'], where)
    else:
        check_row(value, feature['struct'], where)
def check_row(row, fields, where):
    assert sorted(row.keys()) == sorted(f['name'] for f in fields), (where, sorted(row.keys()))
    for f in fields:
        check(row[f['name']], f, where + '.' + f['name'])
for config in header['configs']:
    name = config['config_name']
    rows = 0
    for data_file in config['data_files']:
        with open(os.path.join(folder, data_file['path']), encoding='utf-8') as fh:
            for n, line in enumerate(fh, 1):
                check_row(json.loads(line), features[name]['features'], '%s:%d' % (data_file['path'], n))
                rows += 1
    assert rows == features[name]['splits'][0]['num_examples'], (name, rows)
    out['configs'][name] = rows
print(json.dumps(out))
`;

test('hf: a folder an independent reader loads: card header, configs, every row of every file against the declared features', async (t) => {
  if (!needs(t, spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0, 'python3 with yaml')) return;
  const { items, accepted } = pairCampaign();
  const { dir, store } = await storeWith(items, accepted);
  const out = join(dir, 'hf-export');
  const sidecar = await exportTo(store, 'hf', out, { ties: 'include', gold: new Set(['i4']), policyHash: 'ab'.repeat(32), license: 'cc-by-4.0' });
  assert.deepEqual(await readdir(out), ['README.md', 'data']);
  const reader = join(dir, 'reader.py');
  await writeFile(reader, PYTHON_READER);
  const run = spawnSync('python3', [reader, out], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const seen = JSON.parse(run.stdout) as { license: string; campaign: string; policy_hash: string; configs: Record<string, number> };
  assert.deepEqual(seen, { license: 'cc-by-4.0', campaign: 'camp-x', policy_hash: 'ab'.repeat(32), configs: { default: 4, labels: 10 } });
  assert.equal(sidecar.records.length, 4);
  const card = await readFile(join(out, 'README.md'), 'utf8');
  assert.match(card, /\| items exported \(`default`\) \| 4 \|/);
  assert.match(card, /\| labels \(`labels`\) \| 10: every label collected/);
  assert.match(card, /mean agreement \| 55\.6% over 3 items/);
  const labels = (await readFile(join(out, 'data', 'labels.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const revised = labels.find((l) => l.annotator === 'v:ann-2' && l.rationale === 'changed my mind')!;
  assert.deepEqual([revised.strength_toward_chosen, revised.preferred, revised.superseded, revised.seconds], [3, 'chosen', false, 9]);
  assert.equal(labels.filter((l) => l.gold === true).length, 3, 'the three labels of gold item i4');

  // A second export replaces the folder whole; the labels of the ties it drops stay, marked.
  await exportTo(store, 'hf', out, { ties: 'drop' });
  assert.deepEqual(JSON.parse(spawnSync('python3', [reader, out], { encoding: 'utf8' }).stdout).configs, { default: 2, labels: 10 });
  const dropped = (await readFile(join(out, 'data', 'labels.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.exported === false);
  assert.deepEqual(dropped.map((l) => [l.item, l.left_out, l.strength_toward_chosen]), [['i1', 'tied', null], ['i1', 'tied', null], ['i2', 'tied', null]]);

  // A rubric campaign has no preference to train on, but every label is in `labels` with its scores.
  const rubricItems = [pairItem('u0', 1)];
  const rubric = [0, 1].map((k) => ({ ...pairLabel('u0', `v:r-${k}`, 0), label: { v: 1, task: 'rubric', seconds: 12, response: 'chosen', ratings: { helpfulness: 4 + k, honesty: 5, harmlessness: 5, instructionFollowing: 3 }, comment: `note ${k}` }, unblinded: {} }));
  const r = await storeWith(rubricItems, rubric);
  await exportTo(r.store, 'hf', join(r.dir, 'hf-rubric'));
  assert.deepEqual(JSON.parse(spawnSync('python3', [reader, join(r.dir, 'hf-rubric')], { encoding: 'utf8' }).stdout).configs, { default: 0, labels: 2 });
  const rows = (await readFile(join(r.dir, 'hf-rubric', 'data', 'labels.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { ratings: { helpfulness: number }; left_out: string; comment: string });
  assert.deepEqual(rows.map((x) => [x.ratings.helpfulness, x.left_out, x.comment]), [[4, 'not-rankable', 'note 0'], [5, 'not-rankable', 'note 1']]);
});

test('--reidentify puts the originals back from the sealed lab-only section, in every format', async () => {
  const { items, accepted } = pairCampaign();
  for (const item of items) {
    const section = { source: { file: '/d.jsonl', line: item.line }, blind: [], pseudonyms: [{ entity: 'person', ruleId: 'name', surrogate: 'Zed Example', original: 'Marta Realname' }] };
    item.digest = toBase64Url(utf8(`digest-${item.item}`.padEnd(32, '.')));
    item.labSection = toBase64Url(await sealLabSection(p, key.key.publicKey, utf8(`digest-${item.item}`.padEnd(32, '.')), utf8(JSON.stringify(section))));
  }
  const { dir, store } = await storeWith(items, accepted);
  await exportTo(store, 'trl', join(dir, 'plain.jsonl'));
  assert.doesNotMatch(await readFile(join(dir, 'plain.jsonl'), 'utf8'), /Marta Realname/);
  await exportTo(store, 'trl', join(dir, 're.jsonl'), { reidentify: true });
  assert.match(await readFile(join(dir, 're.jsonl'), 'utf8'), /Question 0 from Marta Realname\?/);
  await exportTo(store, 'hf', join(dir, 're-hf'), { reidentify: true });
  assert.match(await readFile(join(dir, 're-hf', 'data', 'train.jsonl'), 'utf8'), /Marta Realname/);
  assert.match(await readFile(join(dir, 're-hf', 'README.md'), 'utf8'), /RE-IDENTIFIED/);
});

test('a failed export leaves no file and no temporary behind', async () => {
  const { items, accepted } = pairCampaign();
  accepted.push({ ...pairLabel('i3', 'v:ann-1', -1), label: { v: 1, task: 'pairwise', seconds: 3, a: 'nope', b: 'rejected', choice: 'A', strength: -1, rationale: '' } });
  const { dir, store } = await storeWith(items, accepted);
  await assert.rejects(exportTo(store, 'trl', join(dir, 'out', 'bad.jsonl')), /item i3: a stored label names a response the item does not have/);
  await assert.rejects(exportTo(store, 'hf', join(dir, 'out', 'bad-hf')), /item i3/);
  assert.deepEqual(await readdir(join(dir, 'out')), []);
  await assert.rejects(exportTo(store, 'parquet', join(dir, 'x')), /export format "parquet"; known: trl, openai-dpo, hh-rlhf, oasst, hf/);
});

test('Bradley–Terry strengths when the source names the compared responses by model', async () => {
  const matches: Array<[string, string, number, number]> = [
    ['model-a', 'model-b', 3, 1],
    ['model-b', 'model-c', 2, 2],
    ['model-a', 'model-c', 1, 1],
  ];
  const items: LedgerItem[] = [];
  const accepted: AcceptedLabel[] = [];
  matches.forEach(([x, y, xWins, yWins], i) => {
    const item = pairItem(`m${i}`, i + 1);
    const content = item.content as { branches: Array<{ label: string; leafId: string }> };
    content.branches = [{ label: x, leafId: 'm1' }, { label: y, leafId: 'm2' }];
    items.push(item);
    for (let k = 0; k < xWins + yWins; k++) {
      const l = pairLabel(item.item, `v:ann-${k}`, k < xWins ? -2 : 2);
      accepted.push({ ...l, label: { ...l.label, a: x, b: y }, unblinded: { preferred: k < xWins ? x : y } });
    }
  });
  const { dir, store } = await storeWith(items, accepted);
  const s = await exportTo(store, 'trl', join(dir, 'bt.jsonl'), { ties: 'include' });
  const bt = s.bradleyTerry!;
  assert.equal(bt.identifiable, true);
  assert.deepEqual(bt.scores.map((x) => x.name), ['model-a', 'model-c', 'model-b'], 'c won 3 of 6, b 3 of 8');
  const p = new Map(bt.scores.map((x) => [x.name, x.strength!]));
  // Score equations at the maximum: each model's expected wins equal its wins (Hunter 2004, eq. 2).
  for (const name of p.keys()) {
    let observed = 0;
    let expected = 0;
    for (const [x, y, xw, yw] of matches) {
      if (name !== x && name !== y) continue;
      observed += name === x ? xw : yw;
      expected += ((xw + yw) * p.get(name)!) / (p.get(name)! + p.get(name === x ? y : x)!);
    }
    assert.equal(expected.toFixed(6), observed.toFixed(6), name);
  }
  const chosenOnly = await exportTo(store, 'trl', join(dir, 'pos.jsonl'));
  assert.ok(chosenOnly.bradleyTerry !== null);
  const { items: posItems, accepted: posLabels } = pairCampaign();
  const pos = await storeWith(posItems, posLabels);
  assert.equal((await exportTo(pos.store, 'trl', join(pos.dir, 'p.jsonl'))).bradleyTerry, null, 'chosen/rejected are positions, not models');
});
