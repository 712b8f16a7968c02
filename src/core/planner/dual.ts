/**
 * The Dual planner (paper section 4, Algorithm 1, eqs. 9-14) over a dense score matrix λ (rows = user states,
 * columns = items), pure TypeScript over typed arrays.
 *
 * Problem (eq. 9, relaxed): max Σ λπ s.t. Σ_y π_xy ≤ α·n_items (u_x ≥ 0), Σ_x π_xy ≥ β·n_users (v_y ≤ 0) and,
 * optionally, Σ_x π_xy ≤ β'·n_users (a second column multiplier w_y ≥ 0; the column shift is v_y + w_y, at most one
 * of them non-zero). Entropic relaxation with temperature ε: π = sigmoid((λ − u − v)/ε) (eq. 12); alternating exact
 * root finds for u (rows) and v (columns) on the monotone gradients (eq. 13, kernels.ts); ε annealed geometrically;
 * the scores are normalised so that max λ = 1 (ε is in those units; u, v are returned in score units).
 *
 * Schedule: ε starts at τ (the mean TopK threshold, normalised) rather than 1, ends at τ·1e-4, halves per level;
 * each level runs up to `sweepsPerLevel` u/v sweeps (v-steps over-relaxed by ω during annealing, exact at the final
 * ε so that every boosted item sits at its bound before the hard TopK). Warm starts resume at 4·epsMin.
 *
 * Speed (bench/planner.bench.ts measures it):
 * - Early epochs (ε > τ/8) run on a sample of `batchRows` user states, as Algorithm 1 samples a batch X' per epoch,
 *   with the step v ← (1 − γ_v)v + γ_v v'.
 * - Once ε is small, the epochs run on an active set S = {(x, y): λ − u_x − v_y > −Δ}, Δ = Zε + slack, kept as CSR
 *   (rows) and CSC (columns). Pairs outside S contribute < sigmoid(−Z) as long as the drops of u and v since S was
 *   built stay within the slack; the solver tracks them and rebuilds S with one pass over the matrix when not. Rows
 *   and columns S covers with fewer pairs than their target are solved on the full row or column.
 * - When S would be too large, the full matrix is used: rows in place, columns through a transposed copy.
 * - Hard decisions: per row the top round(α·n_items) of λ − v among positive values (eq. 14's ε → 0 limit,
 *   Algorithm 1's "Ensure" line), by quickselect.
 * The schedule is here; the active set, the residuals and the u/v steps are in dualSteps.ts.
 */
import type { ScoreSource } from '../models/scores';
import { createRng } from '../util/rng';
import { checkSettings, denseOf, hardK, secondsSince, solutionOf } from './common';
import { ZCUT } from './kernels';
import { Anneal, annealStart, relax, ROOT_TOL, type DualOptions } from './anneal';
export type { DualIteration, DualOptions, DualStepKind } from './anneal';
import type { Assignment, MatchSettings, MatchSolution } from './types';
import { solveExact } from './exact';
import { createAuctionWorkspace } from './auctionState';
import {
  buildActive,
  createDualWorkspace,
  drift,
  residualsActive,
  residualsDense,
  transposeOf,
  uStepActive,
  uStepDense,
  vStepActive,
  vStepDense,
  viewOf,
  type Active,
  type Problem,
  type Scratch,
} from './dualSteps';

export { createDualWorkspace, type ActiveView, type DualWorkspace } from './dualSteps';
import { hardDecisions } from './rounding';
export { hardDecisions };

/** One epoch's report: temperature (normalised units), where it ran, and the constraints' max relative violations. */
/** Normalisation of the scores: max λ (1 for an all-zero matrix). */
function maxOf(data: Float32Array): number {
  let mx = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > mx) mx = data[i];
  return mx > 0 ? mx : 1;
}

/** Offline Dual (Algorithm 1 on the given rows) → hard decisions on the same rows. */
export function solveDual(scores: ScoreSource, s: MatchSettings, opts: DualOptions = {}): MatchSolution {
  checkSettings(s);
  const t0 = Date.now();
  const ws = opts.workspace ?? createDualWorkspace();
  const data = denseOf(scores);
  if (ws.data !== data) {
    ws.data = data;
    ws.transposed = null;
    ws.auction = createAuctionWorkspace();
    ws.scale = maxOf(data);
  }
  const { nRows: m, nCols: p } = scores;
  const scale = ws.scale;
  const pr: Problem = {
    data,
    m,
    p,
    K: s.alpha * p,
    L: s.beta * m,
    U: s.betaMax !== undefined ? s.betaMax * m : Infinity,
    ws,
  };
  const K = hardK(s, p);
  const { u, v, warm } = annealStart(m, p, K, opts.warm);
  if (pr.L <= 0 && pr.U === Infinity) {
    // No item constraint: v = 0 and the optimum of eq. 9 is each row's top K (eq. 14 with v = 0); no iterations.
    v.fill(0);
    const assignment = hardDecisions(data, m, p, K, v);
    leftOutBest(data, p, assignment, v, u);
    return solutionOf('offline', s, data, assignment, { u, v, eps: 0 }, { user: [0], item: [0] }, 0, secondsSince(t0));
  }
  const annealAsked =
    opts.method === 'anneal' ||
    opts.eps0 !== undefined ||
    opts.epsMin !== undefined ||
    opts.maxSweeps !== undefined ||
    opts.onIteration !== undefined;
  if (pr.U === Infinity && !annealAsked)
    return solveExact(data, transposeOf(ws, data, m, p), m, p, s, opts.signal, opts.warm, ws.auction);
  const an = new Anneal(pr, scale, warm, opts);
  const rootTol = ROOT_TOL;
  const batch = Math.min(m, opts.batchRows ?? 512);
  const batchAbove = an.tau * (opts.batchUntil ?? 1 / 8);
  const cap = Math.max(1024, Math.floor((opts.maxActiveShare ?? 0.15) * m * p));
  const slackFactor = opts.slack ?? 2;
  let lastDrift = 0;
  const rng = createRng(opts.seed ?? 1);
  const sc: Scratch = { a: new Float64Array(Math.max(m, p)), b: new Float64Array(Math.max(m, p)) };
  const vNew = new Float64Array(p);
  const vOld = new Float64Array(p);
  let S: Active | null = null;
  /** S valid for the current ε (rebuilt when stale or too loose); null when it would be too big. */
  const ensureActive = (force: boolean): Active | null => {
    const need = ZCUT * an.eps;
    if (S) {
      const d = drift(S, u, v);
      if (!force && S.delta - d >= need && S.delta <= 4 * need * (1 + slackFactor) + 2 * slackFactor * lastDrift)
        return S;
      lastDrift = d;
    }
    S = buildActive(pr, u, v, need + slackFactor * Math.max(need, lastDrift), cap);
    // Too big with room for the last drift: retry with the tightest margin (rebuilt more often, still exact).
    if (!S && lastDrift > need) S = buildActive(pr, u, v, need * (1 + slackFactor), cap);
    return S;
  };
  /** One exact u- then v-sweep on S; rebuilt and redone when a step moved (u, v) past S's margin. False: S overflowed. */
  const sparseSweep = (): boolean => {
    for (let tries = 0; tries < 4; tries++) {
      const Sa: Active | null = S;
      if (!Sa) return false;
      uStepActive(pr, Sa, u, v, an.eps, sc, rootTol);
      if (Sa.delta - drift(Sa, u, v) < ZCUT * an.eps) {
        if (!ensureActive(true)) return false;
        continue;
      }
      vOld.set(v);
      vStepActive(pr, Sa, u, v, an.eps, sc, rootTol);
      relax(v, vOld, an.relaxation);
      if (Sa.delta - drift(Sa, u, v) >= ZCUT * an.eps) return true;
      if (!ensureActive(true)) return false;
    }
    return S !== null;
  };
  for (;;) {
    if (opts.signal?.aborted) throw new Error('aborted');
    const sampled = !an.final && batch < m && an.eps > batchAbove;
    const act = !sampled && ensureActive(false) !== null && sparseSweep();
    const cur = S as Active | null;
    let done: boolean;
    if (act && cur) {
      done = an.after('sparse', cur.nnz, residualsActive(pr, cur, u, v, an.eps));
    } else if (sampled) {
      const rows = sampleRows(m, batch, rng);
      uStepDense(pr, rows, u, v, an.eps, sc, rootTol);
      vStepDense(pr, rows, u, v, an.eps, sc, rootTol, vNew);
      const g = 0.5;
      for (let y = 0; y < p; y++) v[y] = (1 - g) * v[y] + g * vNew[y];
      done = an.after('batch', batch * p, residualsDense(pr, rows, u, v, an.eps), true);
    } else {
      uStepDense(pr, null, u, v, an.eps, sc, rootTol);
      vStepDense(pr, null, u, v, an.eps, sc, rootTol, vNew);
      vOld.set(v);
      v.set(vNew);
      relax(v, vOld, an.relaxation);
      done = an.after('dense', m * p, residualsDense(pr, null, u, v, an.eps));
    }
    if (done) break;
  }
  const fin = S as Active | null;
  return an.solution(s, pr, K, u, v, t0, fin ? viewOf(fin, v) : undefined);
}

/** u_x = the best λ − v a row's decisions leave out, projected to ≥ 0 (eq. 14's TopK threshold). */
export function leftOutBest(data: Float32Array, p: number, a: Assignment, v: Float64Array, u: Float64Array): void {
  for (let x = 0; x < a.nRows; x++) {
    const off = x * p;
    let q = a.indptr[x];
    let best = 0;
    for (let y = 0; y < p; y++) {
      if (q < a.indptr[x + 1] && a.indices[q] === y) {
        q++;
        continue;
      }
      const key = data[off + y] - v[y];
      if (key > best) best = key;
    }
    u[x] = best;
  }
}

/** `n` distinct rows out of m, sorted (a partial Fisher-Yates with the seeded stream). */
function sampleRows(m: number, n: number, rng: ReturnType<typeof createRng>): Int32Array {
  const idx = new Int32Array(m);
  for (let i = 0; i < m; i++) idx[i] = i;
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(m - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, n).sort();
}
