/**
 * Seeded synthetic score matrices for planner tests and benchmarks: intensities with a long-tailed item popularity
 * and low-rank user taste, λ_xy = exp(θ_x·φ_y / √D + b_y), b_y = −s·log(1 + rank_y) (Zipf-like, s = `skew`).
 * A "world" fixes the items; user states are drawn from it, so two draws are two samples of one user-state
 * distribution (the online-transfer setting of appendix C.2 / F).
 */
import type { Rng } from '../util/rng';

export interface ScoreWorld {
  nItems: number;
  dim: number;
  /** nItems × dim item factors. */
  phi: Float64Array;
  /** Per-item log-popularity offset. */
  bias: Float64Array;
}

export function scoreWorld(nItems: number, rng: Rng, dim = 8, skew = 1): ScoreWorld {
  const phi = new Float64Array(nItems * dim);
  for (let i = 0; i < phi.length; i++) phi[i] = rng.normal();
  const bias = new Float64Array(nItems);
  for (let y = 0; y < nItems; y++) bias[y] = -skew * Math.log(1 + y);
  return { nItems, dim, phi, bias };
}

/** `rows` user states drawn from the world: a rows × nItems row-major Float32 matrix of positive scores. */
export function drawScores(w: ScoreWorld, rows: number, rng: Rng): Float32Array {
  const out = new Float32Array(rows * w.nItems);
  const theta = new Float64Array(w.dim);
  const inv = 1 / Math.sqrt(w.dim);
  for (let x = 0; x < rows; x++) {
    for (let d = 0; d < w.dim; d++) theta[d] = rng.normal();
    for (let y = 0; y < w.nItems; y++) {
      let z = w.bias[y];
      for (let d = 0; d < w.dim; d++) z += theta[d] * w.phi[y * w.dim + d] * inv;
      out[x * w.nItems + y] = Math.exp(z);
    }
  }
  return out;
}
