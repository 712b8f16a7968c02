import { describe, expect, it } from 'vitest';
import { tf } from '../../models/sequence/testing.tf';
import { affine, bagOfEmbeddings, bceLogits, esmmLoss, segmentSum, straightThrough } from './ops';
import { createRng } from '../../util/rng';
import { sigmoid } from './testing.ref';

const rand = (n: number, seed: number, scale = 1) => {
  const r = createRng(seed);
  return Float64Array.from({ length: n }, () => r.normal() * scale);
};

/** Central finite differences of a plain-JS scalar function f at x (x restored afterwards). */
function fdGrad(f: () => number, x: Float64Array, eps = 1e-3): number[] {
  return Array.from(x, (_, i) => {
    const o = x[i];
    x[i] = o + eps;
    const up = f();
    x[i] = o - eps;
    const dn = f();
    x[i] = o;
    return (up - dn) / (2 * eps);
  });
}

const bce = (p: number, y: number) => -(y * Math.log(p) + (1 - y) * Math.log(1 - p));

describe('segmentSum and bagOfEmbeddings (packed history sums)', () => {
  const E = 6,
    D = 3,
    B = 4,
    V = 5;
  const seg = Int32Array.from([0, 0, 2, 2, 2, 3]);
  const ids = Int32Array.from([1, 4, 1, 1, 0, 3]);
  const w = Float32Array.from([0.5, 0.5, 1 / 3, 1 / 3, 1 / 3, 1]);
  const R = rand(B * D, 9); // objective weights: L = Σ R ⊙ out

  /** Plain JS: out[s] = Σ_{seg[e] = s} w[e]·x[e] (x[e] = table[ids[e]] for the bag). */
  const jsSum = (x: (e: number, d: number) => number) => {
    const out = new Array(B * D).fill(0);
    for (let e = 0; e < E; e++) for (let d = 0; d < D; d++) out[seg[e] * D + d] += w[e] * x(e, d);
    return out;
  };

  it('segmentSum: rows without entries are 0; value and gradient match plain JS and finite differences', () => {
    const x = rand(E * D, 1);
    const [val, grad] = tf.tidy(() => {
      const xt = tf.tensor2d(Float32Array.from(x), [E, D]);
      const f = (t: tf.Tensor) =>
        tf.sum(tf.mul(segmentSum(t as tf.Tensor2D, seg, B, w), tf.tensor2d(Float32Array.from(R), [B, D])));
      return [segmentSum(xt, seg, B, w).arraySync().flat(), tf.grad(f)(xt).dataSync()];
    }) as [number[], Float32Array];
    const want = jsSum((e, d) => x[e * D + d]);
    val.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    expect(val.slice(D, 2 * D)).toEqual([0, 0, 0]);
    const L = () => jsSum((e, d) => x[e * D + d]).reduce((s, v, i) => s + v * R[i], 0);
    fdGrad(L, x).forEach((g, i) => expect(grad[i]).toBeCloseTo(g, 3));
  });

  it('bagOfEmbeddings: equals segmentSum of looked-up rows; table gradient adds repeated ids (finite differences)', () => {
    const table = rand(V * D, 2);
    const [val, grad] = tf.tidy(() => {
      const t = tf.tensor2d(Float32Array.from(table), [V, D]);
      const f = (tt: tf.Tensor) =>
        tf.sum(tf.mul(bagOfEmbeddings(tt as tf.Tensor2D, ids, seg, w, B), tf.tensor2d(Float32Array.from(R), [B, D])));
      return [bagOfEmbeddings(t, ids, seg, w, B).arraySync().flat(), tf.grad(f)(t).dataSync()];
    }) as [number[], Float32Array];
    const want = jsSum((e, d) => table[ids[e] * D + d]);
    val.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    const L = () => jsSum((e, d) => table[ids[e] * D + d]).reduce((s, v, i) => s + v * R[i], 0);
    const fd = fdGrad(L, table);
    fd.forEach((g, i) => expect(grad[i]).toBeCloseTo(g, 3));
    // Row 2 is never looked up.
    expect(Array.from(grad.subarray(2 * D, 3 * D))).toEqual([0, 0, 0]);
  });

  it('an empty history list gives zeros', () => {
    const z = tf.tidy(() => segmentSum(tf.zeros([0, D]) as tf.Tensor2D, new Int32Array(0), 2).arraySync());
    expect(z).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('bceLogits and esmmLoss (002)', () => {
  // Logits from moderate to saturated; labels cover every (click, conversion) pair (no conversion without click).
  const a = Float64Array.from([-2, 0, 0.7, 3, -0.4, 12, -9]);
  const b = Float64Array.from([1, -1.5, 0, 2.5, 0.3, 11, -3]);
  const click = Float32Array.from([0, 1, 1, 1, 0, 1, 0]);
  const conv = Float32Array.from([0, 0, 1, 1, 0, 1, 0]);
  const N = a.length;

  const jsBce = () => a.reduce((s, z, i) => s + bce(sigmoid(z), click[i]), 0) / N;
  const jsEsmm = () =>
    a.reduce((s, z, i) => {
      const pctr = sigmoid(z),
        p = pctr * sigmoid(b[i]);
      return s + bce(pctr, click[i]) + bce(p, click[i] * conv[i]);
    }, 0) / N;

  it.each([true, false])(
    'bceLogits (JS path %s): mean cross-entropy; gradient (σ(z) − y)/N, as finite differences',
    (js) => {
      const [v, g] = tf.tidy(() => {
        const z = tf.tensor1d(Float32Array.from(a));
        return [
          bceLogits(z, click, js).dataSync()[0],
          tf
            .grad((t: tf.Tensor) => bceLogits(t as tf.Tensor1D, click, js))(z)
            .dataSync(),
        ];
      }) as [number, Float32Array];
      expect(v).toBeCloseTo(jsBce(), 5);
      fdGrad(jsBce, a, 1e-4).forEach((fd, i) => expect(g[i]).toBeCloseTo(fd, 4));
    },
  );

  it.each([true, false])(
    'esmmLoss (JS path %s): l(click, pCTR) + l(click·conv, pCTR·pCVR), mean; gradients as finite differences',
    (js) => {
      const [v, ga, gb] = tf.tidy(() => {
        const at = tf.tensor1d(Float32Array.from(a)),
          bt = tf.tensor1d(Float32Array.from(b));
        const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
          esmmLoss(x as tf.Tensor1D, y as tf.Tensor1D, click, conv, js),
        )([at, bt]);
        return [esmmLoss(at, bt, click, conv, js).dataSync()[0], da.dataSync(), db.dataSync()];
      }) as [number, Float32Array, Float32Array];
      expect(v).toBeCloseTo(jsEsmm(), 4);
      fdGrad(jsEsmm, a, 1e-4).forEach((fd, i) => expect(ga[i]).toBeCloseTo(fd, 3));
      fdGrad(jsEsmm, b, 1e-4).forEach((fd, i) => expect(gb[i]).toBeCloseTo(fd, 3));
    },
  );
});

describe('straightThrough (hard assignment, 003 eq. 4 and 7)', () => {
  it('forward is the one-hot of each row’s argmax; the gradient passes through unchanged', () => {
    const soft = [
      [0.1, 0.7, 0.2],
      [0.5, 0.2, 0.3],
    ];
    const W = [
      [1, 2, 3],
      [-1, 0.5, 4],
    ];
    const [v, g] = tf.tidy(() => {
      const s = tf.tensor2d(soft);
      const f = (t: tf.Tensor) => tf.sum(tf.mul(straightThrough(t as tf.Tensor2D), tf.tensor2d(W)));
      return [straightThrough(s).arraySync(), tf.grad(f)(s).arraySync()];
    }) as [number[][], number[][]];
    expect(v).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    expect(g).toEqual(W);
  });
});

describe('affine (x·W + b)', () => {
  it.each([
    [3, 2, false],
    [2, 5, false],
    [3, 2, true],
  ])(
    'value and gradients equal plain JS and finite differences (in %i, out %i, weights as variables: %s)',
    (I, O, asVars) => {
      const N = 4;
      const x = rand(N * I, 11),
        w = rand(I * O, 12),
        b = rand(O, 13),
        R = rand(N * O, 14);
      const js = () => {
        let s = 0;
        for (let n = 0; n < N; n++)
          for (let o = 0; o < O; o++) {
            let y = b[o];
            for (let i = 0; i < I; i++) y += x[n * I + i] * w[i * O + o];
            s += y * R[n * O + o];
          }
        return s;
      };
      const [v, ...g] = tf.tidy(() => {
        const ins = [
          tf.tensor2d(Float32Array.from(x), [N, I]),
          tf.tensor2d(Float32Array.from(w), [I, O]),
          tf.tensor1d(Float32Array.from(b)),
        ];
        const f = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
          tf.sum(tf.mul(affine(a as tf.Tensor2D, c as tf.Tensor2D, d), tf.tensor2d(Float32Array.from(R), [N, O])));
        if (asVars) {
          // Weights as variables are read in the backward pass instead of saved on the tape (ops.ts: savable).
          const vw = tf.variable(ins[1], true, `affine_w_${I}`),
            vb = tf.variable(ins[2], true, `affine_b_${I}`);
          const { value, grads } = tf.variableGrads(() => f(ins[0], vw, vb) as tf.Scalar, [vw, vb]);
          const gx = tf.grad((a: tf.Tensor) => f(a, vw, vb))(ins[0]);
          const out = [value.dataSync()[0], gx.dataSync(), grads[vw.name].dataSync(), grads[vb.name].dataSync()];
          vw.dispose();
          vb.dispose();
          return out;
        }
        return [
          f(ins[0], ins[1], ins[2]).dataSync()[0],
          ...tf
            .grads(f)(ins)
            .map((t) => t.dataSync()),
        ];
      }) as [number, Float32Array, Float32Array, Float32Array];
      expect(v).toBeCloseTo(js(), 4);
      [x, w, b].forEach((arr, k) => fdGrad(js, arr).forEach((fd, i) => expect(g[k][i]).toBeCloseTo(fd, 3)));
    },
  );
});
