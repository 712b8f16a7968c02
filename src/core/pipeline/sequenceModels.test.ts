import { describe, expect, it } from 'vitest';
import { tf } from '../models/sequence/testing.tf';
import { createRng } from '../util/rng';
import { ok } from '../util/result';
import { runExperiment } from './run';
import { defaultRegistry } from './defaultRegistry';
import { handTemporalSplit, hawkesWorld } from '../models/intensity/testSupport';

const DAY = 86400;
const SMALL = { hidden: 8, layers: 1, maxLen: 32, bptt: 8 };

describe('sequence models in the pipeline', () => {
  it('fits the tfjs RNN once, composes it with intensities, records its losses and frees its tensors', async () => {
    const world = hawkesWorld({
      seed: 1,
      nUsers: 60,
      nItems: 12,
      span: 100 * DAY,
      mu: 0.1 / DAY,
      a: 0.5,
      s: 2 * DAY,
      rng: createRng(8),
    });
    const splitter = () => ok(handTemporalSplit(world.dataset, 90 * DAY, 7 * DAY));
    const before = tf.memory().numTensors;
    const res = await runExperiment(
      world.dataset,
      { split: { kind: 'temporal' }, models: ['RNN', 'RNN-Pop', 'RNN-Hawkes'], seed: 1, epochs: 1 },
      {
        splitter,
        registry: defaultRegistry({ sequence: SMALL }),
      },
    );
    if (!res.ok) throw new Error(res.reason);
    const r = res.data;
    expect(Object.keys(r.failed)).toEqual([]);
    expect(r.meta.RNN.backend).toBe('cpu');
    expect(r.meta.RNN.epochs).toBe(1);
    expect(Number.isFinite(r.meta.RNN.finalLoss)).toBe(true);
    expect(r.meta['RNN-Hawkes'].hawkes).toBeDefined();
    expect(r.meta['RNN-Hawkes'].finalLoss).toBe(r.meta.RNN.finalLoss); // the same fitted RNN, not a second one
    // K = ceil(1% of 12 items) = 1 recommendation per user.
    for (const m of ['RNN', 'RNN-Pop', 'RNN-Hawkes']) expect(r.item_rec[m]['recs/user']).toBe(1);
    // The run frees every tensor it created (the session disposes each fitted next-item model).
    expect(tf.memory().numTensors, 'tensors left by the run').toBe(before);
  });
});
