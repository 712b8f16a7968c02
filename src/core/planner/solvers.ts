/**
 * The planner session's solvers (session.ts): one function per mode over a dense score matrix. The default ones
 * are this package's greedy, offline and online Dual and match metrics, with one Dual workspace (transposed copy,
 * active-set buffers) per score matrix reused by every re-solve on it: a slider move then costs a warm-started
 * solve, not a fresh transposition; likewise greedy's walk order on small matrices.
 */
import type { Csr } from '../data/types';
import { denseScores } from '../models/scores';
import { createDualWorkspace, solveDual, type DualWorkspace } from './dual';
import { descendingOrder, solveGreedy } from './greedy';
import { evaluateMatch } from './metrics';
import { solveOnline } from './online';
import type { DualState, MatchMetrics, MatchSettings, MatchSolution } from './types';

/** A dense row-major score matrix (λ ≥ 0). */
export interface ScoreMatrix {
  data: Float32Array;
  nRows: number;
  nCols: number;
}

/**
 * What a session needs, one function per mode (injected so the session is testable on its own). A missing mode is
 * reported per model as unavailable.
 */
export interface PlannerSolvers {
  greedy?(s: ScoreMatrix, settings: MatchSettings): MatchSolution;
  /** Offline Dual on the test rows, warm-started from `warm` when given. */
  offline?(s: ScoreMatrix, settings: MatchSettings, warm: DualState | null): MatchSolution;
  /** Online Dual: v calibrated on `valid`, then each test row decided alone by TopK(λ − v). */
  online?(valid: ScoreMatrix, test: ScoreMatrix, settings: MatchSettings, warm: DualState | null): MatchSolution;
  /** Relevance and diversity of the hard decisions against the test targets (rime field names). */
  evaluate(solution: MatchSolution, target: Csr): MatchMetrics;
}

/** Workspaces by score array: they go when the array does (a new input). */
const workspaces = new WeakMap<Float32Array, DualWorkspace>();
const workspace = (s: ScoreMatrix): DualWorkspace => {
  let w = workspaces.get(s.data);
  if (!w) workspaces.set(s.data, (w = createDualWorkspace()));
  return w;
};
const source = (s: ScoreMatrix) => denseScores(s.nRows, s.nCols, s.data);

/** Pairs up to which greedy keeps the matrix's walk order (4 bytes a pair: 16 MB at most), built on first use. */
const ORDER_MAX_PAIRS = 1 << 22;
const orders = new WeakMap<Float32Array, Int32Array>();
const greedyOrder = (s: ScoreMatrix): Int32Array | undefined => {
  if (s.data.length > ORDER_MAX_PAIRS) return undefined;
  let o = orders.get(s.data);
  if (!o) orders.set(s.data, (o = descendingOrder(s.data)));
  return o;
};

export const defaultSolvers: PlannerSolvers = {
  greedy: (s, settings) => solveGreedy(source(s), settings, { order: greedyOrder(s) }),
  offline: (s, settings, warm) => solveDual(source(s), settings, { warm: warm ?? undefined, workspace: workspace(s) }),
  online: (valid, test, settings, warm) =>
    solveOnline(source(valid), source(test), settings, { warm: warm ?? undefined, workspace: workspace(valid) }),
  evaluate: (solution, target) => evaluateMatch(solution.assignment, target, solution.settings),
};
