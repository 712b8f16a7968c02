/**
 * The planner worker's solvers: core/planner's greedy, offline and online Dual and match metrics, adapted to the
 * API's PlannerSolvers shape. One Dual workspace (transposed copy, active-set buffers) per score matrix, reused by
 * every re-solve on it: slider moves then cost a warm-started solve, not a fresh transposition; likewise greedy's
 * walk order on small matrices.
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
import type { PlannerSolvers, ScoreMatrix } from './planner.api';

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
