import { describe, expect, it } from 'vitest';
import { datasetEvents, generateSynthetic, truthAt } from '../../data/synthetic/index';
import { denseScores } from '../scores';
import { evaluateUserRec } from '../../metrics/evaluate';
import { fitHawkes } from './hawkes';
import { fitHawkesPoisson } from './hawkesPoisson';
import { popIntensity } from './simple';
import { handTemporalSplit } from './testSupport';
import { pearson } from '../../util/stats';

/**
 * On the synthetic world with ground truth (two-kernel Hawkes users with churn, topic items): the fitted Hawkes model
 * must track the true intensity, and λ̂(x)·p_true(y|x) must come close to the oracle λ_true(x)·p_true(y|x) in UserRec.
 */
describe('intensities on the synthetic world', () => {
  const g = generateSynthetic({ nUsers: 1500, nItems: 200, targetEvents: 60_000, seed: 3 });
  if (!g.ok) throw new Error(g.reason);
  const { world, dataset } = g.data;
  const h = 7 * 86400;
  const T = world.config.t0 + 0.8 * world.config.span;
  const split = handTemporalSplit(dataset, T, h);
  const truth = truthAt(world, split.test.users, T, h, datasetEvents(dataset));
  const fit = fitHawkes(dataset, split.trainEnd, { horizon: h, observeEnd: T });
  if (!fit.ok) throw new Error(fit.reason);
  const hawkes = fit.data;

  it('fitted λ(T) correlates ≥ 0.9 with the true λ(T), and the window prediction with the true expected count', () => {
    expect(pearson(hawkes.intensityAt(split.test), truth.lambda)).toBeGreaterThanOrEqual(0.9);
    expect(pearson(hawkes.predict(split.test), truth.expectedCount)).toBeGreaterThanOrEqual(0.9);
  });

  it('UserRec recall of λ̂·p_true is close to the oracle λ_true·p_true; Hawkes and HP beat Pop', () => {
    const n = split.test.users.length;
    const m = dataset.nItems;
    const p = new Float64Array(n * m);
    for (let r = 0; r < n; r++) truth.itemProbs(r, p.subarray(r * m, (r + 1) * m));
    const recall = (lambda: ArrayLike<number>) =>
      evaluateUserRec(
        denseScores(
          n,
          m,
          Float32Array.from(p, (v, i) => v * lambda[Math.floor(i / m)]),
        ),
        split.test,
      ).recall;
    const hp = fitHawkesPoisson(hawkes, split.valid);
    if (!hp.ok) throw new Error(hp.reason);
    const oracle = recall(truth.expectedCount);
    const rHawkes = recall(hawkes.predict(split.test));
    const rHP = recall(hp.data.predict(split.test));
    const rPop = recall(popIntensity(dataset).predict(split.test));
    expect(rHawkes / oracle).toBeGreaterThan(0.8);
    expect(rHP / oracle).toBeGreaterThan(0.8);
    expect(rHawkes).toBeGreaterThan(rPop);
    expect(rHP).toBeGreaterThan(rPop);
  });
});
