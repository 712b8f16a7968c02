// The page of e2e/gpuPass.spec.ts, bundled by src/testing/pageBundle.ts: runs the planner's pass engine
// (workers/gpuPass.ts) on a matrix sent from the test and returns the sums with the engine that ran; and the planner
// worker's offline Dual on that engine beside the CPU solve on the same world.
import { passEngine, type PassEngineOptions } from '../workers/gpuPass';
import { denseScores } from '../src/core/models/scores';
import { solveDual } from '../src/core/planner/dual';
import { softSumsOf, solveDualPassed } from '../src/core/planner/dualPassed';
import { drawScores, scoreWorld } from '../src/core/planner/synthetic';
import type { MatchSettings } from '../src/core/planner/types';
import { createRng } from '../src/core/util/rng';

export interface PassCase {
  lambda: number[];
  rows: number;
  cols: number;
  u: number[];
  v: number[];
  eps: number;
  opts: PassEngineOptions;
}

export interface PassOutcome {
  backend: string;
  adapter?: string;
  reason?: string;
  rowSum: number[];
  colSum: number[];
  rowSlope: number[];
  colSlope: number[];
}

async function run(c: PassCase): Promise<PassOutcome> {
  const engine = await passEngine(Float32Array.from(c.lambda), c.rows, c.cols, c.opts);
  const out = softSumsOf(c.rows, c.cols);
  try {
    await engine.pass(Float64Array.from(c.u), Float64Array.from(c.v), c.eps, out);
  } finally {
    engine.dispose();
  }
  return {
    backend: engine.backend,
    adapter: engine.adapter,
    reason: engine.reason,
    rowSum: [...out.rowSum],
    colSum: [...out.colSum],
    rowSlope: [...out.rowSlope],
    colSlope: [...out.colSlope],
  };
}

export interface SolveCase {
  rows: number;
  cols: number;
  seed: number;
  settings: MatchSettings;
  opts: PassEngineOptions;
}

/** One solve's v, item exposures, objective and the engine and passes it ran on. */
export interface SolveOutcome {
  backend: string;
  reason?: string;
  passes: number;
  v: number[];
  exposure: number[];
  objective: number;
  maxScore: number;
}

/** The offline Dual on the engine (GPU when `opts` allow) and the CPU's annealed solve, on the planner's world. */
async function solve(c: SolveCase): Promise<{ engine: SolveOutcome; cpu: SolveOutcome }> {
  const rng = createRng(c.seed);
  const data = drawScores(scoreWorld(c.cols, rng, 4, 1), c.rows, rng);
  const scores = denseScores(c.rows, c.cols, data);
  const maxScore = data.reduce((a, b) => Math.max(a, b), 0);
  const engine = await passEngine(data, c.rows, c.cols, c.opts);
  let passes = 0;
  try {
    const got = await solveDualPassed(scores, c.settings, engine.pass, { onPasses: (n) => (passes = n) });
    const cpu = solveDual(scores, c.settings, { method: 'anneal' });
    const of = (backend: string, s: typeof cpu, n: number, reason?: string): SolveOutcome => ({
      backend,
      reason,
      passes: n,
      v: [...s.state.v],
      exposure: [...s.itemExposure],
      objective: s.objective,
      maxScore,
    });
    return { engine: of(engine.backend, got, passes, engine.reason), cpu: of('cpu', cpu, 0) };
  } finally {
    engine.dispose();
  }
}

(globalThis as unknown as { gpuPassTest: { run: typeof run; solve: typeof solve } }).gpuPassTest = { run, solve };
