import { describe, expect, it } from 'vitest';
import { tf } from './testing.tf';
import { createRng } from '../../util/rng';
import { gruCell } from './gru';
import { gruForward, gruLayer, packSequences, packSteps, permuteRows } from './gruLayer';
import { lookup } from './ops';

// A tiny case: 3 rows of lengths 5, 2 and 3 (right padding), input width 3, hidden 4, a non-zero initial state.
const B = 3,
  T = 5,
  D = 3,
  H = 4;
const lengths = Int32Array.from([5, 2, 3]);
const rand = (n: number, seed: number) => {
  const r = createRng(seed);
  return Float64Array.from({ length: n }, () => r.normal() * 0.7);
};
/** Inputs [B, T, D] row-major by row (padding steps hold numbers too: they must not matter). */
const x = rand(B * T * D, 1),
  wi = rand(D * 3 * H, 2),
  bi = rand(3 * H, 3),
  wh = rand(H * 3 * H, 4),
  bh = rand(3 * H, 5),
  h0 = rand(B * H, 6);
const R = rand(B * T * H, 7); // objective weights of the state after each step: L = Σ_{b, t < len_b} R ⊙ h_bt
const Rf = rand(B * H, 8); // … and of the final states

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

/** Plain-JS GRU in float64 (torch.nn.GRU gate order r, z, n): the states of each row over its own steps. */
function reference(): { states: number[][][]; final: number[][] } {
  const states: number[][][] = [];
  const final: number[][] = [];
  for (let b = 0; b < B; b++) {
    let h = Array.from({ length: H }, (_, j) => h0[b * H + j]);
    const rows: number[][] = [];
    for (let t = 0; t < lengths[b]; t++) {
      const xi = (k: number) => {
        let v = bi[k];
        for (let d = 0; d < D; d++) v += x[(b * T + t) * D + d] * wi[d * 3 * H + k];
        return v;
      };
      const hi = (k: number) => h.reduce((v, hv, i) => v + hv * wh[i * 3 * H + k], bh[k]);
      h = h.map((hp, j) => {
        const r = sigmoid(xi(j) + hi(j));
        const z = sigmoid(xi(H + j) + hi(H + j));
        const n = Math.tanh(xi(2 * H + j) + r * hi(2 * H + j));
        return (1 - z) * n + z * hp;
      });
      rows.push(h);
    }
    states.push(rows);
    final.push(h);
  }
  return { states, final };
}

function referenceLoss(): number {
  const { states, final } = reference();
  let l = 0;
  states.forEach((rows, b) => rows.forEach((h, t) => h.forEach((v, j) => (l += v * R[(b * T + t) * H + j]))));
  final.forEach((h, b) => h.forEach((v, j) => (l += v * Rf[b * H + j])));
  return l;
}

const inputs = () => [
  tf.tensor2d(Float32Array.from(x), [B * T, D]),
  tf.tensor2d(Float32Array.from(wi), [D, 3 * H]),
  tf.tensor1d(Float32Array.from(bi)),
  tf.tensor2d(Float32Array.from(wh), [H, 3 * H]),
  tf.tensor1d(Float32Array.from(bh)),
  tf.tensor2d(Float32Array.from(h0), [B, H]),
];
const { packed, ids } = packSequences(lengths, (row, s) => row * T + s);
/** For each packed entry, its place b·T + t in the [B, T] layout. */
const place = ids;

/** The fused op's states at every real step, in the [B, T] layout (padding 0), and its final states. */
function fused(xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor, h: tf.Tensor) {
  const xs = lookup(xx as tf.Tensor2D, ids);
  const all = gruLayer(xs, a as tf.Tensor2D, b, c as tf.Tensor2D, d, packed, { output: 'all', h0: h as tf.Tensor2D });
  const fin = gruLayer(xs, a as tf.Tensor2D, b, c as tf.Tensor2D, d, packed, {
    output: 'final',
    h0: h as tf.Tensor2D,
  });
  // Back to the [B·T, H] layout: lookup's gradient scatters into the rows of each entry.
  const back = new Int32Array(B * T).fill(packed.entries);
  place.forEach((p, e) => (back[p] = e));
  const padded = lookup(tf.concat([all, tf.zeros([1, H])], 0) as tf.Tensor2D, back);
  return { padded, fin };
}

/** The per-step ops path (gruCell) over the [B, T] layout: a row past its length keeps its state. */
function opByOp(xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor, h: tf.Tensor) {
  let state = h as tf.Tensor2D;
  const steps: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const rows = Int32Array.from({ length: B }, (_, r) => r * T + t);
    const xt = tf.gather(xx, tf.tensor1d(rows, 'int32')) as tf.Tensor2D;
    const next = gruCell(tf.add(tf.matMul(xt, a as tf.Tensor2D), b) as tf.Tensor2D, state, c as tf.Tensor2D, d);
    const live = tf.tensor2d(
      Float32Array.from({ length: B }, (_, r) => (t < lengths[r] ? 1 : 0)),
      [B, 1],
    );
    state = tf.add(tf.mul(next, live), tf.mul(state, tf.sub(1, live))) as tf.Tensor2D;
    steps.push(tf.mul(state, live) as tf.Tensor2D);
  }
  // [T, B, H] → rows b·T + t
  const padded = tf.reshape(tf.transpose(tf.stack(steps), [1, 0, 2]), [B * T, H]) as tf.Tensor2D;
  return { padded, fin: state };
}

const objective =
  (path: typeof fused) =>
  (...[xx, a, b, c, d, h]: tf.Tensor[]) => {
    const { padded, fin } = path(xx, a, b, c, d, h);
    const w = Float32Array.from(R, (v, i) => (Math.floor(i / H) % T < lengths[Math.floor(i / (T * H))] ? v : 0));
    return tf.add(
      tf.sum(tf.mul(padded, tf.tensor2d(w, [B * T, H]))),
      tf.sum(tf.mul(fin, tf.tensor2d(Float32Array.from(Rf), [B, H]))),
    );
  };

describe('gruLayer (fused GRU layer over packed sequences)', () => {
  it('packs a window of steps: rows longest first, the running rows of each step a prefix', () => {
    const p = packSteps(Int32Array.from([5, 2, 3, 0]), 2, 2);
    expect(Array.from(p.order)).toEqual([0, 2, 1, 3]);
    // Steps 2 and 3: rows of length 5 and 3 run at step 2, only length 5 at step 3.
    expect(Array.from(p.batchSizes)).toEqual([2, 1]);
    expect(Array.from(p.stepStart)).toEqual([0, 2, 3]);
    expect(p.entries).toBe(3);
    expect(Array.from(permuteRows(Float32Array.from([0, 1, 2, 3]), p.order, 1, false))).toEqual([0, 2, 1, 3]);
    expect(Array.from(permuteRows(Float32Array.from([0, 2, 1, 3]), p.order, 1, true))).toEqual([0, 1, 2, 3]);
  });

  it('states equal the plain-JS GRU (each row over its own steps from h0) and the op-by-op path', () => {
    const ref = reference();
    const [fusedPadded, fusedFin, opsPadded] = tf.tidy(() => {
      const ins = inputs();
      const f = fused(ins[0], ins[1], ins[2], ins[3], ins[4], ins[5]);
      const o = opByOp(ins[0], ins[1], ins[2], ins[3], ins[4], ins[5]);
      return [f.padded.dataSync(), f.fin.dataSync(), o.padded.dataSync()];
    }) as Float32Array[];
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++)
        for (let j = 0; j < H; j++) {
          const i = (b * T + t) * H + j;
          if (t < lengths[b]) {
            expect(fusedPadded[i]).toBeCloseTo(ref.states[b][t][j], 5);
            expect(fusedPadded[i]).toBeCloseTo(opsPadded[i], 5);
          }
        }
      for (let j = 0; j < H; j++) expect(fusedFin[b * H + j]).toBeCloseTo(ref.final[b][j], 5);
    }
  });

  it('gradients (inputs, all weights, initial state) equal finite differences and the op-by-op path', () => {
    const [fusedGrads, opsGrads] = tf.tidy(() => {
      const ins = inputs();
      return [
        tf
          .grads(objective(fused))(ins)
          .map((g) => Array.from(g.dataSync())),
        tf
          .grads(objective(opByOp))(ins)
          .map((g) => Array.from(g.dataSync())),
      ];
    }) as number[][][];
    const eps = 1e-4;
    [x, wi, bi, wh, bh, h0].forEach((arr, k) => {
      arr.forEach((o, i) => {
        arr[i] = o + eps;
        const up = referenceLoss();
        arr[i] = o - eps;
        const dn = referenceLoss();
        arr[i] = o;
        expect(fusedGrads[k][i]).toBeCloseTo((up - dn) / (2 * eps), 3);
        expect(fusedGrads[k][i]).toBeCloseTo(opsGrads[k][i], 4);
      });
    });
    // Padding steps' inputs get no gradient.
    for (let b = 0; b < B; b++)
      for (let t = lengths[b]; t < T; t++)
        expect(fusedGrads[0].slice((b * T + t) * D, (b * T + t + 1) * D)).toEqual(new Array(D).fill(0));
  });

  it('windows chained through their final states equal one pass; the forward-only run agrees; no tensor is left', () => {
    const before = tf.memory().numTensors;
    const ref = reference();
    const ins = inputs();
    const [xx, a, b, c, d] = ins as tf.Tensor2D[];
    // Two windows (steps 0-1 and 2-4), the second starting from the first's final states given as numbers.
    let carried: Float32Array = Float32Array.from(h0);
    const windows: Float32Array[] = [];
    for (const [t0, len] of [
      [0, 2],
      [2, 3],
    ]) {
      const p = packSteps(lengths, t0, len);
      const rows = new Int32Array(p.entries);
      for (let s = 0; s < len; s++)
        for (let k = 0; k < p.batchSizes[s]; k++) rows[p.stepStart[s] + k] = p.order[k] * T + t0 + s;
      const out = tf.tidy(() =>
        gruLayer(tf.gather(xx, tf.tensor1d(rows, 'int32')) as tf.Tensor2D, a, b, c, d, p, {
          output: 'all',
          h0: carried,
          onFinal: (h) => (carried = h),
        }),
      );
      windows.push(out.dataSync() as Float32Array);
      out.dispose();
      // Entry of (row, step) of this window against the reference.
      for (let s = 0; s < len; s++)
        for (let k = 0; k < p.batchSizes[s]; k++)
          for (let j = 0; j < H; j++)
            expect(windows[windows.length - 1][(p.stepStart[s] + k) * H + j]).toBeCloseTo(
              ref.states[p.order[k]][t0 + s][j],
              5,
            );
    }
    for (let r = 0; r < B; r++) for (let j = 0; j < H; j++) expect(carried[r * H + j]).toBeCloseTo(ref.final[r][j], 5);
    // Forward only, from pre-projected inputs.
    const xw = tf.tidy(() => tf.add(tf.matMul(lookup(xx, ids), a), b));
    const h = permuteRows(Float32Array.from(h0), packed.order, H, false);
    const states = gruForward(xw.dataSync() as Float32Array, h, c, d.dataSync() as Float32Array, packed);
    xw.dispose();
    place.forEach((pl, e) => {
      const [row, t] = [Math.floor(pl / T), pl % T];
      for (let j = 0; j < H; j++) expect(states[e * H + j]).toBeCloseTo(ref.states[row][t][j], 5);
    });
    const fin = permuteRows(h, packed.order, H, true);
    for (let r = 0; r < B; r++) for (let j = 0; j < H; j++) expect(fin[r * H + j]).toBeCloseTo(ref.final[r][j], 5);
    tf.dispose(ins);
    // And a backward pass frees what it made.
    const g = tf.grads(objective(fused));
    const ins2 = inputs();
    const grads = g(ins2);
    tf.dispose([...grads, ...ins2]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
