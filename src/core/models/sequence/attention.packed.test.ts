import { describe, expect, it, vi } from 'vitest';
import { tf } from './testing.tf';
import { createRng } from '../../util/rng';
import { attentionReference } from './testing.fixtures';

// Both branches of causalAttentionPacked run here: the JS kernel (backends that read back mid-graph) and the
// spread → tensor ops → gather path WebGPU takes, selected by a mocked canReadSync.
const mode = vi.hoisted(() => ({ readSync: true }));
vi.mock('./ops', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./ops')>()),
  canReadSync: () => mode.readSync,
}));
const { causalAttentionPacked } = await import('./attention');

/** Plain-JS causal attention of one sequence: rows [L, 3H] → [L, H] (independent of tfjs and of attention.ts). */
const reference = (x: Float64Array, L: number, H: number, heads: number): Float64Array =>
  attentionReference(x, 1, L, heads, [L]);

describe.each([true, false])('causalAttentionPacked (read-back kernel: %s)', (readSync) => {
  // Three sequences of lengths 4, 1 and 3 back to back: rows 0-3, 4, 5-7.
  const lens = [4, 1, 3];
  const starts = [0, 4, 5];
  const heads = 2,
    H = 4,
    N = 8;
  const rng = createRng(8);
  const x = Float32Array.from({ length: N * 3 * H }, () => rng.normal());
  const R = Float32Array.from({ length: N * H }, () => rng.normal());
  /** Σ R ⊙ out over all rows, each sequence by the reference on its own rows. */
  const objective = (xd: Float64Array) => {
    let s = 0;
    lens.forEach((L, b) => {
      const o = reference(xd.subarray(starts[b] * 3 * H, (starts[b] + L) * 3 * H), L, H, heads);
      for (let i = 0; i < o.length; i++) s += o[i] * R[starts[b] * H + i];
    });
    return s;
  };
  const op = (q: tf.Tensor) =>
    causalAttentionPacked(q as tf.Tensor2D, Int32Array.from(starts), Int32Array.from(lens), heads);

  it('each sequence equals the reference on its own rows', () => {
    mode.readSync = readSync;
    const got = tf.tidy(() => op(tf.tensor2d(x, [N, 3 * H])).dataSync());
    lens.forEach((L, b) => {
      const want = reference(Float64Array.from(x.subarray(starts[b] * 3 * H, (starts[b] + L) * 3 * H)), L, H, heads);
      for (let i = 0; i < want.length; i++) expect(got[starts[b] * H + i]).toBeCloseTo(want[i], 5);
    });
  });

  it('gradient matches central finite differences of the reference; no tensor is left behind', () => {
    mode.readSync = readSync;
    const before = tf.memory().numTensors;
    const g = tf.tidy(() =>
      tf
        .grad((q: tf.Tensor) => tf.sum(tf.mul(op(q), tf.tensor2d(R, [N, H]))))(tf.tensor2d(x, [N, 3 * H]))
        .dataSync(),
    );
    expect(tf.memory().numTensors).toBe(before);
    const xd = Float64Array.from(x);
    const eps = 1e-4;
    for (let i = 0; i < xd.length; i++) {
      const o = xd[i];
      xd[i] = o + eps;
      const up = objective(xd);
      xd[i] = o - eps;
      const dn = objective(xd);
      xd[i] = o;
      expect(g[i]).toBeCloseTo((up - dn) / (2 * eps), 3);
    }
  });
});
