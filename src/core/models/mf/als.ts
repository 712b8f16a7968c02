import type { Csr } from '../../data/types';
import type { FitOptions, Scorer, TrainData } from '../types';
import { buildInteractions } from './interactions';
import { nonNegative, positive, positiveInt } from './options';
import { initFactors, mfScorer, nowMs, tick, type MfFactors } from './scorer';
import { choleskySolveLower } from '../../util/linalg';

/**
 * Implicit-feedback ALS (Hu, Koren & Volinsky 2008), one of the paper's MF baselines (appendix B).
 * With counts r_ui, preference p_ui = 1[r_ui > 0] and confidence c_ui = 1 + α·r_ui, it minimises
 *   Σ_{u,i} c_ui (p_ui − x_u·y_i)² + λ (Σ_u |x_u|² + Σ_i |y_i|²)
 * over ALL user-item pairs (unobserved ones have p = 0, c = 1), alternating exact solves for X and Y.
 */
export interface AlsOptions {
  /** Latent dimension D. Default 32. */
  dim?: number;
  /** Confidence slope α in c = 1 + α·r. Default 40 (Hu et al.'s choice). */
  alpha?: number;
  /** Ridge λ on every factor. Default 0.1. */
  lambda?: number;
  /** Full sweeps (user half-step + item half-step). Default 15. */
  iterations?: number;
  /** Standard deviation of the Gaussian initial factors. Default 0.01. */
  initStd?: number;
}

export interface AlsMeta {
  model: 'als';
  dim: number;
  alpha: number;
  lambda: number;
  iterations: number;
  /** The objective above after each sweep (non-increasing: every half-step is an exact minimiser). */
  objective: number[];
  seconds: number;
}

/**
 * One ALS half-step: for every row u of R (users, or items with Rᵀ), sets X_u to the exact minimiser
 *   x_u = (YᵀY + Yᵀ(C_u − I)Y + λI)⁻¹ Yᵀ C_u p(u).
 * The dense YᵀY (D × D) is shared; only the row's nonzeros add (c_ui − 1) y_i y_iᵀ and c_ui y_i, so the cost is
 * O(nnz·D² + rows·D³) instead of O(rows·cols·D²). Each D × D system is solved by Cholesky in double precision.
 */
export function alsHalfStep(R: Csr, Y: Float32Array, X: Float32Array, D: number, alpha: number, lambda: number): void {
  const gram = new Float64Array(D * D);
  for (let j = 0; j < R.nCols; j++) {
    const o = j * D;
    for (let a = 0; a < D; a++) {
      const ya = Y[o + a];
      for (let b = 0; b <= a; b++) gram[a * D + b] += ya * Y[o + b];
    }
  }
  const A = new Float64Array(D * D);
  const rhs = new Float64Array(D);
  for (let u = 0; u < R.nRows; u++) {
    A.set(gram);
    rhs.fill(0);
    for (let k = R.indptr[u]; k < R.indptr[u + 1]; k++) {
      const o = R.indices[k] * D;
      const c = 1 + alpha * R.data[k];
      const cm1 = c - 1;
      for (let a = 0; a < D; a++) {
        const ya = Y[o + a];
        rhs[a] += c * ya; // p_ui = 1 on the nonzeros
        const s = cm1 * ya;
        for (let b = 0; b <= a; b++) A[a * D + b] += s * Y[o + b];
      }
    }
    for (let a = 0; a < D; a++) A[a * D + a] += lambda;
    choleskySolveLower(A, rhs, D);
    for (let a = 0; a < D; a++) X[u * D + a] = rhs[a];
  }
}

/**
 * The Hu et al. objective without touching all pairs: Σ_all (x·y)² via tr((XᵀX)(YᵀY)), corrected on the nonzeros
 * by c(1 − x·y)² − (x·y)², plus the ridge terms.
 */
export function alsObjective(
  R: Csr,
  X: Float32Array,
  Y: Float32Array,
  D: number,
  alpha: number,
  lambda: number,
): number {
  const gx = gramOf(X, R.nRows, D);
  const gy = gramOf(Y, R.nCols, D);
  let loss = 0;
  for (let k = 0; k < D * D; k++) loss += gx[k] * gy[k];
  for (let u = 0; u < R.nRows; u++) {
    for (let k = R.indptr[u]; k < R.indptr[u + 1]; k++) {
      const i = R.indices[k];
      let z = 0;
      for (let d = 0; d < D; d++) z += X[u * D + d] * Y[i * D + d];
      loss += (1 + alpha * R.data[k]) * (1 - z) ** 2 - z * z;
    }
  }
  let reg = 0;
  for (const v of X) reg += v * v;
  for (const v of Y) reg += v * v;
  return loss + lambda * reg;
}

function gramOf(M: Float32Array, n: number, D: number): Float64Array {
  const g = new Float64Array(D * D);
  for (let r = 0; r < n; r++)
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) g[a * D + b] += M[r * D + a] * M[r * D + b];
  return g;
}

/**
 * Fits implicit ALS on the training events. Scores are max(0, x_u·y_i): the raw product can dip below 0, and the
 * planner (Dual, greedy) needs non-negative scores; clipping keeps every positive score's rank.
 */
export async function fitALS(
  train: TrainData,
  opts: AlsOptions & FitOptions,
): Promise<{ scorer: Scorer; meta: AlsMeta }> {
  const D = positiveInt('ALS', 'dim', opts.dim ?? 32);
  const alpha = nonNegative('ALS', 'alpha', opts.alpha ?? 40);
  const lambda = positive('ALS', 'lambda', opts.lambda ?? 0.1);
  const iterations = positiveInt('ALS', 'iterations', opts.iterations ?? 15);
  const initStd = positive('ALS', 'initStd', opts.initStd ?? 0.01);
  const t0 = nowMs();
  const R = buildInteractions(train);
  const { nUsers, nItems } = train.dataset;
  const X = initFactors(nUsers, D, initStd, opts.rng);
  const Y = initFactors(nItems, D, initStd, opts.rng);
  const objective: number[] = [];
  for (let it = 0; it < iterations; it++) {
    if (opts.signal?.aborted) break;
    const t = nowMs();
    alsHalfStep(R.byUser, Y, X, D, alpha, lambda);
    alsHalfStep(R.byItem, X, Y, D, alpha, lambda);
    const obj = alsObjective(R.byUser, X, Y, D, alpha, lambda);
    objective.push(obj);
    opts.onProgress?.({
      epoch: it + 1,
      epochs: iterations,
      batch: 1,
      batches: 1,
      loss: obj / Math.max(1, nUsers * nItems),
      examplesPerSecond: ((nUsers + nItems) * 1000) / Math.max(1e-9, nowMs() - t),
    });
    await tick();
  }
  const f: MfFactors = { nUsers, nItems, dim: D, U: X, V: Y };
  return {
    scorer: mfScorer('ALS', f, 'max0'),
    meta: {
      model: 'als',
      dim: D,
      alpha,
      lambda,
      iterations: objective.length,
      objective,
      seconds: (nowMs() - t0) / 1000,
    },
  };
}
