/**
 * Per-row randomised rounding of the Dual's soft decisions (paper eq. 12): a test row x, decided alone, solves its
 * own u_x so that Σ_y π_xy = K with π_xy = sigmoid((λ_xy − u_x − v_y)/ε) (as rime's `Dual.transform` does on rows
 * it has not seen), then draws its K items so that item y is taken with probability exactly π_xy. Identical rows
 * then split a tied group the way the LP optimum does, in expectation, which one hard threshold per item
 * (TopK{λ − v}, eq. 14's ε → 0 limit) cannot: every row of such a group takes the same items.
 */
import { createRng } from '../util/rng';
import { sig, softRoot, ZCUT } from './kernels';
import type { ActiveView } from './dualSteps';
import { kthLargest, topKIndices } from './select';
import type { Assignment } from './types';

/**
 * Systematic sampling (Madow): with inclusion probabilities pi[0..n) (each in [0, 1], sum S) and one uniform r in
 * [0, 1), takes item j when a point r + i (i = 0, 1, ...) falls in [Σ_{<j} pi, Σ_{≤j} pi). Each item is taken with
 * probability exactly pi[j], at most once (pi ≤ 1), floor(S) or ceil(S) items in all; at most `cap` are written to
 * out[o..). Returns how many were written.
 */
export function systematicSample(
  pi: Float64Array,
  items: Int32Array,
  n: number,
  r: number,
  cap: number,
  out: Int32Array,
  o: number,
): number {
  let c = 0;
  let next = r;
  let taken = 0;
  for (let j = 0; j < n && taken < cap; j++) {
    c += pi[j];
    if (next < c) {
      out[o + taken++] = items[j];
      next += 1;
    }
  }
  return taken;
}

/** The uniform of row x under `seed`: a stream of its own per row, so a row's draw does not depend on the others. */
export const rowUniform = (seed: number, x: number): number =>
  createRng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(x + 1, 0x85ebca77)) >>> 0).next();

/**
 * The soft decisions of one row over its candidates (keys a[0..n) = λ − v, raw units: see candidateFloor) at
 * temperature eps (raw units), written to pi[0..n): π = sigmoid((a − u)/ε) with u ≥ 0 the root of Σπ = K (eq. 13's row step); ε = 0: the
 * top K, with the items tied at the K-th place sharing what is left equally. Σπ ≤ K. Uses scratch[0..n).
 */
export function rowSoft(a: Float64Array, n: number, K: number, eps: number, pi: Float64Array, scratch: Float64Array) {
  scratch.set(a.subarray(0, n));
  if (eps > 0) {
    // n ≤ K included: the root is then u = 0 and π = sigmoid(a/ε), below 1 for a key within a few ε of 0.
    const u = softRoot(scratch, n, eps, K, 1, 0, 1e-7);
    let s = 0;
    for (let j = 0; j < n; j++) s += pi[j] = sig((a[j] - u) / eps);
    // The root is accepted within 1e-7 counts: scale down so that no draw takes K + 1 items.
    if (s > K) for (let j = 0; j < n; j++) pi[j] *= K / s;
    return;
  }
  if (n <= K) {
    pi.fill(1, 0, n);
    return;
  }
  const t = kthLargest(scratch, n, K);
  let above = 0;
  let tied = 0;
  for (let j = 0; j < n; j++) {
    if (a[j] > t) above++;
    else if (a[j] === t) tied++;
  }
  const share = (K - above) / tied;
  for (let j = 0; j < n; j++) pi[j] = a[j] > t ? 1 : a[j] === t ? share : 0;
}

/**
 * The least key λ − v a row's candidates need. At ε > 0 every item whose π can be counted (λ − v − u > −Zε with
 * u ≥ 0), as the calibration counts it: an item capped at β' on slack rows (u = 0) has its tied group at the
 * threshold split with λ − v = ε·logit(share), below 0 for a share under one half, and keeping only λ − v > 0 would
 * take none of that group. At ε = 0 (the hard limit) the positive keys.
 */
export const candidateFloor = (eps: number): number => (eps > 0 ? -ZCUT * eps : 0);

/**
 * Every row alone: its soft decisions over its candidates (candidateFloor, rowSoft), then K of them by systematic
 * sampling with the row's own uniform (rowUniform). `expected` (when given, length p) receives Σ_x π_xy, the
 * exposures the draws deliver on average.
 */
export function roundedDecisions(
  data: Float32Array,
  m: number,
  p: number,
  K: number,
  v: Float64Array,
  eps: number,
  seed: number,
  expected?: Float64Array,
): Assignment {
  const key = new Float64Array(p);
  const items = new Int32Array(p);
  const pi = new Float64Array(p);
  const scratch = new Float64Array(p);
  const indptr = new Int32Array(m + 1);
  const indices = new Int32Array(m * Math.min(K, p));
  expected?.fill(0);
  const floor = candidateFloor(eps);
  let nnz = 0;
  for (let x = 0; x < m; x++) {
    const off = x * p;
    let n = 0;
    for (let y = 0; y < p; y++) {
      const k = data[off + y] - v[y];
      if (k > floor) {
        key[n] = k;
        items[n++] = y;
      }
    }
    if (K > 0 && n > 0) {
      rowSoft(key, n, K, eps, pi, scratch);
      if (expected) for (let j = 0; j < n; j++) expected[items[j]] += pi[j];
      const c = systematicSample(pi, items, n, rowUniform(seed, x), K, indices, nnz);
      // Systematic sampling keeps the index order, as an assignment's rows do.
      nnz += c;
    }
    indptr[x + 1] = nnz;
  }
  return { nRows: m, nCols: p, indptr, indices: indices.slice(0, nnz) };
}

/**
 * Hard decisions (raw units): per row the top K of λ − v among positive values; S (when given and still exact for
 * the row) saves the full-row pass.
 */
export function hardDecisions(
  data: Float32Array,
  m: number,
  p: number,
  K: number,
  v: Float64Array,
  S?: ActiveView,
): Assignment {
  const key = new Float64Array(p);
  const scratch = new Float64Array(p);
  const pick = new Int32Array(p);
  const indptr = new Int32Array(m + 1);
  let indices = new Int32Array(Math.max(16, Math.min(m * Math.min(K, p), 1 << 20)));
  let nnz = 0;
  for (let x = 0; x < m; x++) {
    if (nnz + K > indices.length) {
      const g = new Int32Array(Math.max(indices.length * 2, nnz + K));
      g.set(indices);
      indices = g;
    }
    let done = false;
    if (S) {
      const j0 = S.rowPtr[x];
      const n = S.rowPtr[x + 1] - j0;
      const bound = S.bound[x];
      let above = 0;
      for (let q = 0; q < n; q++) {
        key[q] = S.val[j0 + q] - v[S.col[j0 + q]];
        if (key[q] > bound) above++;
      }
      if (above >= K) {
        const c = topKIndices(key, n, K, Math.max(0, bound), scratch, pick);
        for (let q = 0; q < c; q++) indices[nnz++] = S.col[j0 + pick[q]];
        done = true;
      }
    }
    if (!done) {
      const off = x * p;
      for (let y = 0; y < p; y++) key[y] = data[off + y] - v[y];
      const c = topKIndices(key, p, K, 0, scratch, pick);
      for (let q = 0; q < c; q++) indices[nnz++] = pick[q];
    }
    indptr[x + 1] = nnz;
  }
  return { nRows: m, nCols: p, indptr, indices: indices.slice(0, nnz) };
}
