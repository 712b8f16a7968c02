import * as tf from '@tensorflow/tfjs-core';
import { canReadSync, lookup } from './ops';
import { attentionKernelGpuReady, causalSoftmaxGpu } from './attentionKernelGpu';

/**
 * Causal multi-head self-attention as one custom-gradient op, for speed on the tfjs 4.22 WASM backend:
 *   O_bh = softmax(Q_bh K_bhᵀ / √d + M) V_bh,  M = −∞ above the diagonal (position t sees positions ≤ t),
 * per sequence b and head h, with Q, K, V the head's columns of the fused projection.
 *
 * Why not tf.matMul on [B, heads, T, d] tensors: on WASM a batched matMul runs ~15× slower than the same products as
 * separate 2-D matMuls (measured: 128 × [128, 64]·[64, 128] batched 1,437 ms, as 128 2-D calls 98 ms), its autodiff
 * emits transposed-operand matMuls (12-17× slower again), and splitting the batch with tf.slice / tf.unstack copies
 * whole tensors (128 slices of a 1M-float tensor: 2.8 s). So the op reads the projection once into JS, cuts each
 * head's Q, Kᵀ, V (and in the backward pass Pᵀ, Vᵀ, dSᵀ) with explicit JS transposes, multiplies them with plain 2-D
 * matMuls, does the masked softmax and its gradient in JS over the lower triangle only, and writes the result back as
 * one tensor. Positions at or after a sequence's length (right padding) are skipped: their outputs are 0 and, being
 * padding, they reach no loss (causal attention never lets a real position see them).
 *
 * Layout: qkv has columns [Q heads | K heads | V heads], head h at h·d … (h+1)·d − 1 of each third; the output has H
 * columns with head h at h·d …, the layout the output projection expects.
 */
/**
 * The attention over packed rows: sequence b is rows starts[b] … starts[b] + lengths[b] − 1 of qkv, and of the
 * output (the JS kernel leaves rows outside every sequence at 0, so a padded layout with starts b·T works too). The
 * Transformer packs its batches so that the row-wise work around attention (projections, feed-forward, LayerNorm)
 * skips the right padding, about half the rows of an ML-1M-like batch. On WebGPU (no read-back mid-graph) the rows
 * are spread to the padded layout for causalAttentionOps and gathered back.
 */
export function causalAttentionPacked(
  qkv: tf.Tensor2D,
  starts: Int32Array,
  lengths: Int32Array,
  heads: number,
): tf.Tensor2D {
  if (canReadSync()) return attentionKernel(qkv, starts, lengths, heads);
  const B = lengths.length;
  const T = Math.max(1, ...lengths);
  // Padding positions read row 0: causal attention never lets a real position see them and their outputs are
  // dropped, so their gradient is exactly 0.
  const spread = new Int32Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < lengths[b]; t++) spread[b * T + t] = starts[b] + t;
  const back = new Int32Array(qkv.shape[0]);
  for (let b = 0; b < B; b++) for (let t = 0; t < lengths[b]; t++) back[starts[b] + t] = b * T + t;
  return lookup(causalAttentionOps(lookup(qkv, spread), B, T, heads, lengths), back);
}

/** The JS kernel: sequence b at rows starts[b] + t, t < lens[b], of qkv and of the output (other rows: 0). */
function attentionKernel(qkv: tf.Tensor2D, starts: Int32Array, lens: Int32Array, heads: number): tf.Tensor2D {
  const B = lens.length;
  const rows = qkv.shape[0];
  const H3 = qkv.shape[1];
  const H = H3 / 3;
  const d = H / heads;
  const scale = 1 / Math.sqrt(d);

  /** Rows [0, L) of column block `col0` … `col0 + d` of sequence b, as L × d (or transposed, d × L). */
  const cut = (x: Float32Array, b: number, L: number, col0: number, transposed: boolean): Float32Array => {
    const o = new Float32Array(L * d);
    const base = starts[b] * H3 + col0;
    if (transposed) for (let t = 0; t < L; t++) for (let j = 0; j < d; j++) o[j * L + t] = x[base + t * H3 + j];
    else for (let t = 0; t < L; t++) o.set(x.subarray(base + t * H3, base + t * H3 + d), t * d);
    return o;
  };
  /** a [m, k] · b [k, n] with a 2-D tfjs matMul, read back. The read happens outside tf.tidy: tidy walks what its
   * function returns looking for tensors, key by key, and on a typed array of L² floats that walk cost more than
   * the product (40% of a Transformer training batch, node --cpu-prof: walkTensorContainer). */
  const prod = (a: Float32Array, m: number, k: number, b: Float32Array, n: number): Float32Array => {
    const t = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])));
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return v;
  };
  const transpose = (a: Float32Array, m: number, n: number): Float32Array => {
    const o = new Float32Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) o[j * m + i] = a[i * n + j];
    return o;
  };

  const f = tf.customGrad(((x: tf.Tensor) => {
    const xv = x.dataSync() as Float32Array;
    const out = new Float32Array(rows * H);
    // Softmax weights per (b, h), L × L with zeros above the diagonal; kept for the backward pass.
    const P: Float32Array[] = new Array(B * heads);
    for (let b = 0; b < B; b++) {
      const L = lens[b];
      if (L === 0) continue;
      for (let h = 0; h < heads; h++) {
        const S = prod(cut(xv, b, L, h * d, false), L, d, cut(xv, b, L, H + h * d, true), L);
        // Row-wise masked softmax of S·scale over j ≤ t, in place (double-precision sums).
        for (let t = 0; t < L; t++) {
          const r = t * L;
          let m = -Infinity;
          for (let j = 0; j <= t; j++) m = Math.max(m, S[r + j]);
          let z = 0;
          for (let j = 0; j <= t; j++) {
            const e = Math.exp((S[r + j] - m) * scale);
            S[r + j] = e;
            z += e;
          }
          const iz = 1 / z;
          for (let j = 0; j <= t; j++) S[r + j] *= iz;
          for (let j = t + 1; j < L; j++) S[r + j] = 0;
        }
        P[b * heads + h] = S;
        const O = prod(S, L, L, cut(xv, b, L, 2 * H + h * d, false), d);
        for (let t = 0; t < L; t++) out.set(O.subarray(t * d, (t + 1) * d), (starts[b] + t) * H + h * d);
      }
    }
    return {
      value: tf.tensor2d(out, [rows, H]),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const dx = new Float32Array(rows * H3);
        for (let b = 0; b < B; b++) {
          const L = lens[b];
          if (L === 0) continue;
          // dO of sequence b, head h: rows b·T … of dy, columns h·d … (dy has H columns, not 3H).
          const dO = (h: number) => {
            const o = new Float32Array(L * d);
            for (let t = 0; t < L; t++)
              o.set(g.subarray((starts[b] + t) * H + h * d, (starts[b] + t) * H + (h + 1) * d), t * d);
            return o;
          };
          for (let h = 0; h < heads; h++) {
            const p = P[b * heads + h];
            const go = dO(h);
            const dV = prod(transpose(p, L, L), L, L, go, d); // Pᵀ dO
            const dP = prod(go, L, d, cut(xv, b, L, 2 * H + h * d, true), L); // dO Vᵀ
            // dS = P ⊙ (dP − Σ_j P dP) · scale, lower triangle only (P is 0 above it).
            for (let t = 0; t < L; t++) {
              const r = t * L;
              let s = 0;
              for (let j = 0; j <= t; j++) s += p[r + j] * dP[r + j];
              for (let j = 0; j <= t; j++) dP[r + j] = p[r + j] * (dP[r + j] - s) * scale;
              for (let j = t + 1; j < L; j++) dP[r + j] = 0;
            }
            const dQ = prod(dP, L, L, cut(xv, b, L, H + h * d, false), d); // dS K
            const dK = prod(transpose(dP, L, L), L, L, cut(xv, b, L, h * d, false), d); // dSᵀ Q
            for (let t = 0; t < L; t++) {
              const row = (starts[b] + t) * H3;
              dx.set(dQ.subarray(t * d, (t + 1) * d), row + h * d);
              dx.set(dK.subarray(t * d, (t + 1) * d), row + H + h * d);
              dx.set(dV.subarray(t * d, (t + 1) * d), row + 2 * H + h * d);
            }
          }
        }
        return tf.tensor2d(dx, [rows, H3]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(qkv) as tf.Tensor2D;
}

/**
 * The same attention (same layout, 0 at padding rows) from tensor ops only: [B, heads, T, d] batched matMuls and a
 * causal softmax (causalSoftmax below), differentiated by autodiff. No read-back, so it serves
 * backends where causalAttention's JS kernel cannot read tensors (WebGPU); slower than that kernel on WASM.
 */
export function causalAttentionOps(
  qkv: tf.Tensor2D,
  B: number,
  T: number,
  heads: number,
  lengths: Int32Array,
): tf.Tensor2D {
  const H = qkv.shape[1] / 3;
  const d = H / heads;
  const live = new Uint8Array(B * T);
  for (let b = 0; b < B; b++) live.fill(1, b * T, b * T + Math.max(0, Math.min(T, lengths[b])));
  const byHead = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [B, T, heads, d]), [0, 2, 1, 3]);
  const [q, k, v] = tf.split(qkv, 3, 1).map(byHead);
  const p = causalSoftmax(tf.matMul(q, k, false, true), T, 1 / Math.sqrt(d));
  const o = tf.reshape(tf.transpose(tf.matMul(p, v), [0, 2, 1, 3]), [B * T, H]);
  // where, not a 0/1 multiply: padding rows are exactly +0 as in the JS kernel (0 · negative would give −0).
  return tf.where(tf.tensor2d(live, [B * T, 1], 'bool'), o, tf.zerosLike(o)) as tf.Tensor2D;
}

/**
 * softmax_{j ≤ t}(s_tj · scale) over the last axis of the scores s [..., T, T], 0 above the diagonal: one WGSL
 * program each way on WebGPU (attentionKernelGpu.ts), else an additive −1e9 mask and tf.softmax under autodiff.
 */
function causalSoftmax(s: tf.Tensor, T: number, scale: number): tf.Tensor {
  if (attentionKernelGpuReady()) return causalSoftmaxGpu(s, scale);
  const mask = new Float32Array(T * T);
  for (let t = 0; t < T; t++) mask.fill(-1e9, t * T + t + 1, (t + 1) * T);
  return tf.softmax(tf.add(tf.mul(s, scale), tf.tensor2d(mask, [T, T])));
}
