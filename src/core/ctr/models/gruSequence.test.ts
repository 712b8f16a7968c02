import { describe, expect, it } from 'vitest';
import { tf } from '../../models/sequence/testing.tf';
import { createRng } from '../../util/rng';
import { gruPacked, packSequences } from './gruSequence';
import { gruCell } from '../../models/sequence/gru';
import { lookup } from '../../models/sequence/ops';
import { sigmoid } from './testing.ref';

const T = 3,
  B = 3,
  D = 2,
  H = 2;
// Row 0: three real steps; row 1: padding then two; row 2: padding only (its state stays 0).
const mask = Float32Array.from([1, 0, 0, 1, 1, 0, 1, 1, 0]);
const rand = (n: number, seed: number) => {
  const r = createRng(seed);
  return Float64Array.from({ length: n }, () => r.normal() * 0.8);
};
const x = rand(T * B * D, 1),
  wi = rand(D * 3 * H, 2),
  bi = rand(3 * H, 3),
  wh = rand(H * 3 * H, 4),
  bh = rand(3 * H, 5);
const R = rand(B * H, 6); // objective weights: L = Σ R ⊙ h_T

/** Plain-JS GRU over the masked time-major inputs; returns L = Σ R ⊙ h_T. */
function jsLoss(): number {
  let h = new Array(B * H).fill(0);
  for (let t = 0; t < T; t++) {
    const next = new Array(B * H).fill(0);
    for (let b = 0; b < B; b++) {
      if (!mask[t * B + b]) continue;
      const xi = (k: number) => bi[k] + x[(t * B + b) * D] * wi[k] + x[(t * B + b) * D + 1] * wi[3 * H + k];
      const hi = (k: number) => bh[k] + h[b * H] * wh[k] + h[b * H + 1] * wh[3 * H + k];
      for (let j = 0; j < H; j++) {
        const r = sigmoid(xi(j) + hi(j));
        const z = sigmoid(xi(H + j) + hi(H + j));
        const n = Math.tanh(xi(2 * H + j) + r * hi(2 * H + j));
        next[b * H + j] = (1 - z) * n + z * h[b * H + j];
      }
    }
    h = next;
  }
  return h.reduce((s, v, i) => s + v * R[i], 0);
}

const tensors = () => [
  tf.tensor2d(Float32Array.from(x), [T * B, D]),
  tf.tensor2d(Float32Array.from(wi), [D, 3 * H]),
  tf.tensor1d(Float32Array.from(bi)),
  tf.tensor2d(Float32Array.from(wh), [H, 3 * H]),
  tf.tensor1d(Float32Array.from(bh)),
];
const objective =
  (kernel: boolean) =>
  (...[xx, a, b, c, d]: tf.Tensor[]) => {
    let h: tf.Tensor2D;
    if (kernel) {
      // Pack the real steps (time-major row t·B + b) and gather their inputs: lookup's gradient scatters back.
      const lengths = Int32Array.from({ length: B }, (_, b) => [0, 1, 2].filter((t) => mask[t * B + b]).length);
      const { packed, ids } = packSequences(lengths, (row, s) => (T - lengths[row] + s) * B + row);
      h = gruPacked(lookup(xx as tf.Tensor2D, ids), a as tf.Tensor2D, b, c as tf.Tensor2D, d, packed);
    } else {
      // The per-step ops path of mtrnn.ts: gruCell, then the mask.
      h = tf.zeros([B, H]);
      for (let t = 0; t < T; t++) {
        const xt = tf.slice(xx, [t * B, 0], [B, D]) as tf.Tensor2D;
        const next = gruCell(tf.add(tf.matMul(xt, a as tf.Tensor2D), b) as tf.Tensor2D, h, c as tf.Tensor2D, d);
        h = tf.mul(next, tf.tensor2d(mask.subarray(t * B, (t + 1) * B), [B, 1])) as tf.Tensor2D;
      }
    }
    return tf.sum(tf.mul(h, tf.tensor2d(Float32Array.from(R), [B, H])));
  };

describe('gruPacked (fused GRU over packed sequences)', () => {
  it('packs rows longest first, step by step', () => {
    const { packed, ids } = packSequences(Int32Array.from([1, 3, 0, 2]), (row, s) => 10 * row + s);
    expect(Array.from(packed.order)).toEqual([1, 3, 0, 2]);
    expect(Array.from(packed.batchSizes)).toEqual([3, 2, 1]);
    expect(Array.from(packed.stepStart)).toEqual([0, 3, 5, 6]);
    expect(Array.from(ids)).toEqual([10, 30, 0, 11, 31, 12]);
  });

  it('value equals the plain-JS GRU; gradients equal finite differences and the per-step ops path', () => {
    const [value, kernelGrads, opsGrads] = tf.tidy(() => {
      const ins = tensors();
      return [
        objective(true)(...ins).dataSync()[0],
        tf
          .grads(objective(true))(ins)
          .map((g) => Array.from(g.dataSync())),
        tf
          .grads(objective(false))(ins)
          .map((g) => Array.from(g.dataSync())),
      ];
    }) as [number, number[][], number[][]];
    expect(value).toBeCloseTo(jsLoss(), 5);
    const eps = 1e-3;
    [x, wi, bi, wh, bh].forEach((arr, k) => {
      arr.forEach((o, i) => {
        arr[i] = o + eps;
        const up = jsLoss();
        arr[i] = o - eps;
        const dn = jsLoss();
        arr[i] = o;
        expect(kernelGrads[k][i]).toBeCloseTo((up - dn) / (2 * eps), 3);
        expect(kernelGrads[k][i]).toBeCloseTo(opsGrads[k][i], 5);
      });
    });
    // Row 2 is padding throughout: its inputs get no gradient.
    for (const t of [0, 1, 2]) expect(kernelGrads[0].slice((t * B + 2) * D, (t * B + 3) * D)).toEqual([0, 0]);
  });
});
