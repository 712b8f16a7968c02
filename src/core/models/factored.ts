import type { ScoreSource } from './scores';

/**
 * A generic factored score source (paper appendix C.2: keep scores factored, materialise row blocks on demand):
 *   S[x, y] = rowScale[x] · colScale[y] · f(U_x · V_y + rowBias[x] + colBias[y]),
 * with f one of the activations below. Used by the RIM compositions, Pop/Rand and the MF baselines.
 * The product runs in plain TS over Float32Array with a 4-row × 2-column register block: each loaded value of U and V
 * serves two or four multiply-adds, and eight independent accumulators stay in flight (measured 1.6× faster than a
 * 4 × 1 block at D = 128; see docs/benchmarks.md).
 */

export type Activation = 'identity' | 'exp' | 'softplus' | 'sigmoid' | 'max0';

export interface FactoredOptions {
  nRows: number;
  nCols: number;
  /** Latent dimension D (0: no product, only biases). */
  dim: number;
  /** nRows × D row-major (required when D > 0). */
  U?: Float32Array;
  /** nCols × D row-major (required when D > 0). */
  V?: Float32Array;
  rowBias?: ArrayLike<number>;
  colBias?: ArrayLike<number>;
  rowScale?: ArrayLike<number>;
  colScale?: ArrayLike<number>;
  /** Default 'identity'. */
  act?: Activation;
}

const ACT: Record<Activation, (z: number) => number> = {
  identity: (z) => z,
  exp: Math.exp,
  softplus: (z) => (z > 30 ? z : Math.log1p(Math.exp(z))),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  max0: (z) => (z > 0 ? z : 0),
};

/** Throws RangeError on inconsistent shapes (a programming error, not an expected input failure). */
export function factoredScores(o: FactoredOptions): ScoreSource {
  const { nRows, nCols, dim: D } = o;
  const check = (name: string, a: ArrayLike<number> | undefined, n: number) => {
    if (a !== undefined && a.length !== n)
      throw new RangeError(`factored scores: ${name} has ${a.length} values, expected ${n}`);
  };
  if (D > 0 && (!o.U || !o.V)) throw new RangeError('factored scores: U and V are required when dim > 0');
  check('U', o.U, nRows * D);
  check('V', o.V, nCols * D);
  check('rowBias', o.rowBias, nRows);
  check('colBias', o.colBias, nCols);
  check('rowScale', o.rowScale, nRows);
  check('colScale', o.colScale, nCols);
  const U = o.U ?? new Float32Array(0);
  const V = o.V ?? new Float32Array(0);
  const f = ACT[o.act ?? 'identity'];
  const colBias = o.colBias ? Float64Array.from(o.colBias) : new Float64Array(nCols);
  const colScale = o.colScale ? Float64Array.from(o.colScale) : new Float64Array(nCols).fill(1);
  const identity = (o.act ?? 'identity') === 'identity';

  return {
    nRows,
    nCols,
    fillRows(r0, r1, out) {
      products(U, V, D, nCols, r0, r1, out);
      if (identity && !o.rowBias && !o.colBias && !o.rowScale && !o.colScale) return;
      for (let r = r0; r < r1; r++) {
        const rb = o.rowBias ? o.rowBias[r] : 0;
        const rs = o.rowScale ? o.rowScale[r] : 1;
        const base = (r - r0) * nCols;
        // z in double precision: U·V + biases, then f, then the scales.
        if (identity)
          for (let c = 0; c < nCols; c++) out[base + c] = rs * colScale[c] * (out[base + c] + rb + colBias[c]);
        else for (let c = 0; c < nCols; c++) out[base + c] = rs * colScale[c] * f(out[base + c] + rb + colBias[c]);
      }
    },
  };
}

/** Writes the raw products U_x · V_y of rows [r0, r1) into out (row-major, nCols per row). */
function products(
  U: Float32Array,
  V: Float32Array,
  D: number,
  nCols: number,
  r0: number,
  r1: number,
  out: Float32Array,
): void {
  if (D === 0) {
    out.fill(0, 0, (r1 - r0) * nCols);
    return;
  }
  let r = r0;
  for (; r + 4 <= r1; r += 4) {
    const a0 = r * D;
    const a1 = a0 + D;
    const a2 = a1 + D;
    const a3 = a2 + D;
    const o0 = (r - r0) * nCols;
    const o1 = o0 + nCols;
    const o2 = o1 + nCols;
    const o3 = o2 + nCols;
    let c = 0;
    // 4 rows × 2 columns: eight accumulators, six loads per eight multiply-adds.
    for (; c + 2 <= nCols; c += 2) {
      const b0 = c * D;
      const b1 = b0 + D;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let d = 0; d < D; d++) {
        const v = V[b0 + d];
        const w = V[b1 + d];
        const u0 = U[a0 + d];
        const u1 = U[a1 + d];
        const u2 = U[a2 + d];
        const u3 = U[a3 + d];
        s0 += u0 * v;
        s1 += u1 * v;
        s2 += u2 * v;
        s3 += u3 * v;
        t0 += u0 * w;
        t1 += u1 * w;
        t2 += u2 * w;
        t3 += u3 * w;
      }
      out[o0 + c] = s0;
      out[o1 + c] = s1;
      out[o2 + c] = s2;
      out[o3 + c] = s3;
      out[o0 + c + 1] = t0;
      out[o1 + c + 1] = t1;
      out[o2 + c + 1] = t2;
      out[o3 + c + 1] = t3;
    }
    for (; c < nCols; c++) {
      const b0 = c * D;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let d = 0; d < D; d++) {
        const v = V[b0 + d];
        s0 += U[a0 + d] * v;
        s1 += U[a1 + d] * v;
        s2 += U[a2 + d] * v;
        s3 += U[a3 + d] * v;
      }
      out[o0 + c] = s0;
      out[o1 + c] = s1;
      out[o2 + c] = s2;
      out[o3 + c] = s3;
    }
  }
  for (; r < r1; r++) {
    const a = r * D;
    const o0 = (r - r0) * nCols;
    for (let c = 0; c < nCols; c++) {
      const b = c * D;
      let s = 0;
      for (let d = 0; d < D; d++) s += U[a + d] * V[b + d];
      out[o0 + c] = s;
    }
  }
}
