import * as tf from '@tensorflow/tfjs-core';
import { canReadSync } from '../../models/sequence/ops';

/**
 * Custom-gradient ops of the click-and-conversion models. Like core/models/sequence/ops.ts they exist for speed and
 * for the WASM backend, not new math:
 * - `segmentSum` / `bagOfEmbeddings`: per-row sums over a packed list of history entries (padding never enters a
 *   tensor). tfjs 4.22 WASM lacks UnsortedSegmentSum, and a [B, T, D] mask-and-sum pays for the padding and sums over
 *   a middle axis (a transpose on WASM); scatterND adds duplicate indices, gather is its adjoint.
 * - `bceLogits` / `esmmLoss`: the losses with their closed-form gradients, so the tape holds one node instead of the
 *   softplus / log / where chain and the gradient is exact at logit 0; computed in JS where tensors can be read
 *   synchronously (a dozen fewer kernels per call), with tfjs ops on WebGPU.
 * - `straightThrough`: the hard Gumbel-softmax of 003 (eq. 4 forward, eq. 7 backward).
 */

// tf.customGrad's declared type takes a rest parameter of Tensor | GradSaveFunc; our closures name their inputs.
type GradFn = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
const customGrad = (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  f: (...args: any[]) => { value: tf.Tensor; gradFunc: GradFn },
) => tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]);

const column = (v: Int32Array) => tf.tensor2d(v, [v.length, 1], 'int32');

/**
 * What a custom op saves for its backward pass: the tensors that are not variables. The tape copies every saved
 * tensor (an Identity kernel each); a variable outlives the step and changes only when the optimizer runs after the
 * backward pass, so the backward pass reads it directly.
 */
export const savable = (...ts: tf.Tensor[]): tf.Tensor[] => ts.filter((t) => !(t instanceof tf.Variable));

/** The tensors of `savable(...all)` back in their places, variables taken as they are. */
export function restored(saved: tf.Tensor[], ...all: tf.Tensor[]): tf.Tensor[] {
  let k = 0;
  return all.map((t) => (t instanceof tf.Variable ? t : saved[k++]));
}

/**
 * out[s] = Σ_{e : seg[e] = s} w[e] · x[e] for s < nSeg (x [E, D] → [nSeg, D]); w defaults to 1. Rows of out with no
 * entry are 0. Gradient: dx[e] = w[e] · dy[seg[e]].
 */
export function segmentSum(x: tf.Tensor2D, seg: Int32Array, nSeg: number, w?: Float32Array): tf.Tensor2D {
  const D = x.shape[1];
  if (seg.length === 0) return tf.zeros([nSeg, D]);
  const f = customGrad((xx: tf.Tensor) => {
    const weighted = w ? tf.mul(xx, tf.tensor2d(w, [w.length, 1])) : xx;
    return {
      value: tf.scatterND(column(seg), weighted, [nSeg, D]),
      gradFunc: (dy: tf.Tensor) => {
        const g = tf.gather(dy, tf.tensor1d(seg, 'int32'));
        return w ? tf.mul(g, tf.tensor2d(w, [w.length, 1])) : g;
      },
    };
  });
  return f(x) as tf.Tensor2D;
}

/**
 * out[s] = Σ_{e : seg[e] = s} w[e] · table[ids[e]] (nSeg × D): lookup and segmentSum as one op, for mean-pooled
 * histories (w = 1 / length). Gradient: dtable[v] = Σ_{e : ids[e] = v} w[e] · dy[seg[e]].
 */
export function bagOfEmbeddings(
  table: tf.Tensor2D,
  ids: Int32Array,
  seg: Int32Array,
  w: Float32Array,
  nSeg: number,
): tf.Tensor2D {
  const D = table.shape[1];
  if (ids.length === 0) return tf.zeros([nSeg, D]);
  const f = customGrad((t: tf.Tensor) => {
    const wt = tf.tensor2d(w, [w.length, 1]);
    return {
      value: tf.scatterND(column(seg), tf.mul(tf.gather(t, tf.tensor1d(ids, 'int32')), wt), [nSeg, D]),
      gradFunc: (dy: tf.Tensor) =>
        tf.scatterND(
          column(ids),
          tf.mul(tf.gather(dy, tf.tensor1d(seg, 'int32')), tf.tensor2d(w, [w.length, 1])),
          t.shape,
        ),
    };
  });
  return f(table) as tf.Tensor2D;
}

/** softplus(a) = log(1 + eᵃ), stable for large |a|. */
const softplus = (a: number) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

/**
 * A scalar loss of a 1-D input computed in JS (where tensors can be read synchronously): `f` returns the loss and
 * fills ∂loss/∂input; one read and two small tensors instead of a dozen kernels forward and backward.
 */
function jsLoss(inputs: tf.Tensor1D[], f: (v: Float32Array[], grads: Float32Array[]) => number): tf.Scalar {
  const g = customGrad((...args: tf.Tensor[]) => {
    const values = args.slice(0, inputs.length).map((t) => t.dataSync() as Float32Array);
    const grads = values.map((v) => new Float32Array(v.length));
    const loss = f(values, grads);
    return {
      value: tf.scalar(loss),
      gradFunc: (dy: tf.Tensor) => grads.map((d) => tf.mul(tf.tensor1d(d), dy)),
    };
  });
  return g(...inputs) as tf.Scalar;
}

/**
 * Mean binary cross-entropy of labels y ∈ [0, 1] against σ(z): (1/B) Σ softplus(−z) + (1 − y)·z.
 * Gradient: (σ(z) − y) / B. `js`: compute in JS (needs synchronous reads) or with tfjs ops.
 */
export function bceLogits(z: tf.Tensor1D, y: Float32Array, js = canReadSync()): tf.Scalar {
  const B = y.length;
  if (js)
    return jsLoss([z], ([zv], [g]) => {
      let loss = 0;
      for (let i = 0; i < B; i++) {
        loss += softplus(-zv[i]) + (1 - y[i]) * zv[i];
        g[i] = (sigmoid(zv[i]) - y[i]) / B;
      }
      return loss / B;
    });
  const f = customGrad((zz: tf.Tensor, save: tf.GradSaveFunc) => {
    const yt = tf.tensor1d(y);
    save([zz, yt]);
    return {
      value: tf.div(tf.sum(tf.add(tf.softplus(tf.neg(zz)), tf.mul(tf.sub(1, yt), zz))), B),
      gradFunc: (dy: tf.Tensor, [zs, ys]: tf.Tensor[]) => tf.mul(tf.sub(tf.sigmoid(zs), ys), tf.div(dy, B)),
    };
  });
  return f(z) as tf.Scalar;
}

/** Floor of 1 − p inside logs and divisions of esmmLoss. */
const ONE_MINUS_P_MIN = 1e-7;

/**
 * 002's loss over all impressions (ESMM): (1/B) Σ [ l(click, pCTR) + l(click·conversion, pCTR · pCVR) ] with
 * pCTR = σ(a), pCVR = σ(b), l the binary cross-entropy. log(pCTR·pCVR) = −softplus(−a) − softplus(−b) exactly;
 * 1 − pCTR·pCVR is floored at 1e-7. Gradients (per row, then / B), with p = σ(a)σ(b) and g = (p − y₂) / (1 − p):
 *   ∂/∂a = σ(a) − y₁ + g·(1 − σ(a)),  ∂/∂b = g·(1 − σ(b)).
 */
export function esmmLoss(
  a: tf.Tensor1D,
  b: tf.Tensor1D,
  click: Float32Array,
  conversion: Float32Array,
  js = canReadSync(),
): tf.Scalar {
  const B = click.length;
  const both = Float32Array.from(click, (c, i) => c * conversion[i]);
  if (js)
    return jsLoss([a, b], ([av, bv], [ga, gb]) => {
      let loss = 0;
      for (let i = 0; i < B; i++) {
        const sa = sigmoid(av[i]),
          sb = sigmoid(bv[i]);
        const p = sa * sb;
        const oneMinusP = Math.max(1 - p, ONE_MINUS_P_MIN);
        const logP = -softplus(-av[i]) - softplus(-bv[i]);
        loss += softplus(-av[i]) + (1 - click[i]) * av[i] - both[i] * logP - (1 - both[i]) * Math.log(oneMinusP);
        const g = (p - both[i]) / oneMinusP;
        ga[i] = (sa - click[i] + g * (1 - sa)) / B;
        gb[i] = (g * (1 - sb)) / B;
      }
      return loss / B;
    });
  const f = customGrad((aa: tf.Tensor, bb: tf.Tensor, save: tf.GradSaveFunc) => {
    const y1 = tf.tensor1d(click),
      y2 = tf.tensor1d(both);
    const sa = tf.sigmoid(aa),
      sb = tf.sigmoid(bb);
    const p = tf.mul(sa, sb);
    const oneMinusP = tf.maximum(tf.sub(1, p), ONE_MINUS_P_MIN);
    const ctr = tf.add(tf.softplus(tf.neg(aa)), tf.mul(tf.sub(1, y1), aa));
    const logP = tf.neg(tf.add(tf.softplus(tf.neg(aa)), tf.softplus(tf.neg(bb))));
    const ctcvr = tf.neg(tf.add(tf.mul(y2, logP), tf.mul(tf.sub(1, y2), tf.log(oneMinusP))));
    save([sa, sb, p, oneMinusP, y1, y2]);
    return {
      value: tf.div(tf.sum(tf.add(ctr, ctcvr)), B),
      gradFunc: (dy: tf.Tensor, [sas, sbs, ps, omp, y1s, y2s]: tf.Tensor[]) => {
        const scale = tf.div(dy, B);
        const g = tf.div(tf.sub(ps, y2s), omp);
        const da = tf.add(tf.sub(sas, y1s), tf.mul(g, tf.sub(1, sas)));
        const db = tf.mul(g, tf.sub(1, sbs));
        return [tf.mul(da, scale), tf.mul(db, scale)];
      },
    };
  });
  return f(a, b) as tf.Scalar;
}

/**
 * x [B, in] · W [in, out] + b as one op with explicit-transpose gradients: dx = dy·Wᵀ, dW = xᵀ·dy (or (dyᵀ·x)ᵀ when
 * out > in: XNNPACK repacks its right operand per call, so the long operand goes left narrow; sequence/ops.ts: mm),
 * db = Σ_rows dy. Fewer kernels than matMul + broadcast add, whose autodiff adds reshapes, transposed-operand matMuls
 * and a broadcast reduction.
 */
export function affine(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor): tf.Tensor2D {
  const f = customGrad((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor, save: tf.GradSaveFunc) => {
    save(savable(xx, ww));
    return {
      value: tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = restored(saved, xx, ww);
        const d = dy as tf.Tensor2D;
        const dw =
          ws.shape[1]! > ws.shape[0]!
            ? tf.transpose(tf.matMul(tf.transpose(d), xs as tf.Tensor2D))
            : tf.matMul(tf.transpose(xs as tf.Tensor2D), d);
        return [tf.matMul(d, tf.transpose(ws as tf.Tensor2D)), dw, tf.sum(d, 0)];
      },
    };
  });
  return f(x, w, b) as tf.Tensor2D;
}

/**
 * Straight-through hard assignment: forward the one-hot of each row's argmax (003 eq. 4 applied to the Gumbel-softmax
 * sample of eq. 7), backward the identity, so the gradient reaches the soft sample as if it had been used.
 */
export function straightThrough(soft: tf.Tensor2D): tf.Tensor2D {
  const K = soft.shape[1];
  const f = customGrad((s: tf.Tensor) => ({
    value: tf.cast(tf.oneHot(tf.argMax(s, 1), K), 'float32'),
    gradFunc: (dy: tf.Tensor) => tf.clone(dy),
  }));
  return f(soft) as tf.Tensor2D;
}
