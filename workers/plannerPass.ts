/**
 * The planner worker's offline Dual on the WebGPU pass: where the pass engine (gpuPass.ts) runs on the GPU, offline
 * solves with an item constraint run the annealed Dual with its passes there (core/planner/dualPassed.ts, awaited);
 * elsewhere, and for greedy, online and unconstrained solves, the CPU solvers (core/planner/solvers.ts) as before.
 *
 * Which: 'auto' (default) uses a hardware adapter only, as the training ladder does (a software adapter such as
 * SwiftShader is far slower than the CPU); 'webgpu' takes any adapter, SwiftShader included (tests, benches: the page's
 * `?plannerPass=webgpu`); 'cpu' never asks. One engine per score matrix (λ stays on the GPU), for the matrices the CPU
 * solvers keep workspaces for.
 */
import { denseScores } from '../src/core/models/scores';
import { solveDualPassed } from '../src/core/planner/dualPassed';
import { createDefaultSolvers, WORKSPACE_LIMIT, type PlannerSolvers } from '../src/core/planner/solvers';
import { passEngine, type PassEngine } from './gpuPass';

export type PlannerPassMode = 'auto' | 'webgpu' | 'cpu';

export const PLANNER_PASS_MODES: readonly PlannerPassMode[] = ['auto', 'webgpu', 'cpu'];

/** Which path the last offline solve took: the GPU's pass (with its adapter) or the CPU (with the reason). */
export interface PlannerPassNote {
  backend: 'webgpu' | 'cpu';
  adapter?: string;
  reason?: string;
}

/** The CPU solvers, with the offline Dual moved onto the WebGPU pass where the mode and the adapter allow. */
export function createPassSolvers(base = createDefaultSolvers()) {
  let mode: PlannerPassMode = 'auto';
  let note: PlannerPassNote | null = null;
  /** Engines by score matrix, most recently used last. */
  const engines = new Map<Float32Array, Promise<PassEngine>>();

  const dropEngine = (data: Float32Array) => {
    void engines.get(data)?.then((e) => e.dispose());
    engines.delete(data);
  };
  const engineFor = (data: Float32Array, rows: number, cols: number): Promise<PassEngine> => {
    let e = engines.get(data);
    if (e) engines.delete(data);
    else e = passEngine(data, rows, cols, { order: ['webgpu'], software: mode === 'webgpu' });
    engines.set(data, e);
    while (engines.size > WORKSPACE_LIMIT) dropEngine(engines.keys().next().value as Float32Array);
    return e;
  };

  const solvers: PlannerSolvers = {
    ...base,
    async offline(s, settings, warm) {
      const constrained = settings.beta > 0 || settings.betaMax !== undefined;
      if (mode === 'cpu' || !constrained) {
        if (constrained) note = { backend: 'cpu', reason: 'the CPU path was asked for' };
        return base.offline(s, settings, warm);
      }
      const engine = await engineFor(s.data, s.nRows, s.nCols);
      if (engine.backend !== 'webgpu') {
        note = { backend: 'cpu', reason: engine.reason };
        return base.offline(s, settings, warm);
      }
      note = { backend: 'webgpu', adapter: engine.adapter };
      return solveDualPassed(denseScores(s.nRows, s.nCols, s.data), settings, engine.pass, {
        warm: warm ?? undefined,
      });
    },
    retain(live) {
      base.retain?.(live);
      for (const data of [...engines.keys()]) if (!live.has(data)) dropEngine(data);
    },
  };

  return {
    solvers,
    /** Sets the mode; engines made under another mode are dropped. */
    setMode(next: PlannerPassMode): void {
      if (next === mode) return;
      mode = next;
      for (const data of [...engines.keys()]) dropEngine(data);
    },
    /** The path of the last offline solve with an item constraint (null before one). */
    note: (): PlannerPassNote | null => note,
  };
}
