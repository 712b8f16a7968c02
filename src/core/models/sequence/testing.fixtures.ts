import type { Csr, Dataset, EvalSet } from '../../data/types';
import { createRng } from '../../util/rng';

/** A hand-built Dataset from per-user item sequences (times 0, 1, 2, … per user). */
export function datasetOf(seqs: number[][], nItems: number): Dataset {
  const n = seqs.reduce((a, s) => a + s.length, 0);
  const user = new Int32Array(n),
    item = new Int32Array(n),
    time = new Float64Array(n);
  const userOffsets = new Int32Array(seqs.length + 1);
  const itemCounts = new Int32Array(nItems);
  let k = 0;
  seqs.forEach((s, u) => {
    userOffsets[u] = k;
    s.forEach((it, t) => {
      user[k] = u;
      item[k] = it;
      time[k] = t;
      itemCounts[it]++;
      k++;
    });
  });
  userOffsets[seqs.length] = k;
  return {
    userIds: seqs.map((_, u) => `u${u}`),
    itemIds: Array.from({ length: nItems }, (_, i) => `i${i}`),
    user,
    item,
    time,
    userOffsets,
    itemCounts,
    nUsers: seqs.length,
    nItems,
  };
}

/** Rows for given users with histories ending at histEnd (absolute event indices); empty targets. */
export function evalRows(users: number[], histEnd: number[], nItems: number): EvalSet {
  const target: Csr = {
    nRows: users.length,
    nCols: nItems,
    indptr: new Int32Array(users.length + 1),
    indices: new Int32Array(0),
    data: new Float32Array(0),
  };
  return {
    users: Int32Array.from(users),
    testStart: new Float64Array(users.length),
    histEnd: Int32Array.from(histEnd),
    horizon: 1,
    target,
    excludeTrain: false,
  };
}

/** argmax_y h·E_y + b_y for row r of factors. */
export function top1(
  f: { hidden: Float32Array; itemEmb: Float32Array; itemBias: Float32Array; dim: number },
  r: number,
): number {
  let best = -Infinity,
    arg = -1;
  const nItems = f.itemBias.length;
  for (let y = 0; y < nItems; y++) {
    let s = f.itemBias[y];
    for (let d = 0; d < f.dim; d++) s += f.hidden[r * f.dim + d] * f.itemEmb[y * f.dim + d];
    if (s > best) {
      best = s;
      arg = y;
    }
  }
  return arg;
}

/** n standard normal draws from a seeded generator. */
export const randNormal = (n: number, seed: number): Float32Array => {
  const r = createRng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
};

/**
 * Plain-JS mean NLL of eq. 1 over targets ≠ 0 (independent of tfjs): h [N, D], e [V, D], b [V], all row-major, in
 * f64 with the max subtracted before exp.
 */
export function plainNll(h: Float32Array, e: Float32Array, b: Float32Array, t: number[], D: number): number {
  const V = b.length;
  let s = 0,
    c = 0;
  t.forEach((y, n) => {
    if (y === 0) return;
    const z = Array.from({ length: V }, (_, v) => {
      let a = b[v];
      for (let d = 0; d < D; d++) a += h[n * D + d] * e[v * D + d];
      return a;
    });
    const m = Math.max(...z);
    s += m + Math.log(z.reduce((acc, x) => acc + Math.exp(x - m), 0)) - z[y];
    c++;
  });
  return s / c;
}

/** Central finite differences (step 1e-3) of plainNll with respect to each entry of h, e and b, in that order. */
export function nllFiniteDiffs(
  h: Float32Array,
  e: Float32Array,
  b: Float32Array,
  t: number[],
  D: number,
): [Float64Array, Float64Array, Float64Array] {
  const eps = 1e-3;
  const fd = (arr: Float32Array) =>
    Float64Array.from(arr, (o, i) => {
      arr[i] = o + eps;
      const up = plainNll(h, e, b, t, D);
      arr[i] = o - eps;
      const dn = plainNll(h, e, b, t, D);
      arr[i] = o;
      return (up - dn) / (2 * eps);
    });
  return [fd(h), fd(e), fd(b)];
}

/**
 * Softmax cross-entropy in f64, written out: gradient w·(softmax − onehot), column sums, loss, row statistics. The
 * logit plus bias is rounded to f32 first, as every f32 implementation (tfjs's add too) holds it.
 */
export function xentReference(
  L: Float32Array,
  bias: Float32Array,
  t: Int32Array,
  w: Float32Array,
  R: number,
  V: number,
) {
  const g = new Float64Array(R * V),
    db = new Float64Array(V),
    lse = new Float64Array(R),
    xt = new Float64Array(R);
  let loss = 0;
  for (let r = 0; r < R; r++) {
    const x = Array.from({ length: V }, (_, y) => Math.fround(L[r * V + y] + bias[y]));
    const m = Math.max(...x);
    const z = x.reduce((a, v) => a + Math.exp(v - m), 0);
    lse[r] = m + Math.log(z);
    xt[r] = x[t[r]];
    loss += w[r] * (lse[r] - xt[r]);
    for (let y = 0; y < V; y++) {
      g[r * V + y] = w[r] * (Math.exp(x[y] - lse[r]) - (y === t[r] ? 1 : 0));
      db[y] += g[r * V + y];
    }
  }
  return { g, db, lse, xt, loss };
}

/**
 * Plain-JS causal multi-head attention over the same layout (independent of tfjs and of the op's JS kernels):
 * out[b·T + t, h·d + j] = Σ_{s ≤ t, s < L_b} softmax_s(q·k_s / √d) v_s[j] for t < L_b, else 0.
 */
export function attentionReference(
  x: Float64Array | Float32Array,
  B: number,
  T: number,
  heads: number,
  lens: number[],
): Float64Array {
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
