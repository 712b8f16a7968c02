/**
 * Shared pieces of the solvers: budgets in counts, settings checks, dense access to scores, solution assembly.
 */
import { materialize, type ScoreSource } from '../models/scores';
import { assignmentCounts } from './metrics';
import type { Assignment, DualState, MatchSettings, MatchSolution, PlannerMode } from './types';

/** Hard per-row capacity: round(α·n_items) (rime's topk). */
export const hardK = (s: MatchSettings, nCols: number): number => Math.round(s.alpha * nCols);

/** A problem with the settings, as a message naming the field, or null when fine. */
export function settingsProblem(s: MatchSettings): string | null {
  const frac = (v: number): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;
  if (!frac(s.alpha)) return `alpha = ${s.alpha}: must be a fraction of items in [0, 1]`;
  if (!frac(s.beta)) return `beta = ${s.beta}: must be a fraction of users in [0, 1]`;
  if (s.beta > s.alpha)
    return `beta = ${s.beta} > alpha = ${s.alpha}: asks for more exposures than the users' capacity holds`;
  if (s.betaMax !== undefined) {
    if (!frac(s.betaMax)) return `betaMax = ${s.betaMax}: must be a fraction of users in [0, 1]`;
    if (s.betaMax < s.beta) return `betaMax = ${s.betaMax} < beta = ${s.beta}`;
  }
  return null;
}

export function checkSettings(s: MatchSettings): void {
  const p = settingsProblem(s);
  if (p) throw new RangeError(`planner: ${p}`);
}

/** The scores as one row-major array; the planner's CPU path needs them dense (under DENSE_BUDGET_BYTES). */
export function denseOf(scores: ScoreSource, budgetBytes?: number): Float32Array {
  const d = materialize(scores, budgetBytes);
  if (!d)
    throw new RangeError(`planner: ${scores.nRows}×${scores.nCols} scores exceed the dense budget; pass fewer rows`);
  return d;
}

/** CSR assignment from per-row column lists, written back to back (row r: cols[ptr[r]..ptr[r+1])). */
export function assignmentOf(nRows: number, nCols: number, indptr: Int32Array, indices: Int32Array): Assignment {
  return { nRows, nCols, indptr, indices };
}

/** CSR assignment from a 0/1 mask over the row-major matrix. */
export function assignmentFromMask(nRows: number, nCols: number, mask: Uint8Array): Assignment {
  const indptr = new Int32Array(nRows + 1);
  for (let r = 0; r < nRows; r++) {
    let c = 0;
    const off = r * nCols;
    for (let y = 0; y < nCols; y++) c += mask[off + y];
    indptr[r + 1] = indptr[r] + c;
  }
  const indices = new Int32Array(indptr[nRows]);
  let q = 0;
  for (let i = 0; i < nRows * nCols; i++) if (mask[i]) indices[q++] = i % nCols;
  return { nRows, nCols, indptr, indices };
}

/** Σ λ over the assigned pairs, in score units. */
export function objectiveOf(data: Float32Array, a: Assignment): number {
  let s = 0;
  for (let r = 0; r < a.nRows; r++) {
    const off = r * a.nCols;
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) s += data[off + a.indices[p]];
  }
  return s;
}

/** Max relative violations of the hard decisions: user load over K, items under β·rows (and over β'·rows). */
export function hardResiduals(
  a: Assignment,
  s: MatchSettings,
  userLoad: Int32Array,
  itemExposure: Int32Array,
): { user: number; item: number } {
  const K = Math.max(1e-12, s.alpha * a.nCols);
  let user = 0;
  for (let r = 0; r < a.nRows; r++) user = Math.max(user, (userLoad[r] - K) / K);
  const lo = s.beta * a.nRows;
  const hi = s.betaMax !== undefined ? s.betaMax * a.nRows : Infinity;
  let item = 0;
  for (let c = 0; c < a.nCols; c++) {
    if (lo > 0) item = Math.max(item, (lo - itemExposure[c]) / lo);
    if (hi < Infinity && hi > 0) item = Math.max(item, (itemExposure[c] - hi) / hi);
  }
  return { user: Math.max(0, user), item: Math.max(0, item) };
}

export function solutionOf(
  mode: PlannerMode,
  settings: MatchSettings,
  data: Float32Array,
  assignment: Assignment,
  state: DualState,
  residuals: { user: number[]; item: number[] },
  iterations: number,
  seconds: number,
  /** What the solver has already computed (else derived from the assignment and data). */
  known: { objective: number; userLoad: Int32Array; itemExposure: Int32Array } | null = null,
): MatchSolution {
  const { userLoad, itemExposure } = known ?? assignmentCounts(assignment);
  return {
    mode,
    settings: { ...settings },
    assignment,
    objective: known ? known.objective : objectiveOf(data, assignment),
    itemExposure,
    userLoad,
    state,
    residuals,
    iterations,
    seconds,
  };
}

/** Wall-clock seconds since t0 (ms), for the solution's cost; core has no performance.now in its lib. */
export const secondsSince = (t0: number): number => (Date.now() - t0) / 1000;
