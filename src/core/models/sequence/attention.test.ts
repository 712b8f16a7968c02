import { describe, expect, it } from 'vitest';
import { tf } from './testing.tf';
import { causalAttentionOps, causalAttentionPacked } from './attention';

/** The JS kernel on the padded layout: sequence b at rows b·T …, its padding rows left as gaps. */
const causalAttention = (qkv: tf.Tensor2D, B: number, T: number, heads: number, lengths: Int32Array) =>
  causalAttentionPacked(
    qkv,
    Int32Array.from({ length: B }, (_, b) => b * T),
    lengths,
    heads,
  );
import { createRng } from '../../util/rng';
import { attentionReference as reference } from './testing.fixtures';

// The JS-kernel op (CPU, WASM, WebGL) and the tensor-op version WebGPU uses must agree with the same reference.
describe.each([
  ['causalAttentionPacked (custom-gradient JS kernel) on padded rows', causalAttention],
  ['causalAttentionOps (tensor ops, autodiff; the WebGPU path)', causalAttentionOps],
])('%s', (_, causalAttention) => {
  const B = 2,
    T = 5,
    heads = 2,
    H = 4;
  const lens = [5, 3];
  const rng = createRng(4);
  const x = Float32Array.from({ length: B * T * 3 * H }, () => rng.normal());
  const R = Float32Array.from({ length: B * T * H }, () => rng.normal());

  it('equals the plain-JS reference; padded positions give 0', () => {
    const got = tf.tidy(() =>
      causalAttention(tf.tensor2d(x, [B * T, 3 * H]), B, T, heads, Int32Array.from(lens)).dataSync(),
    );
    const want = reference(x, B, T, heads, lens);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    // Sequence 1 has length 3: rows 1·5 + 3 and 1·5 + 4 are zero.
    for (let i = (B * T - 2) * H; i < B * T * H; i++) expect(got[i]).toBe(0);
  });

  it('gradient matches central finite differences of Σ R ⊙ reference (padding inputs get 0)', () => {
    const g = tf.tidy(() =>
      tf
        .grad((q: tf.Tensor) =>
          tf.sum(
            tf.mul(causalAttention(q as tf.Tensor2D, B, T, heads, Int32Array.from(lens)), tf.tensor2d(R, [B * T, H])),
          ),
        )(tf.tensor2d(x, [B * T, 3 * H]))
        .dataSync(),
    );
    const xd = Float64Array.from(x);
    const f = () => reference(xd, B, T, heads, lens).reduce((a, v, i) => a + v * R[i], 0);
    const eps = 1e-4;
    for (let i = 0; i < xd.length; i++) {
      const o = xd[i];
      xd[i] = o + eps;
      const up = f();
      xd[i] = o - eps;
      const dn = f();
      xd[i] = o;
      expect(g[i]).toBeCloseTo((up - dn) / (2 * eps), 3);
    }
    // Inputs of padded positions of sequence 1 (rows 8, 9) have no effect.
    for (let i = 8 * 3 * H; i < 10 * 3 * H; i++) expect(g[i]).toBe(0);
  });

  it('frees every tensor it made (forward and backward)', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grad((q: tf.Tensor) => tf.sum(causalAttention(q as tf.Tensor2D, B, T, heads, Int32Array.from(lens))))(
        tf.tensor2d(x, [B * T, 3 * H]),
      );
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
