// decoderLoss on tfjs's WASM backend, where a chunk's softmax and its gradient are the SIMD kernel
// (decoderKernel.ts): against the plain-JS NLL, finite differences, and the same function in tfjs ops.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from '../../../testing/wasmBackend';
import { decoderKernelReady, setDecoderKernel } from './decoderKernel';
import { decoderLoss } from './ops';
import { SequenceModel } from './model';
import { datasetOf, evalRows, nllFiniteDiffs, plainNll, randNormal } from './testing.fixtures';
import { createRng } from '../../util/rng';

await useWasm();

/** Loss and gradients for h, E, b with the kernel on or off. */
function lossAndGrads(
  kernel: boolean,
  h: Float32Array,
  e: Float32Array,
  b: Float32Array,
  t: number[],
  D: number,
  chunk: number,
): [number, Float32Array[]] {
  setDecoderKernel(kernel);
  try {
    return tf.tidy(() => {
      const f = (hh: tf.Tensor, ee: tf.Tensor, bb: tf.Tensor) =>
        decoderLoss(hh as tf.Tensor2D, ee as tf.Tensor2D, bb as tf.Tensor1D, Int32Array.from(t), chunk);
      const { value, grads } = tf.valueAndGrads(f)([
        tf.tensor2d(h, [t.length, D]),
        tf.tensor2d(e, [b.length, D]),
        tf.tensor1d(b),
      ]);
      return [value.dataSync()[0], grads.map((g) => g.dataSync() as Float32Array)];
    });
  } finally {
    setDecoderKernel(true);
  }
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('decoderLoss on the WASM backend (SIMD kernel)', () => {
  it('runs the kernel here', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(decoderKernelReady()).toBe(true);
  });

  it('value equals the plain-JS NLL and gradients match central finite differences (chunks of 2 of 7 rows)', () => {
    const [N, D, V] = [7, 3, 5];
    const h = randNormal(N * D, 1),
      e = randNormal(V * D, 2),
      b = randNormal(V, 3);
    const t = [1, 4, 0, 2, 2, 0, 3];
    const [l, g] = lossAndGrads(true, h, e, b, t, D, 2);
    expect(l).toBeCloseTo(plainNll(h, e, b, t, D), 5);
    const fd = nllFiniteDiffs(h, e, b, t, D);
    for (let k = 0; k < 3; k++) for (let i = 0; i < fd[k].length; i++) expect(g[k][i]).toBeCloseTo(fd[k][i], 2);
  });

  it('agrees with the tfjs ops at a decoder-like shape: 2,500 rows (a third padding) in 1,024-row chunks, V = 301', () => {
    const [N, D, V] = [2500, 16, 301];
    const h = randNormal(N * D, 4),
      e = randNormal(V * D, 5).map((v) => 0.5 * v),
      b = randNormal(V, 6);
    const t = Array.from({ length: N }, (_, i) => (i % 3 === 2 ? 0 : 1 + ((i * 37) % (V - 1))));
    const before = tf.memory().numTensors;
    const [lk, gk] = lossAndGrads(true, h, e, b, t, D, 1024);
    const [lo, go] = lossAndGrads(false, h, e, b, t, D, 1024);
    expect(tf.memory().numTensors).toBe(before);
    // Relative 1e-6 on the loss (~ln V); gradients to 1e-7 absolute, against entries up to ~1e-3.
    expect(Math.abs(lk - lo)).toBeLessThan(1e-6 * lo);
    for (let k = 0; k < 3; k++) {
      const scale = go[k].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale).toBeGreaterThan(1e-4);
      expect(maxDiff(gk[k], go[k])).toBeLessThan(1e-4 * scale);
    }
  });

  it('trains a small GRU to the same model as the tfjs ops, within float tolerance', async () => {
    // Item i followed by i + 1: four epochs of a 2-layer GRU, every batch's decoder through one path or the other.
    const nItems = 40;
    const seqs = Array.from({ length: 24 }, (_, u) => Array.from({ length: 30 }, (_, k) => (u * 3 + k) % nItems));
    const ds = datasetOf(seqs, nItems);
    const fitted = async (kernel: boolean) => {
      setDecoderKernel(kernel);
      try {
        const m = SequenceModel.create(
          { kind: 'gru', hidden: 16, layers: 2, maxLen: 32, bptt: 8, batchSize: 8, epochs: 4, validFraction: 0 },
          nItems,
          1,
        );
        if (!m.ok) throw new Error(m.reason);
        const r = await m.data.fit({ dataset: ds, trainEnd: ds.userOffsets.subarray(1) }, { rng: createRng(2) });
        if (!r.ok) throw new Error(r.reason);
        const f = await m.data.factors(evalRows([0, 5, 11], [29, 59, 359], nItems));
        m.data.dispose();
        return { loss: r.data.trainLoss, f };
      } finally {
        setDecoderKernel(true);
      }
    };
    const k = await fitted(true);
    const o = await fitted(false);
    expect(k.loss).toHaveLength(4);
    k.loss.forEach((l, i) => expect(Math.abs(l - o.loss[i])).toBeLessThan(1e-4 * o.loss[i]));
    // It learnt something: the last epoch's loss well under the first's.
    expect(k.loss[3]).toBeLessThan(0.8 * k.loss[0]);
    for (const key of ['hidden', 'itemEmb', 'itemBias'] as const)
      expect(maxDiff(k.f[key], o.f[key])).toBeLessThan(1e-3);
  });
});
