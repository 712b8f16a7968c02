import { describe, expect, it } from 'vitest';
import type { Csr } from '../../data/types';
import { createRng } from '../../util/rng';
import { fitLogisticMF, logmfGradient } from './logmf';
import { evalRows, heldOutAuc, plantedWorld } from './planted.testutil';

const R = [
  [1, 0, 3, 0, 0],
  [0, 2, 0, 0, 1],
  [0, 0, 0, 0, 0],
  [4, 0, 0, 1, 0],
];
const csr = (M: number[][]): Csr => {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const row of M) {
    row.forEach((v, j) => v > 0 && (indices.push(j), data.push(v)));
    indptr.push(indices.length);
  }
  return {
    nRows: M.length,
    nCols: M[0].length,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    data: Float32Array.from(data),
  };
};

/** Johnson's log-likelihood written out over every pair, in double precision. */
function logLik(
  M: number[][],
  X: number[],
  bX: number[],
  Y: number[],
  bY: number[],
  D: number,
  alpha: number,
  lambda: number,
): number {
  let L = 0;
  for (let u = 0; u < M.length; u++)
    for (let i = 0; i < M[0].length; i++) {
      let z = bX[u] + bY[i];
      for (let d = 0; d < D; d++) z += X[u * D + d] * Y[i * D + d];
      L += alpha * M[u][i] * z - (1 + alpha * M[u][i]) * Math.log(1 + Math.exp(z));
    }
  for (const v of X) L -= (lambda / 2) * v * v;
  for (const v of Y) L -= (lambda / 2) * v * v;
  return L;
}

describe('LogisticMF (Johnson 2014)', () => {
  it('user-side and item-side gradients match central finite differences of the log-likelihood', () => {
    const D = 3;
    const alpha = 1.5;
    const lambda = 0.4;
    const rng = createRng(11);
    const nU = R.length;
    const nI = R[0].length;
    // Values exactly representable in Float32 so the Float32 model and the double reference see the same point.
    const f32 = (n: number) => Array.from({ length: n }, () => Math.fround(0.7 * rng.normal()));
    const X = f32(nU * D);
    const Y = f32(nI * D);
    const bX = f32(nU);
    const bY = f32(nI);
    const Rt = R[0].map((_, i) => R.map((r) => r[i]));
    const cases = [
      {
        M: R,
        A: X,
        bA: bX,
        B: Y,
        bB: bY,
        n: nU,
        f: (a: number[], ba: number[]) => logLik(R, a, ba, Y, bY, D, alpha, lambda),
      },
      {
        M: Rt,
        A: Y,
        bA: bY,
        B: X,
        bB: bX,
        n: nI,
        f: (a: number[], ba: number[]) => logLik(R, X, bX, a, ba, D, alpha, lambda),
      },
    ];
    const h = 1e-5;
    for (const c of cases) {
      const g = new Float64Array(c.n * D);
      const gb = new Float64Array(c.n);
      const data = logmfGradient(
        csr(c.M),
        Float32Array.from(c.A),
        Float32Array.from(c.bA),
        Float32Array.from(c.B),
        Float32Array.from(c.bB),
        D,
        alpha,
        lambda,
        g,
        gb,
        true,
      );
      // The returned data term plus the ridge equals the dense log-likelihood.
      const ridge = (lambda / 2) * [...X, ...Y].reduce((s, v) => s + v * v, 0);
      expect(data - ridge).toBeCloseTo(c.f(c.A, c.bA), 6);
      for (let k = 0; k < c.n * D; k++) {
        const p = [...c.A];
        const m = [...c.A];
        p[k] += h;
        m[k] -= h;
        expect(g[k]).toBeCloseTo((c.f(p, c.bA) - c.f(m, c.bA)) / (2 * h), 4);
      }
      for (let k = 0; k < c.n; k++) {
        const p = [...c.bA];
        const m = [...c.bA];
        p[k] += h;
        m[k] -= h;
        expect(gb[k]).toBeCloseTo((c.f(c.A, p) - c.f(c.A, m)) / (2 * h), 4);
      }
    }
  });

  it('ranks held-out items of a planted low-rank world above random (AUC > 0.8); scores are probabilities', async () => {
    const w = plantedWorld();
    const { scorer, meta } = await fitLogisticMF(w.train, {
      rng: createRng(2),
      dim: 4,
      alpha: 2,
      lambda: 0.6,
      lr: 0.3,
      iterations: 40,
    });
    expect(meta.logLik[meta.logLik.length - 1]).toBeGreaterThan(meta.logLik[0]);
    expect(await heldOutAuc(w, scorer)).toBeGreaterThan(0.8);
    const src = await scorer.scores(evalRows(Int32Array.of(3, 0), w.train.dataset.nItems));
    const out = new Float32Array(2 * src.nCols);
    src.fillRows(0, 2, out);
    for (const v of out) expect(v > 0 && v < 1).toBe(true);
  });
});
