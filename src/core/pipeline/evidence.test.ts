import { describe, expect, it } from 'vitest';
import { tf } from '../models/sequence/testing.tf';
import { generateSynthetic, truthAt, datasetEvents } from '../data/synthetic/index';
import { makeSplit } from '../data/split';
import { fitHawkes } from '../models/intensity/hawkes';
import { oracleScorer } from '../models/oracle';
import { ok } from '../util/result';
import { runExperiment } from './run';
import { defaultRegistry } from './defaultRegistry';
import { pearson } from '../util/stats';

/**
 * The models' evidence on a small synthetic world with ground truth, with a tiny RNN so it runs in seconds (the full
 * sizes are in bench/quality.bench.ts and docs/benchmarks.md): the fitted Hawkes λ(T) follows the true λ(T); composing
 * the RNN with an intensity multiplies its UserRec recall (the Bayesian paradox: p(y|x) alone ranks users by how
 * typical y is for them, not by whether they will come); the oracle E[N]·p_true bounds every model; and the RNN's
 * ItemRec beats item popularity because the world's next item depends on the user's topics and last item.
 */

const DAY = 86_400;

describe('evidence on a synthetic world (tiny RNN, CPU backend)', () => {
  it('Hawkes λ(T) corr ≥ 0.9; RNN-Hawkes and RNN-HP UserRec ≥ 2× RNN and ≤ oracle; RNN ItemRec > Pop', async () => {
    const g = generateSynthetic({ nUsers: 300, nItems: 100, targetEvents: 9_000, recency: 0.5, seed: 3 });
    if (!g.ok) throw new Error(g.reason);
    const { world, dataset } = g.data;
    const h = 7 * DAY;
    const sp = makeSplit(dataset, { kind: 'temporal', horizon: h });
    if (!sp.ok) throw new Error(sp.reason);
    const test = sp.data.test;
    const T = test.testStart[0];
    const hk = fitHawkes(dataset, sp.data.trainEnd, { horizon: h, observeEnd: T });
    if (!hk.ok) throw new Error(hk.reason);
    expect(
      pearson(hk.data.intensityAt(test), truthAt(world, test.users, T, h, datasetEvents(dataset)).lambda),
    ).toBeGreaterThanOrEqual(0.9);

    const registry = defaultRegistry({
      sequence: { hidden: 16, layers: 1, maxLen: 24, bptt: 24, batchSize: 32, epochs: 3 },
    }).registerScorer('Oracle', async () =>
      ok({ model: oracleScorer(world, dataset), meta: { backend: 'js', seconds: 0 } }),
    );
    const before = tf.memory().numTensors;
    const res = await runExperiment(
      dataset,
      { split: { kind: 'temporal', horizon: h }, models: ['Pop', 'RNN', 'RNN-Hawkes', 'RNN-HP', 'Oracle'], seed: 1 },
      { registry },
    );
    if (!res.ok) throw new Error(res.reason);
    const r = res.data;
    expect(r.failed).toEqual({});
    const user = (m: string) => r.user_rec[m].recall;
    expect(user('RNN-Hawkes')).toBeGreaterThanOrEqual(2 * user('RNN'));
    expect(user('RNN-HP')).toBeGreaterThanOrEqual(2 * user('RNN'));
    expect(user('Oracle')).toBeGreaterThanOrEqual(user('RNN-Hawkes'));
    expect(r.item_rec.RNN.recall).toBeGreaterThan(r.item_rec.Pop.recall);
    expect(tf.memory().numTensors).toBe(before);
  });
});
