import type { Csr } from '../../data/types';
import type { FitOptions, Scorer, TrainData } from '../types';
import { buildInteractions } from './interactions';
import { nonNegative, positive, positiveInt } from './options';
import { initFactors, mfScorer, nowMs, tick, type MfFactors } from './scorer';

/**
 * Logistic matrix factorisation (Johnson 2014), one of the paper's MF baselines (appendix B).
 * p(l_ui = 1 | x_u, y_i, β) = σ(z_ui), z_ui = x_u·y_i + β_u + β_i, with positives weighted by α·r_ui. Log-likelihood
 *   L = Σ_{u,i} [ α r_ui z_ui − (1 + α r_ui) log(1 + e^{z_ui}) ] − λ/2 Σ_u |x_u|² − λ/2 Σ_i |y_i|²
 * over ALL pairs (biases unregularised, as Johnson), maximised by alternating Adagrad gradient ascent.
 */
export interface LogMfOptions {
  /** Latent dimension D. Default 32. */
  dim?: number;
  /** Weight α of a positive count. Default 2. */
  alpha?: number;
  /** Ridge λ on the factors. Default 0.6 (Johnson's code). */
  lambda?: number;
  /** Adagrad step γ. Default 1 (Johnson's code). */
  lr?: number;
  /** Alternating sweeps (user step + item step). Default 30. */
  iterations?: number;
  /** Standard deviation of the Gaussian initial factors. Default 0.1. */
  initStd?: number;
}

export interface LogMfMeta {
  model: 'logmf';
  dim: number;
  alpha: number;
  lambda: number;
  lr: number;
  iterations: number;
  /** L at the start of each sweep (the first entry is at the initial point; it should rise, though Adagrad ascent
   * does not guarantee monotonicity). */
  logLik: number[];
  seconds: number;
}

/**
 * ∂L/∂x_u and ∂L/∂β_u for every row u of R with the other side (Y, β_Y) fixed; R may be Rᵀ for the item step.
 *   ∂L/∂x_u = Σ_i [α r_ui − (1 + α r_ui) σ(z_ui)] y_i − λ x_u,   ∂L/∂β_u = Σ_i [α r_ui − (1 + α r_ui) σ(z_ui)].
 * Dense over all columns (unobserved pairs pull z down), O(rows · cols · D). Writes gX (rows × D) and gB (rows).
 * Returns the data term of L at the current point (Σ α r z − (1 + α r) log(1 + e^z), no ridge) when `withLogLik`,
 * else 0: it reuses the z's of the gradient pass, saving a second dense pass per sweep.
 */
export function logmfGradient(
  R: Csr,
  X: Float32Array,
  bX: Float32Array,
  Y: Float32Array,
  bY: Float32Array,
  D: number,
  alpha: number,
  lambda: number,
  gX: Float64Array,
  gB: Float64Array,
  withLogLik = false,
): number {
  const nCols = R.nCols;
  const coef = new Float64Array(nCols);
  const zs = new Float64Array(nCols);
  const xr = new Float64Array(D);
  const gr = new Float64Array(D);
  let ll = 0;
  for (let u = 0; u < R.nRows; u++) {
    const o = u * D;
    for (let d = 0; d < D; d++) xr[d] = X[o + d];
    const bu = bX[u];
    // z for all columns, four at a time so each load of x_u serves four multiply-adds (tail one at a time).
    let j = 0;
    for (; j + 4 <= nCols; j += 4) {
      const p0 = j * D;
      const p1 = p0 + D;
      const p2 = p1 + D;
      const p3 = p2 + D;
      let z0 = bu + bY[j];
      let z1 = bu + bY[j + 1];
      let z2 = bu + bY[j + 2];
      let z3 = bu + bY[j + 3];
      for (let d = 0; d < D; d++) {
        const x = xr[d];
        z0 += x * Y[p0 + d];
        z1 += x * Y[p1 + d];
        z2 += x * Y[p2 + d];
        z3 += x * Y[p3 + d];
      }
      zs[j] = z0;
      zs[j + 1] = z1;
      zs[j + 2] = z2;
      zs[j + 3] = z3;
    }
    for (; j < nCols; j++) {
      const p = j * D;
      let z = bu + bY[j];
      for (let d = 0; d < D; d++) z += xr[d] * Y[p + d];
      zs[j] = z;
    }
    for (let c = 0; c < nCols; c++) {
      const z = zs[c];
      const e = Math.exp(-z);
      coef[c] = -1 / (1 + e); // an unobserved pair: r = 0, coefficient −σ(z)
      // log(1 + e^z) = z + log(1 + e^{−z}); the r = 0 term of L is its negative.
      if (withLogLik) ll -= e > 1e300 ? 0 : z + Math.log1p(e);
    }
    for (let k = R.indptr[u]; k < R.indptr[u + 1]; k++) {
      const j = R.indices[k];
      const ar = alpha * R.data[k];
      const sig = -coef[j];
      coef[j] = ar - (1 + ar) * sig;
      if (withLogLik) {
        const z = zs[j];
        ll += ar * z - ar * (z > 30 ? z : Math.log1p(Math.exp(z)));
      }
    }
    let gb = 0;
    for (let d = 0; d < D; d++) gr[d] = -lambda * xr[d];
    j = 0;
    for (; j + 4 <= nCols; j += 4) {
      const c0 = coef[j];
      const c1 = coef[j + 1];
      const c2 = coef[j + 2];
      const c3 = coef[j + 3];
      gb += c0 + c1 + c2 + c3;
      const p0 = j * D;
      const p1 = p0 + D;
      const p2 = p1 + D;
      const p3 = p2 + D;
      for (let d = 0; d < D; d++) gr[d] += c0 * Y[p0 + d] + c1 * Y[p1 + d] + c2 * Y[p2 + d] + c3 * Y[p3 + d];
    }
    for (; j < nCols; j++) {
      const c = coef[j];
      gb += c;
      const p = j * D;
      for (let d = 0; d < D; d++) gr[d] += c * Y[p + d];
    }
    for (let d = 0; d < D; d++) gX[o + d] = gr[d];
    gB[u] = gb;
  }
  return ll;
}

function sumSq(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return s;
}

/** Adagrad ascent step (Johnson 2014): G += g², θ += γ · g / √G, per coordinate. */
function adagradAscend(theta: Float32Array, g: Float64Array, G: Float64Array, lr: number): void {
  for (let k = 0; k < theta.length; k++) {
    G[k] += g[k] * g[k];
    theta[k] += (lr * g[k]) / (Math.sqrt(G[k]) + 1e-10);
  }
}

/** Fits LogisticMF on the training events. Scores = σ(z_ui) ∈ (0, 1), the model's probability of an interaction. */
export async function fitLogisticMF(
  train: TrainData,
  opts: LogMfOptions & FitOptions,
): Promise<{ scorer: Scorer; meta: LogMfMeta }> {
  const D = positiveInt('LogisticMF', 'dim', opts.dim ?? 32);
  const alpha = nonNegative('LogisticMF', 'alpha', opts.alpha ?? 2);
  const lambda = nonNegative('LogisticMF', 'lambda', opts.lambda ?? 0.6);
  const lr = positive('LogisticMF', 'lr', opts.lr ?? 1);
  const iterations = positiveInt('LogisticMF', 'iterations', opts.iterations ?? 30);
  const initStd = positive('LogisticMF', 'initStd', opts.initStd ?? 0.1);
  const t0 = nowMs();
  const R = buildInteractions(train);
  const { nUsers, nItems } = train.dataset;
  const X = initFactors(nUsers, D, initStd, opts.rng);
  const Y = initFactors(nItems, D, initStd, opts.rng);
  const bX = new Float32Array(nUsers);
  const bY = new Float32Array(nItems);
  const side = (n: number) => ({
    g: new Float64Array(n * D),
    gb: new Float64Array(n),
    G: new Float64Array(n * D),
    Gb: new Float64Array(n),
  });
  const us = side(nUsers);
  const is = side(nItems);
  const logLik: number[] = [];
  for (let it = 0; it < iterations; it++) {
    if (opts.signal?.aborted) break;
    const t = nowMs();
    // L at the start of this sweep, from the user step's own z's (the one dense pass per side).
    const ll =
      logmfGradient(R.byUser, X, bX, Y, bY, D, alpha, lambda, us.g, us.gb, true) - (lambda / 2) * (sumSq(X) + sumSq(Y));
    adagradAscend(X, us.g, us.G, lr);
    adagradAscend(bX, us.gb, us.Gb, lr);
    logmfGradient(R.byItem, Y, bY, X, bX, D, alpha, lambda, is.g, is.gb);
    adagradAscend(Y, is.g, is.G, lr);
    adagradAscend(bY, is.gb, is.Gb, lr);
    logLik.push(ll);
    opts.onProgress?.({
      epoch: it + 1,
      epochs: iterations,
      batch: 1,
      batches: 1,
      loss: -ll / Math.max(1, nUsers * nItems),
      examplesPerSecond: (2 * nUsers * nItems * 1000) / Math.max(1, nowMs() - t),
    });
    await tick();
  }
  const f: MfFactors = { nUsers, nItems, dim: D, U: X, V: Y, userBias: bX, itemBias: bY };
  return {
    scorer: mfScorer('LogisticMF', f, 'sigmoid'),
    meta: {
      model: 'logmf',
      dim: D,
      alpha,
      lambda,
      lr,
      iterations: logLik.length,
      logLik,
      seconds: (nowMs() - t0) / 1000,
    },
  };
}
