/**
 * The planner worker's solvers: core/planner's greedy, offline and online Dual and match metrics, adapted to the
 * PlannerSolvers shape that the API takes. One Dual workspace (transposed copy, active-set buffers) per score
 * matrix, reused by every re-solve on it: slider moves then cost a warm-started solve, not a fresh transposition;
 * likewise greedy's walk order on small matrices.
 */
import { denseScores } from '../src/core/models/scores';
import {
  createDualWorkspace,
  descendingOrder,
  evaluateMatch,
  solveDual,
  solveGreedy,
  solveOnline,
  type DualWorkspace,
} from '../src/core/planner';
import type { Csr } from '../src/core/data/types';
import type { DualState, MatchMetrics, MatchSettings, MatchSolution } from '../src/core/planner/types';

/** A dense row-major score matrix (λ ≥ 0). */
export interface ScoreMatrix {
  data: Float32Array;
  nRows: number;
  nCols: number;
}

/**
 * What the API needs of core/planner, one function per mode (injected so the plumbing is testable on its own and the
 * modes can land one by one). A missing mode is reported per model as unavailable.
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
