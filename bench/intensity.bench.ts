// User intensities, factored scores and metrics at MovieLens-1M scale (6,040 users × 3,706 items, 1M events), and
// the synthetic-world checks: fitted Hawkes vs the true intensity, and UserRec recall of λ̂·p_true vs the oracle.
import { table, timeIt, type Bench } from './lib';
import {
  datasetEvents,
  generateSynthetic,
  presetConfig,
  truthAt,
  type SynthPreset,
} from '../src/core/data/synthetic/index';
import { makeSplit } from '../src/core/data/split';
import { fitHawkes } from '../src/core/models/intensity/hawkes';
import { fitHawkesPoisson } from '../src/core/models/intensity/hawkesPoisson';
import { emaIntensity, popIntensity } from '../src/core/models/intensity/simple';
import { factoredScores } from '../src/core/models/factored';
import { rimScores } from '../src/core/models/compose';
import { evaluateItemRec, evaluateUserRec } from '../src/core/metrics/evaluate';
import type { ScoreSource } from '../src/core/models/scores';
import { createRng } from '../src/core/util/rng';
import { pearson } from '../src/core/util/stats';

const DAY = 86_400;

function world(p: SynthPreset, seed = 1) {
  const g = generateSynthetic(presetConfig(p, seed));
  if (!g.ok) throw new Error(g.reason);
  return g.data;
}

const bench: Bench = {
  name: 'intensity',
  title: 'Intensities (Hawkes fit), factored scores and metrics',
  async run() {
    const out: string[] = [];
    // 1. Hawkes fit on the ml1m-sized synthetic world (≈1M events; 7-day horizon, temporal split at the last 7 days).
    const { dataset: big } = world('ml1m');
    const h = 7 * DAY;
    const sp = makeSplit(big, { kind: 'temporal', horizon: h });
    if (!sp.ok) throw new Error(sp.reason);
    let coef = { iterations: 0, events: 0, scales: [] as number[] };
    const tFit = await timeIt(
      () => {
        const r = fitHawkes(big, sp.data.trainEnd, { horizon: h, observeEnd: sp.data.test.testStart[0] });
        if (!r.ok) throw new Error(r.reason);
        coef = r.data.coefficients;
      },
      3,
      1,
    );
    out.push(
      table(
        ['step', 'size', 'median ms', 'min ms', 'max ms'],
        [
          [
            `Hawkes fit (${coef.scales.length} scales, ${coef.iterations} Newton its)`,
            `${coef.events} events`,
            tFit.median,
            tFit.min,
            tFit.max,
          ],
        ],
      ),
    );

    // 2. Factored scores and metrics at 6,040 × 3,706, D = 128.
    const nU = 6040;
    const nI = 3706;
    const D = 128;
    const rng = createRng(1);
    const U = Float32Array.from({ length: nU * D }, () => rng.normal() * 0.1);
    const V = Float32Array.from({ length: nI * D }, () => rng.normal() * 0.1);
    const src = factoredScores({ nRows: nU, nCols: nI, dim: D, U, V, act: 'exp' });
    const block = new Float32Array(256 * nI);
    const all = (s: ScoreSource) => {
      for (let r0 = 0; r0 < s.nRows; r0 += 256) s.fillRows(r0, Math.min(s.nRows, r0 + 256), block);
    };
    const tScores = await timeIt(() => all(src), 3, 1);
    const tProducts = await timeIt(() => all(factoredScores({ nRows: nU, nCols: nI, dim: D, U, V })), 3, 1);
    const rim = rimScores(
      Float64Array.from({ length: nU }, () => 1 + rng.next()),
      { hidden: U, itemEmb: V, itemBias: new Float32Array(nI), dim: D },
    );
    const tRim = await timeIt(() => all(rim), 3, 1);
    // Metrics need an EvalSet: targets of the ml1m split are 6,040-row-ish; use its test rows with random factors.
    const test = sp.data.test;
    const srcT = factoredScores({
      nRows: test.users.length,
      nCols: big.nItems,
      dim: 0,
      rowScale: Float64Array.from({ length: test.users.length }, () => rng.next()),
      colScale: Float64Array.from(big.itemCounts),
      act: 'exp',
    });
    const tItem = await timeIt(() => evaluateItemRec(srcT, test), 3, 1);
    const tUser = await timeIt(() => evaluateUserRec(srcT, test), 3, 1);
    out.push(
      '',
      table(
        ['step', 'size', 'median ms', 'min ms', 'max ms'],
        [
          [
            'factored scores U·V (identity), all rows',
            `${nU}×${nI}, D=${D}`,
            tProducts.median,
            tProducts.min,
            tProducts.max,
          ],
          ['factored scores exp(U·V), all rows', `${nU}×${nI}, D=${D}`, tScores.median, tScores.min, tScores.max],
          ['RIM λ·softmax(h·E+b), all rows', `${nU}×${nI}, D=${D}`, tRim.median, tRim.min, tRim.max],
          ['ItemRec top-K (K=1%)', `${test.users.length}×${big.nItems}`, tItem.median, tItem.min, tItem.max],
          ['UserRec streamed top-C (C=1%)', `${test.users.length}×${big.nItems}`, tUser.median, tUser.min, tUser.max],
        ],
      ),
    );

    // 3. Synthetic-world checks on the small preset (2,000 users × 500 items, 100k events), 7-day horizon.
    const rowsOut: (string | number)[][] = [];
    for (const seed of [1, 2, 3]) {
      const { world: w, dataset } = world('small', seed);
      const s = makeSplit(dataset, { kind: 'temporal', horizon: h });
      if (!s.ok) throw new Error(s.reason);
      const split = s.data;
      const T = split.test.testStart[0];
      const truth = truthAt(w, split.test.users, T, h, datasetEvents(dataset));
      const hk = fitHawkes(dataset, split.trainEnd, { horizon: h, observeEnd: T });
      if (!hk.ok) throw new Error(hk.reason);
      const hp = fitHawkesPoisson(hk.data, split.valid);
      if (!hp.ok) throw new Error(hp.reason);
      const n = split.test.users.length;
      const m = dataset.nItems;
      const p = new Float32Array(n * m);
      for (let r = 0; r < n; r++) truth.itemProbs(r, p.subarray(r * m, (r + 1) * m));
      // Scores λ(x)·p_true(y|x), filled row by row.
      const recall = (lam: ArrayLike<number>) => {
        const src: ScoreSource = {
          nRows: n,
          nCols: m,
          fillRows(r0, r1, o) {
            for (let r = r0; r < r1; r++) for (let c = 0; c < m; c++) o[(r - r0) * m + c] = p[r * m + c] * lam[r];
          },
        };
        return evaluateUserRec(src, split.test).recall;
      };
      const oracle = recall(truth.expectedCount);
      const lamH = hk.data.predict(split.test);
      const lamHP = hp.data.predict(split.test);
      rowsOut.push([
        String(seed),
        n,
        pearson(hk.data.intensityAt(split.test), truth.lambda),
        pearson(lamH, truth.expectedCount),
        pearson(lamHP, truth.expectedCount),
        oracle,
        recall(lamH) / oracle,
        recall(lamHP) / oracle,
        recall(emaIntensity(dataset).predict(split.test)) / oracle,
        recall(popIntensity(dataset).predict(split.test)) / oracle,
      ]);
    }
    out.push(
      '',
      'Synthetic world `small` (seeds 1–3), temporal split, 7-day horizon. corr: Pearson over test users of the fitted',
      'λ(T) with the true λ(T), and of the predicted window counts with the true expected counts. UserRec recall',
      '(C = 1% of users) of λ̂(x)·p_true(y|x), as a ratio to the oracle λ_true(x)·p_true(y|x):',
      '',
      table(
        [
          'seed',
          'test users',
          'corr λ(T)',
          'corr Hawkes count',
          'corr HP count',
          'oracle recall',
          'Hawkes / oracle',
          'HP / oracle',
          'EMA / oracle',
          'Pop / oracle',
        ],
        rowsOut,
      ),
    );
    return out.join('\n');
  },
};

export default bench;
