/**
 * Each agreement statistic against a published worked example, to the
 * precision the source prints.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { bradleyTerry } from '../../src/lab/quality/bradley-terry.js';
import { fleissKappa } from '../../src/lab/quality/fleiss.js';
import { kendallTau, kendallW, midRanks } from '../../src/lab/quality/kendall.js';
import { krippendorffAlpha } from '../../src/lab/quality/krippendorff.js';

const near = (actual: number | null, expected: number, digits: number, what: string): void => {
  assert.ok(actual !== null, `${what} is undefined`);
  assert.equal(actual.toFixed(digits), expected.toFixed(digits), `${what}: ${actual}`);
};

/**
 * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
 * four observers, twelve units, values 1–5, with missing data. Rows are the
 * observers A–D; null is a value the observer did not give.
 */
const KRIPPENDORFF_2011 = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];
const krippendorffUnits = KRIPPENDORFF_2011[0]!.map((_, u) => KRIPPENDORFF_2011.map((row) => row[u]!).filter((v): v is number => v !== null));

test("Krippendorff's alpha: his 2011 reliability data (nominal .743, ordinal .815, interval .849, ratio .797)", () => {
  near(krippendorffAlpha(krippendorffUnits, 'nominal').alpha, 0.743, 3, 'nominal');
  near(krippendorffAlpha(krippendorffUnits, 'ordinal').alpha, 0.815, 3, 'ordinal');
  near(krippendorffAlpha(krippendorffUnits, 'interval').alpha, 0.849, 3, 'interval');
  near(krippendorffAlpha(krippendorffUnits, 'ratio').alpha, 0.797, 3, 'ratio');
  const r = krippendorffAlpha(krippendorffUnits, 'nominal');
  assert.equal(r.units, 11, 'unit 12 has one value and is not pairable');
  assert.equal(r.pairable, 40, 'n.. in the paper');
});

test("Krippendorff's alpha: perfect agreement is 1, no variation is undefined, labels may be strings", () => {
  assert.equal(krippendorffAlpha([['a', 'a'], ['b', 'b', 'b'], ['a', 'a']], 'nominal').alpha, 1);
  assert.equal(krippendorffAlpha([[3, 3], [3, 3]], 'interval').alpha, null);
  assert.equal(krippendorffAlpha([[1], [2]], 'nominal').alpha, null);
});

/**
 * Fleiss (1971), Table 1: 30 patients, each diagnosed by 6 psychiatrists into
 * depression, personality disorder, schizophrenia, neurosis, other. He reports
 * κ = .430 and, per category, .245 .245 .520 .471 .566, with p_j
 * .144 .144 .167 .306 .239.
 */
const FLEISS_1971 = [
  [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
  [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
  [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
  [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
  [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
  [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
];

test("Fleiss' kappa: Fleiss 1971 Table 1 (κ = .430, per category .245 .245 .520 .471 .566)", () => {
  const r = fleissKappa(FLEISS_1971);
  near(r.kappa, 0.43, 3, 'kappa');
  [0.144, 0.144, 0.167, 0.306, 0.239].forEach((p, j) => near(r.proportions[j]!, p, 3, `p_${j + 1}`));
  [0.245, 0.245, 0.52, 0.471, 0.566].forEach((k, j) => near(r.perCategory[j]!, k, 3, `kappa_${j + 1}`));
  assert.equal(r.subjects, 30);
  assert.equal(r.raters, 6);
  assert.throws(() => fleissKappa([[2, 0], [1, 0]]), /same number/);
});

/**
 * Siegel (1956), Nonparametric Statistics for the Behavioral Sciences, the
 * coefficient of concordance: three sets of ranks of six objects, s = 25.5,
 * W = .16.
 */
test("Kendall's W: Siegel's three judges of six objects (W = .16), and four raters of eight farms (W = .744)", () => {
  near(kendallW([[1, 6, 3, 2, 5, 4], [1, 5, 6, 4, 2, 3], [6, 3, 2, 5, 4, 1]]).w, 0.1619, 4, 'Siegel');
  // influentialpoints.com, "Kendall coefficient of concordance", worked example I: SS = 500, W = 500/672.
  const farms = [
    [8, 4, 2, 3, 5, 1, 6, 7],
    [7, 3, 1, 4, 5, 2, 6, 8],
    [8, 2, 5, 6, 7, 1, 4, 3],
    [8, 3, 4, 2, 5, 1, 6, 7],
  ];
  near(kendallW(farms).w, 500 / 672, 6, 'farms');
  assert.equal(kendallW([[1, 2, 3], [1, 2, 3]]).w, 1);
  assert.equal(kendallW([[1, 2], [2, 1]]).w, 0);
});

test("Kendall's W: tied ranks use Kendall's correction (W = 1 when raters tie the same objects)", () => {
  assert.deepEqual(midRanks([10, 20, 20, 30]), [1, 2.5, 2.5, 4]);
  const tied = [midRanks([1, 2, 2, 3]), midRanks([1, 2, 2, 3]), midRanks([1, 2, 2, 3])];
  near(kendallW(tied).w, 1, 12, 'identical tied rankings');
});

test("Kendall's tau-b: the SciPy reference example (−0.4714) and the extremes", () => {
  // scipy.stats.kendalltau documentation: x = [12, 2, 1, 12, 2], y = [1, 4, 7, 1, 0] → −0.47140452079103173.
  near(kendallTau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]), -0.47140452079103173, 12, 'tau-b');
  assert.equal(kendallTau([1, 2, 3, 4], [1, 2, 3, 4]), 1);
  assert.equal(kendallTau([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.equal(kendallTau([1, 1, 1], [1, 2, 3]), null);
});

test('Bradley–Terry: 3 wins to 1 gives a strength ratio of 3; the MLE satisfies its score equations', () => {
  const two = bradleyTerry([
    { winner: 'a', loser: 'b' },
    { winner: 'a', loser: 'b' },
    { winner: 'a', loser: 'b' },
    { winner: 'b', loser: 'a' },
  ]);
  const s = new Map(two.scores.map((x) => [x.name, x.strength!]));
  near(s.get('a')! / s.get('b')!, 3, 9, 'ratio');
  const games = [
    ...Array.from({ length: 7 }, () => ({ winner: 'x', loser: 'y' })),
    ...Array.from({ length: 3 }, () => ({ winner: 'y', loser: 'x' })),
    ...Array.from({ length: 2 }, () => ({ winner: 'y', loser: 'z' })),
    ...Array.from({ length: 5 }, () => ({ winner: 'z', loser: 'y' })),
    ...Array.from({ length: 4 }, () => ({ winner: 'x', loser: 'z' })),
    { winner: 'z', loser: 'x' },
  ];
  const r = bradleyTerry(games);
  const p = new Map(r.scores.map((x) => [x.name, x.strength!]));
  // At the maximum, each player's expected wins equal its observed wins (Hunter 2004, eq. 2).
  for (const name of ['x', 'y', 'z']) {
    const observed = games.filter((g) => g.winner === name).length;
    const expected = games.filter((g) => g.winner === name || g.loser === name).reduce((sum, g) => {
      const other = g.winner === name ? g.loser : g.winner;
      return sum + p.get(name)! / (p.get(name)! + p.get(other)!);
    }, 0);
    near(expected, observed, 6, `expected wins of ${name}`);
  }
  assert.equal(bradleyTerry([{ winner: 'a', loser: 'b' }]).identifiable, false, 'a player who never lost has no finite strength');
});
