// The page of e2e/gpuPass.spec.ts, bundled by src/testing/pageBundle.ts: runs the planner's pass engine
// (workers/gpuPass.ts) on a matrix sent from the test and returns the sums with the engine that ran.
import { passEngine, type PassEngineOptions } from '../workers/gpuPass';

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
}

async function run(c: PassCase): Promise<PassOutcome> {
  const engine = await passEngine(Float32Array.from(c.lambda), c.rows, c.cols, c.opts);
  const rowSum = new Float64Array(c.rows);
  const colSum = new Float64Array(c.cols);
  try {
    await engine.pass(Float64Array.from(c.u), Float64Array.from(c.v), c.eps, rowSum, colSum);
  } finally {
    engine.dispose();
  }
  return {
    backend: engine.backend,
    adapter: engine.adapter,
    reason: engine.reason,
    rowSum: [...rowSum],
    colSum: [...colSum],
  };
}

(globalThis as unknown as { gpuPassTest: { run: typeof run } }).gpuPassTest = { run };
