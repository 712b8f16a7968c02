import { solveSymmetric } from '../../util/linalg';

/**
 * Maximises the point-process log-likelihood of a model linear in its coefficients,
 *   F(c) = Σ_e log(f_e · c) − G · c   over c ≥ 0,
 * (f_e ≥ 0: the features of event e, row-major n × K; G ≥ 0: each coefficient's integral of λ). F is concave, so a
 * projected Newton method converges fast: coordinates at the bound with a pointing-out gradient are held at 0, the
 * others take a (lightly damped) Newton step with an active-set pass for those it would push below 0, and a projected
 * backtracking line search keeps F increasing.
 * Stage 1 solves on a strided subsample of events (log terms weighted n/m, G exact: an unbiased F) for a warm start;
 * stage 2 polishes on all events, where a pass costs O(n·K²) and only a few passes are needed.
 */

export interface SolveResult {
  coef: Float64Array;
  /** F at coef on all events. */
  objective: number;
  /** Newton iterations on the subsample and on all events. */
  iterations: number;
}

interface Pass {
  F: number;
  grad: Float64Array;
  /** −∇²F (positive semidefinite), K × K. */
  H: Float64Array;
}

/** A set of events with the weight of each log term: `idx` null means every event (weight 1, no indirection). */
interface Sample {
  idx: Int32Array | null;
  weight: number;
}

/** Events e = floor(i · n / m) for i < m; weight n / m each. */
function stride(n: number, m: number): Sample {
  if (m >= n) return { idx: null, weight: 1 };
  return { idx: Int32Array.from({ length: m }, (_, i) => Math.floor((i * n) / m)), weight: n / m };
}

/** F and its gradient on the sample; F = −∞ (and no gradient) when some λ_e ≤ 0. */
function firstOrderPass(
  f: Float32Array,
  K: number,
  G: Float64Array,
  s: Sample,
  c: Float64Array,
): { F: number; grad: Float64Array } {
  const grad = new Float64Array(K);
  const n = s.idx ? s.idx.length : f.length / K;
  let logs = 0;
  for (let q = 0; q < n; q++) {
    const row = (s.idx ? s.idx[q] : q) * K;
    let lam = 0;
    for (let k = 0; k < K; k++) lam += c[k] * f[row + k];
    if (!(lam > 0)) return { F: -Infinity, grad };
    logs += Math.log(lam);
    const w = 1 / lam;
    for (let k = 0; k < K; k++) grad[k] += f[row + k] * w;
  }
  let g = 0;
  for (let k = 0; k < K; k++) {
    g += c[k] * G[k];
    grad[k] = s.weight * grad[k] - G[k];
  }
  return { F: s.weight * logs - g, grad };
}

function secondOrderPass(f: Float32Array, K: number, G: Float64Array, s: Sample, c: Float64Array): Pass {
  const grad = new Float64Array(K);
  const H = new Float64Array(K * K);
  const n = s.idx ? s.idx.length : f.length / K;
  let logs = 0;
  for (let q = 0; q < n; q++) {
    const row = (s.idx ? s.idx[q] : q) * K;
    let lam = 0;
    for (let k = 0; k < K; k++) lam += c[k] * f[row + k];
    logs += Math.log(lam);
    const w = 1 / lam;
    const w2 = w * w;
    for (let k = 0; k < K; k++) {
      const fk = f[row + k];
      if (fk === 0) continue;
      grad[k] += fk * w;
      const a = fk * w2;
      for (let l = k; l < K; l++) H[k * K + l] += a * f[row + l];
    }
  }
  let g = 0;
  for (let k = 0; k < K; k++) {
    g += c[k] * G[k];
    grad[k] = s.weight * grad[k] - G[k];
    for (let l = k; l < K; l++) {
      H[k * K + l] *= s.weight;
      H[l * K + k] = H[k * K + l];
    }
  }
  return { F: s.weight * logs - g, grad, H };
}

/**
 * Projected Newton iterations; F and the gradient come from `data`, the Hessian from `hess` (the same events, or a
 * subsample of them: a subsampled-Hessian Newton method, linear but fast convergence at a fraction of the cost).
 * The line search's first-order pass at the accepted point is reused as the next iteration's F and gradient, so an
 * iteration costs one pass over `data`. Returns the iterations used and leaves the result in c.
 */
function projectedNewton(
  f: Float32Array,
  K: number,
  G: Float64Array,
  data: Sample,
  hess: Sample,
  c: Float64Array,
  maxIter: number,
  tol: number,
): number {
  const same = data === hess;
  let cur = same ? null : firstOrderPass(f, K, G, data, c);
  let it = 0;
  for (; it < maxIter; it++) {
    const second = secondOrderPass(f, K, G, hess, c);
    const { F, grad } = cur ?? second;
    const H = second.H;
    // Free coordinates: positive, or at 0 with a gradient pushing inward.
    const free: number[] = [];
    for (let k = 0; k < K; k++) if (c[k] > 0 || grad[k] > 0) free.push(k);
    if (free.length === 0) break;
    let trace = 0;
    for (const k of free) trace += H[k * K + k];
    const ridge = 1e-10 * (trace / free.length) + 1e-300;
    // Step Δ maximising the quadratic model gᵀΔ − ½ΔᵀHΔ on the free coordinates. Coordinates the step would push
    // below 0 are fixed at Δ_k = −c_k (they land on the bound) and the rest re-solved given them, until none is
    // pushed out: an active-set pass that avoids the tiny steps a plainly projected Newton direction forces.
    const step = new Float64Array(K);
    /** The first round's step (no coordinate fixed), kept for the interior candidate below. */
    let interior: Float64Array | null = null;
    const onBound = new Set<number>();
    for (let round = 0; round <= free.length; round++) {
      const F2 = free.filter((k) => !onBound.has(k));
      const m = F2.length;
      step.fill(0);
      for (const k of onBound) step[k] = -c[k];
      if (m === 0) break;
      const A = new Float64Array(m * m);
      const b = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        let bi = grad[F2[i]];
        for (const k of onBound) bi -= H[F2[i] * K + k] * step[k];
        b[i] = bi;
        for (let j = 0; j < m; j++) A[i * m + j] = H[F2[i] * K + F2[j]];
        A[i * m + i] += ridge;
      }
      const d = solveSymmetric(A, b, m) ?? Float64Array.from(b, (v, i) => v / Math.max(A[i * m + i], 1e-300));
      let out = false;
      for (let i = 0; i < m; i++) {
        step[F2[i]] = d[i];
        if (c[F2[i]] + d[i] < 0) {
          onBound.add(F2[i]);
          out = true;
        }
      }
      if (out && round === 0) interior = step.slice();
      if (!out) break;
    }
    // The active-set guess (those coordinates' optimum is 0) is wrong when some λ_e needs them (its log term → −∞ at
    // 0): the line search then only halves toward 0. The plain Newton step cut at 90% of the way to the bound (an
    // interior-point step) is tried beside it, and the better of the two kept.
    let inner: { c: Float64Array; pass: { F: number; grad: Float64Array } } | null = null;
    if (interior) {
      const d = interior;
      let tMax = 1;
      for (const k of free) if (d[k] < 0 && c[k] > 0) tMax = Math.min(tMax, (0.9 * c[k]) / -d[k]);
      const ci = c.slice();
      for (const k of free) ci[k] = Math.max(0, c[k] + tMax * d[k]);
      inner = { c: ci, pass: firstOrderPass(f, K, G, data, ci) };
    }
    // Predicted gain of the step; stop when it is below tolerance.
    let gain = 0;
    for (const k of free) gain += grad[k] * step[k];
    if (gain <= tol * Math.max(1, Math.abs(F))) break;
    let t = 1;
    let accepted = false;
    const cand = new Float64Array(K);
    for (let ls = 0; ls < 40 && !accepted; ls++, t *= 0.5) {
      cand.set(c);
      for (const k of free) cand[k] = Math.max(0, c[k] + t * step[k]);
      const next = firstOrderPass(f, K, G, data, cand);
      if (next.F > F) {
        accepted = true;
        const take = inner && inner.pass.F > next.F ? inner : { c: cand, pass: next };
        c.set(take.c);
        if (!same) cur = take.pass;
      }
    }
    if (!accepted && inner && inner.pass.F > F) {
      accepted = true;
      c.set(inner.c);
      if (!same) cur = inner.pass;
    }
    if (!accepted) break;
  }
  return it;
}

/**
 * c ≥ 0 maximising F. `init` must give a positive λ at every event (e.g. a positive constant-feature coefficient).
 * Warm starts on strided subsamples of 4,096 then 32,768 events (skipped with `warm`); the final stage uses every
 * event for F and the gradient, and for the Hessian every event or, beyond 65,536 of them, a 32,768-event subsample.
 */
export function maximizeLinearIntensity(
  f: Float32Array,
  K: number,
  G: Float64Array,
  init: Float64Array,
  opts: { maxIter?: number; tol?: number; warm?: boolean } = {},
): SolveResult {
  const n = f.length / K;
  const c = init.slice();
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 50;
  let iterations = 0;
  const all = stride(n, n);
  // A warm start (init already near the solution) skips the subsample stages.
  if (!opts.warm)
    for (const m of [4096, 32768]) {
      if (n <= 2 * m) break;
      const sub = stride(n, m);
      iterations += projectedNewton(f, K, G, sub, sub, c, maxIter, 1e-8);
    }
  // The final Hessian on all events up to 65,536 of them (a subsample there can miss the few events that pin a
  // coefficient, and its Newton step is then far off), else on a 32,768-event subsample.
  const hess = n > 2 * 32768 ? stride(n, 32768) : all;
  // A subsample may leave out the only events that need a coefficient (events tied with a user's first event have
  // λ = μ alone), and its solution then gives them λ = 0: F = −∞ on all events, where no step can be compared. Half
  // way back to init (positive at every event) is positive at every event.
  if (!Number.isFinite(firstOrderPass(f, K, G, all, c).F)) for (let k = 0; k < K; k++) c[k] = 0.5 * (c[k] + init[k]);
  iterations += projectedNewton(f, K, G, all, hess, c, maxIter, tol);
  return { coef: c, objective: firstOrderPass(f, K, G, all, c).F, iterations };
}
