import { describe, expect, it } from 'vitest';
import { TAU_GRID } from '../models/calibrate';
import { createRng } from '../util/rng';
import { ok } from '../util/result';
import { runAndKeep, runExperiment } from './run';
import { defaultRegistry } from './defaultRegistry';
import { handTemporalSplit, hawkesWorld } from '../models/intensity/testSupport';
import { evaluateItemRec } from '../metrics/evaluate';
import { popScorer } from '../models/compose';
import { trainItemCounts } from '../models/intensity/history';
import type { NextItemModel } from '../models/types';

const DAY = 86400;

describe('runExperiment', () => {
  const world = hawkesWorld({
    seed: 1,
    nUsers: 300,
    nItems: 40,
    span: 200 * DAY,
    mu: 0.05 / DAY,
    a: 0.6,
    s: 2 * DAY,
    rng: createRng(4),
  });
  const T = 180 * DAY;
  const h = 7 * DAY;
  const splitter = () => ok(handTemporalSplit(world.dataset, T, h));

  it('fits and evaluates the registered models (intensities, Pop, Rand, MF), names the missing ones, records Hawkes coefficients', async () => {
    const cfg = {
      split: { kind: 'temporal' as const, testStart: T, horizon: h },
      models: [
        'Pop',
        'EMA',
        'Hawkes',
        'HP',
        'Rand',
        'BPR',
        'ALS',
        'LogisticMF',
        'BPR-Item',
        'BPR-User',
        'GraphConv-Base',
        'GraphConv-Extra',
        'Transformer-HP',
      ],
      seed: 1,
      epochs: 3,
    };
    const res = await runExperiment(world.dataset, cfg, { splitter, registry: defaultRegistry({ sequence: false }) });
    if (!res.ok) throw new Error(res.reason);
    const r = res.data;
    expect(Object.keys(r.item_rec)).toEqual([
      'Pop',
      'EMA',
      'Hawkes',
      'HP',
      'Rand',
      'BPR',
      'ALS',
      'LogisticMF',
      'BPR-Item',
      'BPR-User',
      'GraphConv-Base',
      'GraphConv-Extra',
    ]);
    // Without a registered next-item model, a composition is refused as a value and the run goes on.
    expect(Object.keys(r.failed)).toEqual(['Transformer-HP']);
    // The MF baselines plug in through the registry; items follow a Zipf popularity, which they must pick up.
    for (const m of ['BPR', 'ALS', 'LogisticMF', 'BPR-Item', 'BPR-User', 'GraphConv-Base', 'GraphConv-Extra']) {
      expect(r.meta[m].epochs).toBe(3);
      expect(Number.isFinite(r.meta[m].finalLoss)).toBe(true);
      expect(r.item_rec[m].recall).toBeGreaterThan(r.item_rec.Rand.recall);
    }
    expect(r.meta.Hawkes.hawkes?.scales.length).toBeGreaterThan(3);
    expect(r.meta.HP.hawkesPoisson?.weights.length).toBe(r.meta.Hawkes.hawkes!.scales.length * 2 + 1);
    // The Pop row equals a direct evaluation of rime's Pop on the same split.
    const split = handTemporalSplit(world.dataset, T, h);
    const direct = evaluateItemRec(
      await popScorer(world.dataset, trainItemCounts(world.dataset, split.trainEnd)).scores(split.test),
      split.test,
      { topK: r.itemRecTopK },
    );
    expect(r.item_rec.Pop).toEqual(direct);
    // Users differ in activity and burstiness: the learned intensity must beat random user targeting.
    expect(r.user_rec.Hawkes.recall).toBeGreaterThan(2 * r.user_rec.Rand.recall);
    expect(r.user_rec.HP.recall).toBeGreaterThan(2 * r.user_rec.Rand.recall);
    expect(JSON.parse(JSON.stringify(r)).item_rec.Hawkes.prec).toBe(r.item_rec.Hawkes.prec);
  });

  it("a model's result does not depend on the other models of the run (each draws from its own stream)", async () => {
    const cfg = (models: string[]) => ({
      split: { kind: 'temporal' as const, testStart: T, horizon: h },
      models,
      seed: 3,
      epochs: 2,
    });
    const alone = await runExperiment(world.dataset, cfg(['BPR']), {
      splitter,
      registry: defaultRegistry({ sequence: false }),
    });
    const after = await runExperiment(world.dataset, cfg(['ALS', 'LogisticMF', 'BPR']), {
      splitter,
      registry: defaultRegistry({ sequence: false }),
    });
    if (!alone.ok || !after.ok) throw new Error('run failed');
    expect(after.data.item_rec.BPR).toEqual(alone.data.item_rec.BPR);
    expect(after.data.meta.BPR.finalLoss).toBe(alone.data.meta.BPR.finalLoss);
  });

  it('composes a registered next-item model with every intensity (RNN, RNN-Pop, RNN-HP)', async () => {
    let disposed = 0;
    // Replaces the tfjs RNN by a stand-in, so this test checks the composition plumbing only.
    const reg = defaultRegistry().registerNextItem('RNN', async () => {
      // A next-item model that knows item popularity: p(y|x) ∝ true item probabilities (bias = log p).
      const model: NextItemModel = {
        name: 'RNN',
        factors: async (rows) => ({
          hidden: new Float32Array(rows.users.length),
          itemEmb: new Float32Array(40),
          itemBias: Float32Array.from(world.itemProb, Math.log),
          dim: 1,
        }),
        dispose: () => disposed++,
      };
      return ok({ model, meta: { backend: 'cpu', seconds: 0.1, epochs: 2, finalLoss: 3.2 } });
    });
    const cfg = { split: { kind: 'temporal' as const }, models: ['RNN', 'RNN-Pop', 'RNN-HP', 'Pop'], seed: 2 };
    const res = await runExperiment(world.dataset, cfg, { splitter, registry: reg });
    if (!res.ok) throw new Error(res.reason);
    expect(Object.keys(res.data.item_rec)).toEqual(['RNN', 'RNN-Pop', 'RNN-HP', 'Pop']);
    // RNN-Pop ranks like Pop: λ = max(0.01, n) times a popularity-ordered p(y|x) (item order = popularity order).
    expect(res.data.user_rec['RNN-Pop'].recall).toBeCloseTo(res.data.user_rec.Pop.recall, 10);
    expect(res.data.meta['RNN-HP'].epochs).toBe(2);
    expect(res.data.meta['RNN-HP'].hawkesPoisson).toBeDefined();
    // The same p(y|x) on every row: no temperature changes which users top an item, so the calibration keeps τ = 1.
    expect(res.data.meta['RNN-HP'].calibration?.grid).toEqual([...TAU_GRID]);
    expect(res.data.meta['RNN-HP'].calibration?.tau).toBe(1);
    expect(res.data.meta.RNN.calibration).toBeUndefined();
    expect(disposed).toBe(1);
    const plain = await runExperiment(world.dataset, { ...cfg, calibrate: false }, { splitter, registry: reg });
    if (!plain.ok) throw new Error(plain.reason);
    expect(plain.data.meta['RNN-HP'].calibration).toBeUndefined();
    expect(plain.data.user_rec['RNN-HP'].recall).toBeCloseTo(res.data.user_rec['RNN-HP'].recall, 10);
  });

  it('with protocol ml-1m runs on each user’s second half and reports the sizes before and after', async () => {
    const cfg = { protocol: 'ml-1m' as const, split: { kind: 'user' as const }, models: ['Pop'], seed: 1 };
    const res = await runAndKeep(world.dataset, cfg, { registry: defaultRegistry({ sequence: false }) });
    if (!res.ok) throw new Error(res.reason);
    const d = world.dataset;
    // Of n events, positions j with j/n ≥ ½ stay: n − ⌈n/2⌉ + 1 for n ≥ 1.
    let kept = 0;
    for (let u = 0; u < d.nUsers; u++) {
      const n = d.userOffsets[u + 1] - d.userOffsets[u];
      if (n > 0) kept += n - Math.ceil(n / 2) + 1;
    }
    expect(res.data.result.protocol?.before.events).toBe(d.time.length);
    expect(res.data.result.protocol?.after.events).toBe(kept);
    expect(res.data.dataset.time.length).toBe(kept);
    expect(res.data.split.config).toMatchObject({ kind: 'user', testFraction: 0.5, seed: 1 });
    expect(res.data.result.item_rec.Pop).toBeDefined();
  });
});
