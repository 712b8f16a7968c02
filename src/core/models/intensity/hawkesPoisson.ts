import type { EvalSet } from '../../data/types';
import type { IntensityModel } from '../types';
import { err, ok, type Result } from '../../util/result';
import { solveSymmetric } from '../../util/linalg';
import type { HawkesModel } from './hawkes';

/**
 * Hawkes-Poisson (paper eq. 7; rime's `HawkesPoisson`): keep the Hawkes kernel states g(x) (the window-integrated
 * kernel sums of `HawkesModel.states`, plus the constant, each times the probability that the user has not left, so
 * the calibrated λ falls after a long silence as the Hawkes one does) as non-negative features, and predict
 *   λ(x) = Σ_k g_k(x) · softplus(w_k),
 * with w fitted by Poisson likelihood on the validation window's target counts y_i:
 *   loss(w) = −(1/n) Σ_i [y_i log λ_i − λ_i] + (ρ/2) ‖softplus(w)‖²   (ρ = 1e-3 as in rime).
 * softplus keeps the weights positive, so λ ≥ 0. Solved by damped Newton with backtracking (a handful of weights).
 */

export interface HawkesPoissonFit {
  /** softplus(w): the weight on each Hawkes feature (layout of `HawkesModel.states`). */
  weights: number[];
  /** Mean Poisson negative log-likelihood on the validation rows at the start (Hawkes' own c) and at the end. */
  lossStart: number;
  lossEnd: number;
  iterations: number;
}

export interface HawkesPoissonModel extends IntensityModel {
  readonly fit: HawkesPoissonFit;
}

const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const softplusInv = (y: number): number => (y > 30 ? y : Math.log(Math.expm1(Math.max(y, 1e-12))));

export function fitHawkesPoisson(
  hawkes: HawkesModel,
  valid: EvalSet,
  rho = 1e-3,
  maxIter = 100,
): Result<HawkesPoissonModel, 'no-data'> {
  const n = valid.users.length;
  if (n === 0) return err('no-data', 'hp: the validation set has no rows');
  const X = hawkes.states(valid);
  const K = X.length / n;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let p = valid.target.indptr[i]; p < valid.target.indptr[i + 1]; p++) y[i] += valid.target.data[p];

  const { mu, alpha, beta } = hawkes.coefficients;
  const w = Float64Array.from([mu, ...alpha, ...beta].map((c) => softplusInv(Math.max(c, 1e-6))));
  const lam = new Float64Array(n);
  const lossAt = (v: Float64Array): number => {
    const g = Array.from(v, softplus);
    let s = 0;
    for (let i = 0; i < n; i++) {
      let l = 0;
      for (let k = 0; k < K; k++) l += X[i * K + k] * g[k];
      lam[i] = l;
      s += l - y[i] * Math.log(1e-10 + l);
    }
    let reg = 0;
    for (const gk of g) reg += gk * gk;
    return s / n + (rho / 2) * reg;
  };
  const lossStart = lossAt(w);
  let loss = lossStart;
  let it = 0;
  for (; it < maxIter; it++) {
    // Gradient and Hessian in w (lam holds λ at w from the last lossAt call).
    const g = Array.from(w, softplus);
    const d1 = Array.from(w, sigmoid);
    const grad = new Float64Array(K);
    const H = new Float64Array(K * K);
    for (let i = 0; i < n; i++) {
      const l = 1e-10 + lam[i];
      const r = 1 - y[i] / l; // ∂(λ − y log λ)/∂λ
      const q = y[i] / (l * l); // ∂²/∂λ²
      for (let k = 0; k < K; k++) {
        const xk = X[i * K + k];
        if (xk === 0) continue;
        grad[k] += r * xk;
        for (let m = 0; m < K; m++) H[k * K + m] += q * xk * X[i * K + m];
      }
    }
    for (let k = 0; k < K; k++) {
      const gk = grad[k] / n;
      const d2 = d1[k] * (1 - d1[k]);
      for (let m = 0; m < K; m++) H[k * K + m] = (H[k * K + m] / n) * d1[k] * d1[m];
      H[k * K + k] += gk * d2 + rho * (d1[k] * d1[k] + g[k] * d2);
      grad[k] = gk * d1[k] + rho * g[k] * d1[k];
    }
    let gnorm = 0;
    for (let k = 0; k < K; k++) gnorm = Math.max(gnorm, Math.abs(grad[k]));
    if (gnorm < 1e-9) break;
    // Damped Newton (Levenberg) step, backtracking until the loss drops; gradient step as the last resort.
    let damping = 1e-6;
    let accepted = false;
    let stalled = false;
    for (let attempt = 0; attempt < 30 && !accepted; attempt++) {
      const A = H.slice();
      for (let k = 0; k < K; k++) A[k * K + k] += damping;
      const step = solveSymmetric(A, grad, K) ?? Float64Array.from(grad, (v) => v / damping);
      const cand = Float64Array.from(w, (v, k) => v - step[k]);
      const l = lossAt(cand);
      if (Number.isFinite(l) && l < loss) {
        w.set(cand);
        stalled = loss - l <= 1e-12 * Math.max(1, Math.abs(loss));
        loss = l;
        accepted = true;
      } else damping *= 10;
    }
    lossAt(w);
    if (!accepted || stalled) break;
  }
  const weights = Array.from(w, softplus);
  const fit: HawkesPoissonFit = { weights, lossStart, lossEnd: loss, iterations: it };
  return ok({
    name: 'HP',
    fit,
    predict(rows) {
      const S = hawkes.states(rows);
      const m = rows.users.length;
      const out = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += S[i * K + k] * weights[k];
        out[i] = s;
      }
      return out;
    },
  });
}
