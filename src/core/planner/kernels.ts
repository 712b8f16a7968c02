/**
 * The Dual's one-dimensional root finds (paper eqs. 12-13, Lemma S2). For one row x (or one column y) with shifted
 * scores a_j = λ_xj − v_j (or b_i = λ_iy − u_i), the soft assignment is π_j = sigmoid((a_j − t)/ε) (eq. 12) and the
 * dual gradient in t is target − Σ_j π_j (eq. 13, in counts rather than means). Σ_j π_j falls monotonically in t, so
 * the root is unique; it is projected to the constraint's sign (u ≥ 0 for user capacity and item maximal exposure,
 * v ≤ 0 for item minimal exposure).
 *
 * Speed: the root lies within Zε of t_k, the k-th largest a (k = ⌈target⌉), found by quickselect; entries below
 * t_k − 2Zε contribute < sigmoid(−Z) each and are dropped before the iterations, so the Newton steps (in a bracket
 * of width 2Zε) touch only the few entries near the threshold once ε is small. Exactly the ε → 0 limit of eq. 14: the root tends to the TopK
 * threshold (rows) or the β-quantile (columns).
 */
import { kthLargest } from './select';

/** Logit cut-off: sigmoid(−Z) ≈ 2·10⁻⁹, counted as 0 (and sigmoid(Z) as 1). */
export const ZCUT = 20;

/** sigmoid(z) with the cut-off. */
export function sig(z: number): number {
  return z > ZCUT ? 1 : z < -ZCUT ? 0 : 1 / (1 + Math.exp(-z));
}

/** Σ_j sigmoid((a_j − t)/ε) over a[0..n). */
export function softCount(a: Float64Array, n: number, t: number, eps: number): number {
  const inv = 1 / eps;
  let f = 0;
  for (let j = 0; j < n; j++) {
    const z = (a[j] - t) * inv;
    if (z > ZCUT) f += 1;
    else if (z > -ZCUT) f += 1 / (1 + Math.exp(-z));
  }
  return f;
}

/** max (sign 1) or min (sign −1) of a[0..n). */
function extreme(a: Float64Array, n: number, sign: 1 | -1): number {
  let e = sign * -Infinity;
  for (let j = 0; j < n; j++) if (sign * a[j] > sign * e) e = a[j];
  return e;
}

/**
 * The projected root t of Σ_j sigmoid((a_j − t)/ε) = target over a[0..n) (reorders and overwrites a).
 * side = +1: an upper-bound constraint Σπ ≤ target with multiplier t ≥ 0 (0 when the constraint is slack at t = 0).
 * side = −1: a lower-bound constraint Σπ ≥ target with multiplier t ≤ 0 (0 when it holds at t = 0).
 * `prev` seeds Newton; `tol` is the accepted |Σπ − target| in counts. ε > 0.
 * Limits: target ≤ 0 on side +1 gives max a + Zε (nothing assigned); target ≥ n on side −1 gives min a − Zε
 * (everything assigned, still short); target ≥ n on side +1 gives 0.
 */
export function softRoot(
  a: Float64Array,
  n: number,
  eps: number,
  target: number,
  side: 1 | -1,
  prev: number,
  tol: number,
): number {
  if (n === 0) return side > 0 ? 0 : prev;
  const zeps = ZCUT * eps;
  if (side > 0) {
    if (target <= 0) return Math.max(0, extreme(a, n, 1) + zeps);
    if (target >= n) return 0;
  } else {
    if (target <= 0) return 0;
    if (target >= n) return Math.min(0, extreme(a, n, -1) - zeps);
  }
  // The root lies within Zε of the k-th largest a, k = ⌈target⌉: at t = a_k − Zε the top k entries alone count
  // ≥ k·sigmoid(Z) ≥ target; at t = a_k + Zε only entries above a_k (< k of them, ≤ target) count more than sigmoid(−Z).
  const k = Math.max(1, Math.min(n, Math.ceil(target - 1e-9)));
  const tk = kthLargest(a, n, k);
  let lo = tk - zeps;
  let hi = tk + zeps;
  // Drop entries that cannot matter for any t ≥ lo.
  const floor = lo - zeps;
  let m = 0;
  for (let j = 0; j < n; j++) if (a[j] >= floor) a[m++] = a[j];
  if (side > 0) {
    if (hi <= 0) return 0;
    if (lo < 0) {
      if (softCount(a, m, 0, eps) <= target + tol) return 0;
      lo = 0;
    }
  } else {
    if (lo >= 0) return 0;
    if (hi > 0) {
      if (softCount(a, m, 0, eps) >= target - tol) return 0;
      hi = 0;
    }
  }
  // One exp per pair for the whole root find: with e_j = exp((a_j − t_k)/ε) and E = exp((t − t_k)/ε),
  // sigmoid((a_j − t)/ε) = e_j / (e_j + E). Pairs kept lie above t_k − 2Zε; those far above saturate (capped at e^60,
  // still 1 − e^−40 against any E in the bracket).
  for (let j = 0; j < m; j++) a[j] = Math.exp(Math.min(60, (a[j] - tk) / eps));
  let t = prev > lo && prev < hi ? prev : 0.5 * (lo + hi);
  for (let it = 0; it < 200; it++) {
    const E = Math.exp((t - tk) / eps);
    let f = -target;
    let d = 0;
    for (let j = 0; j < m; j++) {
      const e = a[j];
      const q = 1 / (e + E);
      f += e * q;
      d += e * E * q * q;
    }
    if (Math.abs(f) <= tol) return t;
    if (f > 0) lo = t;
    else hi = t;
    if (hi - lo <= 1e-12 * (1 + Math.abs(t))) return t;
    // Newton: dΣπ/dt = −Σ π(1−π)/ε; fall back to bisection outside the bracket.
    let next = d > 0 ? t + (f * eps) / d : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    t = next;
  }
  return t;
}

/** Eq. 12 over a dense rows × cols matrix: π_xy = sigmoid((λ_xy − u_x − v_y)/ε), row-major. */
export function softAssignment(
  lambda: ArrayLike<number>,
  rows: number,
  cols: number,
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  eps: number,
): Float64Array {
  const pi = new Float64Array(rows * cols);
  for (let x = 0; x < rows; x++)
    for (let y = 0; y < cols; y++) pi[x * cols + y] = sig((lambda[x * cols + y] - u[x] - v[y]) / eps);
  return pi;
}

/**
 * One pass over a dense rows × cols matrix (the sigmoid-and-mean inside a root find): row and column sums of
 * π = sigmoid((λ − u − v)/ε), with pairs beyond the logit cut-off counted as 0 or 1 without an exp.
 */
export function softPass(
  data: Float32Array,
  rows: number,
  cols: number,
  u: Float64Array,
  v: Float64Array,
  eps: number,
  rowSum: Float64Array,
  colSum: Float64Array,
): void {
  const inv = 1 / eps;
  colSum.fill(0);
  for (let x = 0; x < rows; x++) {
    const off = x * cols;
    const ux = u[x];
    // z > −ZCUT ⇔ λ − v > u − ZCUT·ε: most pairs fail that one compare, so the logit is formed only for the rest.
    const lo = ux - ZCUT * eps;
    let s = 0;
    for (let y = 0; y < cols; y++) {
      const t = data[off + y] - v[y];
      if (t > lo) {
        const z = (t - ux) * inv;
        const q = z > ZCUT ? 1 : 1 / (1 + Math.exp(-z));
        s += q;
        colSum[y] += q;
      }
    }
    rowSum[x] = s;
  }
}
