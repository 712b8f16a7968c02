/**
 * The annealed Dual (Algorithm 1, eqs. 12-13; the schedule of dual.ts, shared through anneal.ts) with every u- and
 * v-step done by full passes over the score matrix, run by an injected asynchronous engine: in the planner worker the
 * WebGPU compute shaders (workers/gpuPass.ts), which keep λ on the GPU and return only the row and column sums. The
 * rest stays here, on the CPU, and pure.
 *
 * A step solves every row's (or every column's) root of eq. 13 at once: each pass evaluates Σπ and its slope
 * Σπ(1 − π) for all of them at their current trial values, and each row (column) takes a safeguarded Newton step
 * within its bracket (bisection when Newton leaves it), as kernels.ts softRoot does one at a time; rows and columns
 * that have converged keep their value while the others go on. Projection as there: u ≥ 0; v ≤ 0 below the minimal
 * exposure L, w ≥ 0 above the maximal exposure U (the column shift is whichever applies).
 *
 * The CPU solve (dual.ts) adds sampled early epochs and an active set; both change the path, not the fixed point, so
 * the two agree on (u, v) to the root finds' tolerance at the final ε and the decisions drawn from them (rounding.ts)
 * agree to the same degree.
 */
import type { ScoreSource } from '../models/scores';
import { checkSettings, denseOf, hardK } from './common';
import { Anneal, annealStart, relax, ROOT_TOL } from './anneal';
import { solveDual, type DualOptions } from './dual';
import { createDualWorkspace, itemViolation, type Problem } from './dualSteps';
import { ZCUT } from './kernels';
import type { MatchSettings, MatchSolution } from './types';

/** Per row and per column: Σπ and Σπ(1 − π) of π = sigmoid((λ − u − v)/ε) (eq. 12), pairs past the cut-off exact 0/1. */
export interface SoftSums {
  rowSum: Float64Array;
  colSum: Float64Array;
  rowSlope: Float64Array;
  colSlope: Float64Array;
}

/** One pass over the engine's matrix at (u, v, ε) (raw score units), filling `out`. */
export type SoftPassFn = (u: Float64Array, v: Float64Array, eps: number, out: SoftSums) => Promise<void>;

export const softSumsOf = (rows: number, cols: number): SoftSums => ({
  rowSum: new Float64Array(rows),
  colSum: new Float64Array(cols),
  rowSlope: new Float64Array(rows),
  colSlope: new Float64Array(cols),
});

/** The pass in plain JS over a dense row-major matrix (the reference the GPU's pass is checked against). */
export function softSums(
  data: Float32Array,
  rows: number,
  cols: number,
  u: Float64Array,
  v: Float64Array,
  eps: number,
  out: SoftSums,
): void {
  const inv = 1 / eps;
  out.colSum.fill(0);
  out.colSlope.fill(0);
  for (let x = 0; x < rows; x++) {
    const off = x * cols;
    let s = 0;
    let d = 0;
    for (let y = 0; y < cols; y++) {
      const z = (data[off + y] - u[x] - v[y]) * inv;
      if (z <= -ZCUT) continue;
      const q = z > ZCUT ? 1 : 1 / (1 + Math.exp(-z));
      s += q;
      d += q * (1 - q);
      out.colSum[y] += q;
      out.colSlope[y] += q * (1 - q);
    }
    out.rowSum[x] = s;
    out.rowSlope[x] = d;
  }
}

export interface PassedOptions extends DualOptions {
  /**
   * Relative width (of max λ + |t|) under which a root's bracket counts as closed: the resolution of the engine's
   * numbers (default 1e-7, about f32's: finer trial values cannot change what an f32 pass returns).
   */
  resolution?: number;
  /** Told the number of passes the solve ran (for benches). */
  onPasses?: (passes: number) => void;
}

/** Extremes of λ per row (max) and per column (min, max): the brackets' outer ends. */
interface Extremes {
  rowMax: Float64Array;
  colMin: Float64Array;
  colMax: Float64Array;
}

const extremesCache = new WeakMap<Float32Array, Extremes>();

function extremesOf(data: Float32Array, m: number, p: number): Extremes {
  const hit = extremesCache.get(data);
  if (hit) return hit;
  const e = {
    rowMax: new Float64Array(m).fill(-Infinity),
    colMin: new Float64Array(p).fill(Infinity),
    colMax: new Float64Array(p).fill(-Infinity),
  };
  for (let x = 0; x < m; x++)
    for (let y = 0; y < p; y++) {
      const s = data[x * p + y];
      if (s > e.rowMax[x]) e.rowMax[x] = s;
      if (s < e.colMin[y]) e.colMin[y] = s;
      if (s > e.colMax[y]) e.colMax[y] = s;
    }
  extremesCache.set(data, e);
  return e;
}

const minOf = (a: Float64Array) => a.reduce((m, x) => Math.min(m, x), 0);
const maxOf = (a: Float64Array) => a.reduce((m, x) => Math.max(m, x), 0);

/** Roots under way for one step: per index its trial t, bracket, target, tolerance and whether it is still open. */
interface Roots {
  t: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  target: Float64Array;
  tol: Float64Array;
  open: Uint8Array;
}

const rootsOf = (n: number): Roots => ({
  t: new Float64Array(n),
  lo: new Float64Array(n),
  hi: new Float64Array(n),
  target: new Float64Array(n),
  tol: new Float64Array(n),
  open: new Uint8Array(n),
});

/** Opens root i on [lo, hi] for `target`, starting at `prev` when it lies inside (a warm start), else the middle. */
function openRoot(r: Roots, i: number, lo: number, hi: number, target: number, tol: number, prev: number): void {
  r.lo[i] = lo;
  r.hi[i] = hi;
  r.target[i] = target;
  r.tol[i] = tol;
  r.open[i] = 1;
  r.t[i] = prev > lo && prev < hi ? prev : 0.5 * (lo + hi);
}

/**
 * Safeguarded Newton on every open root until all are within tolerance (or their bracket is below the resolution):
 * `evaluate` runs one pass at the trial values and returns Σπ and Σπ(1 − π) per index. Σπ falls in t with slope
 * −Σπ(1 − π)/ε.
 */
async function solveRoots(
  r: Roots,
  eps: number,
  width: number,
  evaluate: (t: Float64Array) => Promise<{ sum: Float64Array; slope: Float64Array }>,
): Promise<number> {
  let passes = 0;
  for (let it = 0; it < 200 && r.open.includes(1); it++) {
    const { sum, slope } = await evaluate(r.t);
    passes++;
    for (let i = 0; i < r.t.length; i++) {
      if (!r.open[i]) continue;
      const t = r.t[i];
      const f = sum[i] - r.target[i];
      if (Math.abs(f) <= r.tol[i]) {
        r.open[i] = 0;
        continue;
      }
      if (f > 0) r.lo[i] = t;
      else r.hi[i] = t;
      const lo = r.lo[i];
      const hi = r.hi[i];
      if (hi - lo <= width * (1 + Math.abs(t))) {
        r.open[i] = 0;
        continue;
      }
      let next = slope[i] > 0 ? t + (f * eps) / slope[i] : NaN;
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      r.t[i] = next;
    }
  }
  return passes;
}

/**
 * Offline Dual with the passes on `pass` (Algorithm 1 on the given rows, annealed; the same options and decisions
 * as dual.ts solveDual's annealed path, less its sampled epochs and active set). Without an item constraint the
 * answer is each row's top K with no pass (solveDual's).
 */
export async function solveDualPassed(
  scores: ScoreSource,
  s: MatchSettings,
  pass: SoftPassFn,
  opts: PassedOptions = {},
): Promise<MatchSolution> {
  checkSettings(s);
  const t0 = Date.now();
  const data = denseOf(scores);
  const { nRows: m, nCols: p } = scores;
  const pr: Problem = {
    data,
    m,
    p,
    K: s.alpha * p,
    L: s.beta * m,
    U: s.betaMax !== undefined ? s.betaMax * m : Infinity,
    ws: createDualWorkspace(),
  };
  if (pr.L <= 0 && pr.U === Infinity) return solveDual(scores, s, { warm: opts.warm });
  const ext = extremesOf(data, m, p);
  const top = maxOf(ext.rowMax);
  const scale = top > 0 ? top : 1;
  const width = (opts.resolution ?? 1e-7) * (1 + scale);
  const K = hardK(s, p);
  const { u, v, warm } = annealStart(m, p, K, opts.warm);
  const an = new Anneal(pr, scale, warm, opts);
  const out = softSumsOf(m, p);
  const zero = (n: number) => new Float64Array(n);
  const rowRoots = rootsOf(m);
  const colRoots = rootsOf(p);
  const vOld = new Float64Array(p);
  let passes = 0;
  const run = async (uu: Float64Array, vv: Float64Array) => {
    await pass(uu, vv, an.eps, out);
    passes++;
  };

  /** u_x = the projected root of Σ_y π = K (eq. 13) for every row, v fixed. */
  const uStep = async () => {
    const eps = an.eps;
    const zeps = ZCUT * eps;
    const r = rowRoots;
    await run(zero(m), v);
    const vMin = minOf(v);
    for (let x = 0; x < m; x++) {
      r.open[x] = 0;
      r.t[x] = 0;
      if (pr.K >= p || out.rowSum[x] <= pr.K + ROOT_TOL * Math.max(1, pr.K)) continue;
      openRoot(r, x, 0, ext.rowMax[x] - vMin + 2 * zeps, pr.K, ROOT_TOL * Math.max(1, pr.K), u[x]);
    }
    passes += await solveRoots(r, eps, width, async (t) => {
      await pass(t, v, eps, out);
      return { sum: out.rowSum, slope: out.rowSlope };
    });
    u.set(r.t);
  };

  /** v_y = the column shift (dualSteps.ts columnShift): below L a root ≤ 0, above U a root ≥ 0, else 0. */
  const vStep = async () => {
    const eps = an.eps;
    const zeps = ZCUT * eps;
    const r = colRoots;
    await run(u, zero(p));
    const uMin = minOf(u);
    const uMax = maxOf(u);
    const tolL = ROOT_TOL * pr.L;
    const tolU = ROOT_TOL * Math.max(1, pr.U);
    for (let y = 0; y < p; y++) {
      r.open[y] = 0;
      r.t[y] = 0;
      const c = out.colSum[y];
      if (pr.L > 0 && c < pr.L - tolL) openRoot(r, y, ext.colMin[y] - uMax - 2 * zeps, 0, pr.L, tolL, v[y]);
      else if (pr.U < Infinity && c > pr.U + tolU) openRoot(r, y, 0, ext.colMax[y] - uMin + 2 * zeps, pr.U, tolU, v[y]);
    }
    passes += await solveRoots(r, eps, width, async (t) => {
      await pass(u, t, eps, out);
      return { sum: out.colSum, slope: out.colSlope };
    });
    vOld.set(v);
    v.set(r.t);
    relax(v, vOld, an.relaxation);
  };

  for (;;) {
    if (opts.signal?.aborted) throw new Error('aborted');
    await uStep();
    await vStep();
    // Residuals as dual.ts residualsDense: rows over K (or off it where u > 0), items off their bounds.
    await run(u, v);
    let user = 0;
    if (pr.K > 0)
      for (let x = 0; x < m; x++) {
        const d = out.rowSum[x] - pr.K;
        user = Math.max(user, (u[x] > 0 ? Math.abs(d) : d) / pr.K);
      }
    if (an.after('dense', m * p, { user, item: itemViolation(out.colSum, v, pr.L, pr.U) })) break;
  }
  opts.onPasses?.(passes);
  return an.solution(s, pr, K, u, v, t0);
}
