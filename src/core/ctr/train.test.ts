import { describe, expect, it } from 'vitest';
import { tf } from '../models/sequence/testing.tf';
import { createRng } from '../util/rng';
import { Adam, type CtrFitProgress, type CtrNet, fitNet, predictNet } from './train';
import type { TrainOptions } from './models/options';
import { testWorld } from './testing.world';
import type { Params } from '../models/sequence/params';

const { log } = testWorld('small', { nUsers: 20, nItems: 30, nCategories: 4, targetImpressions: 400 });
if (log.user.length < 170) throw new Error(`the test world has ${log.user.length} impressions; the tests read 170`);
const rows = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);

/**
 * A one-weight network: the training loss pulls w towards the batch's mean row index / 100 (so the path depends on the
 * batch order); the validation loss of each epoch is scripted. Counts its training steps.
 */
let netId = 0;
function scriptedNet(validLosses: number[], onTrainStep?: (n: number) => void) {
  const w = tf.variable(tf.scalar(0), true, `scripted_${netId++}`);
  const params: Params = new Map([['w', w]]);
  let steps = 0,
    evals = 0,
    lastValidRow = -1;
  const net: CtrNet = {
    params,
    maxLen: 2,
    loss(b, mode) {
      if (mode === 'train') {
        onTrainStep?.(++steps);
        const y = tf.tensor1d(Float32Array.from(b.rows, (r) => r / 100));
        return tf.mean(tf.square(tf.sub(y, w))) as tf.Scalar;
      }
      // One validation pass per epoch; a new pass starts at its first row.
      if (b.rows[0] <= lastValidRow || lastValidRow < 0) evals++;
      lastValidRow = b.rows[b.size - 1];
      return tf.scalar(validLosses[Math.min(evals, validLosses.length) - 1]);
    },
    predict: (b) => ({ pCtr: tf.fill([b.size], w.dataSync()[0]) as tf.Tensor1D }),
  };
  return { net, steps: () => steps, w };
}

const opts = (o: Partial<TrainOptions>): TrainOptions => ({ epochs: 10, batchSize: 16, lr: 0.05, patience: 2, ...o });

describe('fitNet (the shared trainer)', () => {
  it('stops after `patience` epochs without a lower validation loss and restores the best epoch’s weights', async () => {
    const { net, w } = scriptedNet([1, 0.5, 0.75, 0.625, 0.25]);
    const atEpochEnd: number[] = [];
    const r = await fitNet(net, 'click', log, rows(0, 120), rows(120, 150), opts({ batchSize: 40 }), {
      rng: createRng(1),
      onProgress: (p) => {
        if (p.validLoss !== undefined) atEpochEnd.push(w.dataSync()[0]);
      },
    });
    expect(r.stopped).toBe('early');
    expect(r.epochs).toBe(4);
    expect(r.validLoss).toEqual([1, 0.5, 0.75, 0.625]);
    expect(r.bestEpoch).toBe(1);
    expect(r.trainLoss.length).toBe(4);
    expect(w.dataSync()[0]).toBe(atEpochEnd[1]);
    expect(atEpochEnd[3]).not.toBe(atEpochEnd[1]);
    w.dispose();
  });

  it('patience 0 runs every epoch and keeps the last weights', async () => {
    const { net, w } = scriptedNet([1, 2, 3]);
    const r = await fitNet(
      net,
      'click',
      log,
      rows(0, 60),
      rows(60, 80),
      opts({ epochs: 3, patience: 0, batchSize: 20 }),
      {
        rng: createRng(1),
      },
    );
    expect([r.stopped, r.epochs, r.bestEpoch]).toEqual(['done', 3, 2]);
    w.dispose();
  });

  it('checks the stop signal before every batch: an abort during batch 3 stops before batch 4', async () => {
    const signal = { aborted: false };
    const { net, steps, w } = scriptedNet([1], (n) => {
      if (n === 3) signal.aborted = true;
    });
    const r = await fitNet(net, 'click', log, rows(0, 160), rows(160, 170), opts({ batchSize: 8 }), {
      rng: createRng(1),
      signal,
    });
    expect(r.stopped).toBe('aborted');
    expect(steps()).toBe(3);
    expect(r.epochs).toBe(0);
    w.dispose();
  });

  it('reports progress in batches with the validation loss at each epoch end; the same seed gives the same fit', async () => {
    const fitOnce = async () => {
      const { net, w } = scriptedNet([1, 0.75, 0.5]);
      const seen: CtrFitProgress[] = [];
      await fitNet(net, 'conversion', log, rows(0, 100), rows(100, 120), opts({ epochs: 3, batchSize: 10 }), {
        rng: createRng(7),
        onProgress: (p) => seen.push(p),
      });
      const v = w.dataSync()[0];
      w.dispose();
      return { seen, v };
    };
    const a = await fitOnce();
    const ends = a.seen.filter((p) => p.validLoss !== undefined);
    expect(ends.map((p) => [p.epoch, p.batch, p.batches, p.validLoss])).toEqual([
      [0, 10, 10, 1],
      [1, 10, 10, 0.75],
      [2, 10, 10, 0.5],
    ]);
    for (const p of a.seen) {
      expect(p.net).toBe('conversion');
      expect(p.loss).toBeGreaterThan(0);
      expect(p.examplesPerSecond).toBeGreaterThan(0);
    }
    const b = await fitOnce();
    expect(b.v).toBe(a.v);
    // A different shuffle seed takes another path.
    const { net, w } = scriptedNet([1, 0.75, 0.5]);
    await fitNet(net, 'click', log, rows(0, 100), rows(100, 120), opts({ epochs: 3, batchSize: 10 }), {
      rng: createRng(8),
    });
    expect(w.dataSync()[0]).not.toBe(a.v);
    w.dispose();
  });

  it('leaks no tensors through fit and predict (the optimizer’s slots are freed)', async () => {
    const { net, w } = scriptedNet([1, 0.5]);
    const before = tf.memory().numTensors;
    await fitNet(net, 'click', log, rows(0, 50), rows(50, 60), opts({ epochs: 2, batchSize: 16 }), {
      rng: createRng(1),
    });
    const p = await predictNet(net, log, rows(0, 30), 7);
    expect(p.pCtr!.length).toBe(30);
    expect(p.pCtr!.every((v) => v === w.dataSync()[0])).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});

describe('Adam', () => {
  it('two steps equal the hand-computed bias-corrected update and tfjs’s Adam with the same constants', () => {
    const w0 = [0.5, -1, 2];
    const g1 = [0.1, -0.2, 0],
      g2 = [0.3, 0.1, -0.5];
    const lr = 0.01;
    // By hand: m_t, v_t, then w −= lr · m̂ / (√v̂ + 1e-8).
    const w = [...w0],
      m = [0, 0, 0],
      v = [0, 0, 0];
    [g1, g2].forEach((g, k) => {
      const t = k + 1;
      for (let i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        w[i] -= (lr * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
      }
    });
    const run = (step: (x: tf.Variable, g: number[]) => void) => {
      const x = tf.variable(tf.tensor1d(w0), true, `adam_${netId++}`);
      step(x, g1);
      step(x, g2);
      const out = Array.from(x.dataSync());
      x.dispose();
      return out;
    };
    const ours = new Adam(lr);
    const got = run((x, g) => tf.tidy(() => ours.apply([x], { [x.name]: tf.tensor1d(g) })));
    const theirs = tf.train.adam(lr, 0.9, 0.999, 1e-8);
    const ref = run((x, g) => tf.tidy(() => theirs.applyGradients([{ name: x.name, tensor: tf.tensor1d(g) }])));
    got.forEach((x, i) => expect(x).toBeCloseTo(w[i], 6));
    ref.forEach((x, i) => expect(x).toBeCloseTo(w[i], 6));
    ours.dispose();
    theirs.dispose();
  });
});
