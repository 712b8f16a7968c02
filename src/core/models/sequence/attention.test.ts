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

/**
 * Plain-JS causal multi-head attention over the same layout (independent of tfjs and of the op's JS kernels):
 * out[b·T + t, h·d + j] = Σ_{s ≤ t, s < L_b} softmax_s(q·k_s / √d) v_s[j] for t < L_b, else 0.
 */
function reference(x: Float64Array | Float32Array, B: number, T: number, heads: number, lens: number[]): Float64Array {
  const H = x.length / (B * T) / 3;
  const d = H / heads;
  const out = new Float64Array(B * T * H);
  const at = (b: number, t: number, c: number) => x[(b * T + t) * 3 * H + c];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < heads; h++) {
      for (let t = 0; t < lens[b]; t++) {
        const logits: number[] = [];
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += at(b, t, h * d + j) * at(b, s, H + h * d + j);
          logits.push(dot / Math.sqrt(d));
        }
        const m = Math.max(...logits);
        const w = logits.map((l) => Math.exp(l - m));
        const z = w.reduce((a, v) => a + v, 0);
        for (let j = 0; j < d; j++) {
          let v = 0;
          for (let s = 0; s <= t; s++) v += (w[s] / z) * at(b, s, 2 * H + h * d + j);
          out[(b * T + t) * H + h * d + j] = v;
        }
      }
    }
  }
  return out;
}

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
