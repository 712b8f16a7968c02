/**
 * The planner session's solvers (session.ts): one function per mode over a dense score matrix. The default ones
 * are this package's greedy, offline and online Dual and match metrics, with a Dual workspace (transposed copy,
 * auction state) per score matrix reused by every re-solve on it, for the most recently solved matrices only
 * (workspaceCache.ts): a slider move on them costs a warm-started solve, not a fresh transposition; likewise greedy's
 * walk order on small matrices.
 */
import type { Csr } from '../data/types';
import { denseScores } from '../models/scores';
import { solveDual } from './dual';
import { descendingOrder, solveGreedy } from './greedy';
import { evaluateMatch } from './metrics';
import { solveOnline } from './online';
import type { DualState, MatchMetrics, MatchSettings, MatchSolution } from './types';
import { WorkspaceCache } from './workspaceCache';

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
  /**
   * Offline Dual on the test rows, warm-started from `warm` when given (asynchronous where its passes run elsewhere:
   * the planner worker's WebGPU pass, dualPassed.ts).
   */
  offline?(s: ScoreMatrix, settings: MatchSettings, warm: DualState | null): MatchSolution | Promise<MatchSolution>;
  /** Online Dual: v calibrated on `valid`, then each test row decided alone by TopK(λ − v). */
  online?(valid: ScoreMatrix, test: ScoreMatrix, settings: MatchSettings, warm: DualState | null): MatchSolution;
  /** Relevance and diversity of the hard decisions against the test targets (rime field names). */
  evaluate(solution: MatchSolution, target: Csr): MatchMetrics;
  /** Told the score arrays of a newly adopted input: buffers kept for any other array can go. */
  retain?(live: ReadonlySet<Float32Array>): void;
}

/**
 * Score matrices that keep a Dual workspace by default: the sweeps and the background fill run model by model, and
 * each workspace is a transposed copy of its matrix (plus a byte per pair), so a session holds two, not one per model.
 */
export const WORKSPACE_LIMIT = 2;

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

/** This package's solvers, keeping Dual workspaces for the `workspaces` most recently solved matrices. */
export function createDefaultSolvers(workspaces = WORKSPACE_LIMIT): Omit<PlannerSolvers, 'offline'> & {
  cache: WorkspaceCache;
  offline(s: ScoreMatrix, settings: MatchSettings, warm: DualState | null): MatchSolution;
} {
  const cache = new WorkspaceCache(workspaces);
  return {
    cache,
    greedy: (s, settings) => solveGreedy(source(s), settings, { order: greedyOrder(s) }),
    // Without an item constraint the Dual is each row's top K (no transposition): no workspace is taken for it.
    offline: (s, settings, warm) =>
      solveDual(source(s), settings, {
        warm: warm ?? undefined,
        workspace: settings.beta > 0 || settings.betaMax !== undefined ? cache.get(s.data) : undefined,
      }),
    online: (valid, test, settings, warm) =>
      solveOnline(source(valid), source(test), settings, { warm: warm ?? undefined, workspace: cache.get(valid.data) }),
    evaluate: (solution, target) => evaluateMatch(solution.assignment, target, solution.settings),
    retain: (live) => cache.retain(live),
  };
}

export const defaultSolvers = createDefaultSolvers();
