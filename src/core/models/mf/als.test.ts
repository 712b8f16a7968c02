import { describe, expect, it } from 'vitest';
import type { Csr } from '../../data/types';
import { createRng } from '../../util/rng';
import { alsHalfStep, alsObjective, fitALS } from './als';
import { evalRows, heldOutAuc, plantedWorld } from './planted.testutil';

/** Dense counts → CSR (test-side construction). */
function csrOf(dense: number[][]): Csr {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const row of dense) {
    row.forEach((v, j) => {
      if (v > 0) {
        indices.push(j);
        data.push(v);
      }
    });
    indptr.push(indices.length);
  }
  return {
    nRows: dense.length,
    nCols: dense[0].length,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    data: Float32Array.from(data),
  };
}

/** Gaussian elimination with partial pivoting on a dense copy: the reference linear solver. */
function gaussSolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

/** Hu et al. objective over every (u, i) pair, written out densely. */
function denseObjective(
  R: number[][],
  X: Float32Array,
  Y: Float32Array,
  D: number,
  alpha: number,
  lambda: number,
): number {
  let s = 0;
  for (let u = 0; u < R.length; u++)
    for (let i = 0; i < R[0].length; i++) {
      let z = 0;
      for (let d = 0; d < D; d++) z += X[u * D + d] * Y[i * D + d];
      const c = 1 + alpha * R[u][i];
      const p = R[u][i] > 0 ? 1 : 0;
      s += c * (p - z) ** 2;
    }
  for (const v of X) s += lambda * v * v;
  for (const v of Y) s += lambda * v * v;
  return s;
}

const R = [
  [1, 0, 3, 0],
  [0, 2, 0, 0],
  [1, 1, 0, 1],
  [0, 0, 0, 0],
  [5, 0, 0, 2],
];

describe('implicit ALS (Hu, Koren & Volinsky 2008)', () => {
  it('user half-step equals the dense weighted least-squares solve with an explicit confidence diagonal', () => {
    const D = 3;
    const alpha = 2.5;
    const lambda = 0.3;
    const rng = createRng(5);
    const Y = Float32Array.from({ length: 4 * D }, () => rng.normal());
    const X = new Float32Array(5 * D);
    alsHalfStep(csrOf(R), Y, X, D, alpha, lambda);
    for (let u = 0; u < R.length; u++) {
      // Normal equations (Yᵀ C_u Y + λI) x = Yᵀ C_u p_u with C_u = diag(1 + α r_ui) over all 4 items.
      const A = Array.from({ length: D }, (_, a) => Array.from({ length: D }, (_, b) => (a === b ? lambda : 0)));
      const b = new Array<number>(D).fill(0);
      for (let i = 0; i < 4; i++) {
        const c = 1 + alpha * R[u][i];
        const p = R[u][i] > 0 ? 1 : 0;
        for (let a = 0; a < D; a++) {
          b[a] += c * p * Y[i * D + a];
          for (let bb = 0; bb < D; bb++) A[a][bb] += c * Y[i * D + a] * Y[i * D + bb];
        }
      }
      const x = gaussSolve(A, b);
      for (let a = 0; a < D; a++) expect(X[u * D + a]).toBeCloseTo(x[a], 4);
    }
    // A user with no events and λ > 0 gets x = (YᵀY + λI)⁻¹·0 = 0.
    for (let a = 0; a < D; a++) expect(X[3 * D + a]).toBeCloseTo(0, 6);
  });

  it('the full objective (checked against the dense sum) never increases over half-steps', () => {
    const D = 2;
    const alpha = 4;
    const lambda = 0.5;
    const rng = createRng(9);
    const X = Float32Array.from({ length: 5 * D }, () => rng.normal());
    const Y = Float32Array.from({ length: 4 * D }, () => rng.normal());
    const m = csrOf(R);
    const mt = csrOf(R[0].map((_, i) => R.map((r) => r[i])));
    let prev = denseObjective(R, X, Y, D, alpha, lambda);
    expect(alsObjective(m, X, Y, D, alpha, lambda)).toBeCloseTo(prev, 3);
    for (let it = 0; it < 6; it++) {
      alsHalfStep(m, Y, X, D, alpha, lambda);
      const a = denseObjective(R, X, Y, D, alpha, lambda);
      alsHalfStep(mt, X, Y, D, alpha, lambda);
      const b = denseObjective(R, X, Y, D, alpha, lambda);
      expect(a).toBeLessThanOrEqual(prev + 1e-4);
      expect(b).toBeLessThanOrEqual(a + 1e-4);
      expect(alsObjective(m, X, Y, D, alpha, lambda)).toBeCloseTo(b, 3);
      prev = b;
    }
  });

  it('ranks held-out items of a planted low-rank world above random (AUC > 0.8), scores ≥ 0', async () => {
    const w = plantedWorld();
    const { scorer, meta } = await fitALS(w.train, { rng: createRng(1), dim: 4, alpha: 10, lambda: 1, iterations: 8 });
    for (let k = 1; k < meta.objective.length; k++)
      expect(meta.objective[k]).toBeLessThanOrEqual(meta.objective[k - 1] * (1 + 1e-6));
    const auc = await heldOutAuc(w, scorer);
    expect(auc).toBeGreaterThan(0.8);
    const src = await scorer.scores(evalRows(Int32Array.of(0, 1), w.train.dataset.nItems));
    const out = new Float32Array(2 * src.nCols);
    src.fillRows(0, 2, out);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
  });

  it('rejects bad options with the field named', async () => {
    const w = plantedWorld(4, 5, 2);
    await expect(fitALS(w.train, { rng: createRng(1), dim: 0 })).rejects.toThrow(/dim/);
    await expect(fitALS(w.train, { rng: createRng(1), lambda: -1 })).rejects.toThrow(/lambda/);
  });
});
