/**
 * The inner steps of the annealed Dual (dual.ts): the active set S and its guarantee, residuals, and the u- and
 * v-steps (eq. 13's root finds) on the full matrix or on S, plus the workspace a matrix keeps between solves.
 */
import { softRoot, ZCUT } from './kernels';
import { transpose } from './auctionScans';
import { createAuctionWorkspace, type AuctionWorkspace } from './auctionState';

/** Buffers that survive between solves on the same matrix: its transposed copy and the auction's assignment. */
export interface DualWorkspace {
  data: Float32Array | null;
  transposed: Float32Array | null;
  scale: number;
  auction: AuctionWorkspace;
}

export const createDualWorkspace = (): DualWorkspace => ({
  data: null,
  transposed: null,
  scale: 0,
  auction: createAuctionWorkspace(),
});

/** Active set S in both orientations. Entries are raw scores λ. */
export interface Active {
  nnz: number;
  rowPtr: Int32Array;
  col: Int32Array;
  val: Float32Array;
  colPtr: Int32Array;
  row: Int32Array;
  valT: Float32Array;
  /** u, v and margin at build time (raw units). */
  uB: Float64Array;
  vB: Float64Array;
  delta: number;
}

export interface Problem {
  data: Float32Array;
  m: number;
  p: number;
  /** Soft targets in counts: α·p per row, β·m and β'·m per column (U = ∞ without β'). */
  K: number;
  L: number;
  U: number;
  ws: DualWorkspace;
}

export function transposeOf(ws: DualWorkspace, data: Float32Array, m: number, p: number): Float32Array {
  if (ws.transposed && ws.data === data) return ws.transposed;
  ws.transposed = transpose(data, m, p);
  return ws.transposed;
}

/** Column shift for one column: v < 0 when short of L, w > 0 when over U, else 0 (see module comment). */
export function columnShift(
  b: Float64Array,
  n: number,
  eps: number,
  L: number,
  U: number,
  prev: number,
  copy: Float64Array,
  tolFrac: number,
): number {
  const needCopy = U < Infinity && L > 0;
  if (needCopy) copy.set(b.subarray(0, n));
  if (L > 0) {
    const c = softRoot(b, n, eps, L, -1, prev, tolFrac * L);
    if (c < 0) return c;
  }
  if (U < Infinity) return softRoot(needCopy ? copy : b, n, eps, U, 1, prev, tolFrac * Math.max(1, U));
  return 0;
}

/** Builds S for the current (u, v) with margin delta; null when it would exceed `cap` pairs. */
export function buildActive(pr: Problem, u: Float64Array, v: Float64Array, delta: number, cap: number): Active | null {
  const { data, m, p } = pr;
  const rowPtr = new Int32Array(m + 1);
  let col = new Int32Array(Math.min(cap, 1 << 16));
  let val = new Float32Array(col.length);
  let nnz = 0;
  for (let x = 0; x < m; x++) {
    const off = x * p;
    const t = u[x] - delta;
    for (let y = 0; y < p; y++) {
      const s = data[off + y];
      if (s - v[y] > t) {
        if (nnz === col.length) {
          if (nnz >= cap) return null;
          const n2 = Math.min(cap, col.length * 2);
          const c2 = new Int32Array(n2);
          c2.set(col);
          col = c2;
          const v2 = new Float32Array(n2);
          v2.set(val);
          val = v2;
        }
        col[nnz] = y;
        val[nnz++] = s;
      }
    }
    rowPtr[x + 1] = nnz;
  }
  const colPtr = new Int32Array(p + 1);
  for (let j = 0; j < nnz; j++) colPtr[col[j] + 1]++;
  for (let y = 0; y < p; y++) colPtr[y + 1] += colPtr[y];
  const fill = colPtr.slice(0, p);
  const row = new Int32Array(nnz);
  const valT = new Float32Array(nnz);
  for (let x = 0; x < m; x++) {
    for (let j = rowPtr[x]; j < rowPtr[x + 1]; j++) {
      const q = fill[col[j]]++;
      row[q] = x;
      valT[q] = val[j];
    }
  }
  return { nnz, rowPtr, col, val, colPtr, row, valT, uB: Float64Array.from(u), vB: Float64Array.from(v), delta };
}

/** How far S's guarantee has eroded: the largest drops of u and of v since it was built. */
export function drift(S: Active, u: Float64Array, v: Float64Array): number {
  let du = 0;
  for (let x = 0; x < u.length; x++) du = Math.max(du, S.uB[x] - u[x]);
  let dv = 0;
  for (let y = 0; y < v.length; y++) dv = Math.max(dv, S.vB[y] - v[y]);
  return du + dv;
}

/** Residuals (relative violations) of the soft solution on rows `rows` (all when null) of the full matrix. */
export function residualsDense(
  pr: Problem,
  rows: Int32Array | null,
  u: Float64Array,
  v: Float64Array,
  eps: number,
): { user: number; item: number } {
  const { data, p } = pr;
  const nR = rows ? rows.length : pr.m;
  const colSum = new Float64Array(p);
  let user = 0;
  const inv = 1 / eps;
  for (let i = 0; i < nR; i++) {
    const x = rows ? rows[i] : i;
    const off = x * p;
    const ux = u[x];
    let s = 0;
    for (let y = 0; y < p; y++) {
      const z = (data[off + y] - ux - v[y]) * inv;
      if (z > -ZCUT) {
        const q = z > ZCUT ? 1 : 1 / (1 + Math.exp(-z));
        s += q;
        colSum[y] += q;
      }
    }
    if (pr.K > 0) user = Math.max(user, (ux > 0 ? Math.abs(s - pr.K) : s - pr.K) / pr.K);
  }
  return { user: Math.max(0, user), item: itemViolation(colSum, v, (pr.L * nR) / pr.m, (pr.U * nR) / pr.m) };
}

/** Item residuals: violations, and (complementary slackness) any gap to the bound a non-zero v_y holds it at. */
export function itemViolation(colSum: Float64Array, v: Float64Array, L: number, U: number): number {
  let item = 0;
  for (let y = 0; y < colSum.length; y++) {
    if (L > 0) item = Math.max(item, (v[y] < 0 ? Math.abs(L - colSum[y]) : L - colSum[y]) / L);
    if (U < Infinity && U > 0) item = Math.max(item, (v[y] > 0 ? Math.abs(colSum[y] - U) : colSum[y] - U) / U);
  }
  return Math.max(0, item);
}

export function residualsActive(
  pr: Problem,
  S: Active,
  u: Float64Array,
  v: Float64Array,
  eps: number,
): { user: number; item: number } {
  const colSum = new Float64Array(pr.p);
  let user = 0;
  const inv = 1 / eps;
  for (let x = 0; x < pr.m; x++) {
    const ux = u[x];
    let s = 0;
    for (let j = S.rowPtr[x]; j < S.rowPtr[x + 1]; j++) {
      const z = (S.val[j] - ux - v[S.col[j]]) * inv;
      if (z > -ZCUT) {
        const q = z > ZCUT ? 1 : 1 / (1 + Math.exp(-z));
        s += q;
        colSum[S.col[j]] += q;
      }
    }
    if (pr.K > 0) user = Math.max(user, (ux > 0 ? Math.abs(s - pr.K) : s - pr.K) / pr.K);
  }
  return { user: Math.max(0, user), item: itemViolation(colSum, v, pr.L, pr.U) };
}

/** Scratch arrays sized for the longest row or column. */
export interface Scratch {
  a: Float64Array;
  b: Float64Array;
}

/** u-step on rows `rows` (all when null) of the full matrix: u_x = projected root of row x (eq. 13). */
export function uStepDense(
  pr: Problem,
  rows: Int32Array | null,
  u: Float64Array,
  v: Float64Array,
  eps: number,
  sc: Scratch,
  tol: number,
): void {
  const { data, p } = pr;
  const nR = rows ? rows.length : pr.m;
  const a = sc.a;
  for (let i = 0; i < nR; i++) {
    const x = rows ? rows[i] : i;
    const off = x * p;
    for (let y = 0; y < p; y++) a[y] = data[off + y] - v[y];
    u[x] = softRoot(a, p, eps, pr.K, 1, u[x], tol * Math.max(1, pr.K));
  }
}

/** v-step on rows `rows` (all when null): column roots with targets scaled to the rows used; returns v'. */
export function vStepDense(
  pr: Problem,
  rows: Int32Array | null,
  u: Float64Array,
  v: Float64Array,
  eps: number,
  sc: Scratch,
  tol: number,
  out: Float64Array,
): void {
  const { m, p } = pr;
  const T = transposeOf(pr.ws, pr.data, m, p);
  const nR = rows ? rows.length : m;
  const L = (pr.L * nR) / m;
  const U = (pr.U * nR) / m;
  const b = sc.b;
  for (let y = 0; y < p; y++) {
    const base = y * m;
    if (rows) for (let i = 0; i < nR; i++) b[i] = T[base + rows[i]] - u[rows[i]];
    else for (let x = 0; x < m; x++) b[x] = T[base + x] - u[x];
    out[y] = columnShift(b, nR, eps, L, U, v[y], sc.a, tol);
  }
}

export function uStepActive(
  pr: Problem,
  S: Active,
  u: Float64Array,
  v: Float64Array,
  eps: number,
  sc: Scratch,
  tol: number,
): void {
  const a = sc.a;
  const { data, p } = pr;
  for (let x = 0; x < pr.m; x++) {
    const j0 = S.rowPtr[x];
    let n = S.rowPtr[x + 1] - j0;
    if (n < pr.K + 1) {
      // The set holds too few pairs of this row to fill its capacity: use the whole row.
      const off = x * p;
      for (let y = 0; y < p; y++) a[y] = data[off + y] - v[y];
      n = p;
    } else {
      for (let q = 0; q < n; q++) a[q] = S.val[j0 + q] - v[S.col[j0 + q]];
    }
    u[x] = softRoot(a, n, eps, pr.K, 1, u[x], tol * Math.max(1, pr.K));
  }
}

export function vStepActive(
  pr: Problem,
  S: Active,
  u: Float64Array,
  v: Float64Array,
  eps: number,
  sc: Scratch,
  tol: number,
): void {
  const b = sc.b;
  const { data, m, p } = pr;
  const need = pr.L > 0 ? pr.L : pr.U < Infinity ? pr.U : 0;
  for (let y = 0; y < p; y++) {
    const j0 = S.colPtr[y];
    let n = S.colPtr[y + 1] - j0;
    if (n < need + 1) {
      // The set holds too few pairs of this column to reach its target: use the whole column.
      for (let x = 0; x < m; x++) b[x] = data[x * p + y] - u[x];
      n = m;
    } else {
      for (let q = 0; q < n; q++) b[q] = S.valT[j0 + q] - u[S.row[j0 + q]];
    }
    v[y] = columnShift(b, n, eps, pr.L, pr.U, v[y], sc.a, tol);
  }
}

/** What hardDecisions needs from S: rows, and per row a bound above which S's top entries are exact. */
export interface ActiveView {
  rowPtr: Int32Array;
  col: Int32Array;
  val: Float32Array;
  bound: Float64Array;
}

export function viewOf(S: Active, v: Float64Array): ActiveView {
  let dv = 0;
  for (let y = 0; y < v.length; y++) dv = Math.max(dv, S.vB[y] - v[y]);
  const bound = new Float64Array(S.uB.length);
  for (let x = 0; x < bound.length; x++) bound[x] = S.uB[x] - S.delta + dv;
  return { rowPtr: S.rowPtr, col: S.col, val: S.val, bound };
}
