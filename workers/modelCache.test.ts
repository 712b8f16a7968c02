import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { set, createStore } from 'idb-keyval';
import { tf } from '../src/core/models/sequence/testing.tf';
import { createRng } from '../src/core/util/rng';
import { ok } from '../src/core/util/result';
import { runExperiment } from '../src/core/pipeline/run';
import { defaultRegistry } from '../src/core/pipeline/defaultRegistry';
import type { RunConfig } from '../src/core/pipeline/config';
import type { CachedSeqModel } from '../src/core/pipeline/sequenceModels';
import { handTemporalSplit, hawkesWorld } from '../src/core/models/intensity/testSupport';
import { createModelCache } from './modelCache';

const DAY = 86400;
const SMALL = { hidden: 8, layers: 1, maxLen: 32, bptt: 8 };

function entry(values: number[]): CachedSeqModel {
  return {
    model: {
      format: 'rimw-seq-1',
      config: {
        kind: 'gru',
        hidden: 1,
        layers: 1,
        heads: 1,
        ffn: 1,
        maxLen: 2,
        bptt: 1,
        batchSize: 1,
        lr: 0.1,
        epochs: 1,
        validFraction: 0,
        patience: 0,
      },
      nItems: 1,
      weights: [{ name: 'emb', shape: [values.length], data: Float32Array.from(values) }],
    },
    meta: { backend: 'cpu', seconds: 1.5, epochs: 3 },
    savedAt: 1234,
  };
}

describe('modelCache over IndexedDB (fake-indexeddb)', () => {
  it('stores weights as Float32Arrays, lists, deletes and clears; a foreign value reads as a miss', async () => {
    const c = createModelCache('t-store', 'seq');
    expect(await c.get('RNN:00')).toBeUndefined();
    await c.put('RNN:00', entry([1, 2.5, -3]));
    const back = await c.get('RNN:00');
    expect(back?.model.weights[0].data).toBeInstanceOf(Float32Array);
    expect(Array.from(back!.model.weights[0].data)).toEqual([1, 2.5, -3]);
    expect(back?.meta.epochs).toBe(3);
    expect(await c.list()).toEqual([{ key: 'RNN:00', model: 'RNN', kind: 'gru', bytes: 12, epochs: 3, savedAt: 1234 }]);
    // An entry written by some other build (plain arrays instead of Float32Array) is not handed to deserialize.
    await set(
      'RNN:01',
      { ...entry([1]), model: { ...entry([1]).model, weights: [{ name: 'emb', shape: [1], data: [1] }] } },
      createStore('t-store', 'seq'),
    );
    expect(await c.get('RNN:01')).toBeUndefined();
    await c.delete('RNN:00');
    expect(await c.get('RNN:00')).toBeUndefined();
    await c.put('RNN:02', entry([4]));
    await c.clear();
    expect(await c.list()).toEqual([]);
  });

  it('a second run with the same data, split, config and seed reloads the RNN: no training, same factors and scores', async () => {
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
    const split = handTemporalSplit(world.dataset, 90 * DAY, 7 * DAY);
    const cache = createModelCache('t-run', 'seq');
    const config: RunConfig = { split: { kind: 'temporal' }, models: ['RNN', 'RNN-Hawkes'], seed: 1, epochs: 2 };
    const before = tf.memory().numTensors;
    /** One run's session: fits (or reloads) the RNN, reads its factors and the RNN-Hawkes scores of every test row. */
    const once = async (cfg: RunConfig) => {
      const progress: string[] = [];
      const session = defaultRegistry({ sequence: SMALL, modelCache: cache }).session({
        dataset: world.dataset,
        split,
        config: cfg,
        onProgress: (m) => progress.push(m),
      });
      try {
        const nx = await session.nextItem('RNN');
        if (!nx.ok) throw new Error(nx.reason);
        const hidden = (await nx.data.model.factors(split.test)).hidden;
        const sc = await session.build('RNN-Hawkes');
        if (!sc.ok) throw new Error(sc.reason);
        const src = await sc.data.model.scores(split.test);
        const scores = new Float32Array(src.nRows * src.nCols);
        src.fillRows(0, src.nRows, scores);
        return { meta: nx.data.meta, progress, hidden, scores };
      } finally {
        await session.dispose();
      }
    };
    const first = await once(config);
    expect(first.meta.cache).toBe('stored');
    expect(first.progress).toContain('RNN');
    const keys = (await cache.list()).map((e) => e.key);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toBe(first.meta.cacheKey);

    const second = await once(config);
    expect(second.meta.cache).toBe('hit');
    expect(second.progress).toEqual([]);
    expect(second.meta.epochs).toBe(2);
    expect(second.meta.finalValidLoss).toBe(first.meta.finalValidLoss);
    expect(Array.from(second.hidden)).toEqual(Array.from(first.hidden));
    expect(second.scores.length).toBe(split.test.users.length * 12);
    expect(Array.from(second.scores)).toEqual(Array.from(first.scores));

    // Another seed is another model: trained and stored beside the first.
    const third = await once({ ...config, seed: 2 });
    expect(third.meta.cache).toBe('stored');
    expect(Array.from(third.hidden)).not.toEqual(Array.from(first.hidden));
    expect(third.progress).toContain('RNN');
    expect(await cache.list()).toHaveLength(2);
    expect(tf.memory().numTensors, 'tensors left by three runs').toBe(before);
  });

  it('a failing store does not fail the run: the model trains and the metadata says why it was not stored', async () => {
    const world = hawkesWorld({
      seed: 2,
      nUsers: 30,
      nItems: 8,
      span: 60 * DAY,
      mu: 0.1 / DAY,
      a: 0.5,
      s: 2 * DAY,
      rng: createRng(3),
    });
    const split = handTemporalSplit(world.dataset, 50 * DAY, 7 * DAY);
    const broken = {
      get: async () => Promise.reject(new Error('quota exceeded')),
      put: async () => Promise.reject(new Error('quota exceeded')),
    };
    const res = await runExperiment(
      world.dataset,
      { split: { kind: 'temporal' }, models: ['RNN'], seed: 1, epochs: 1 },
      {
        splitter: () => ok(split),
        registry: defaultRegistry({ sequence: SMALL, modelCache: broken }),
      },
    );
    if (!res.ok) throw new Error(res.reason);
    expect(res.data.failed).toEqual({});
    expect(res.data.meta.RNN.cache).toBe('error: quota exceeded');
    expect(res.data.meta.RNN.epochs).toBe(1);
  });
});
