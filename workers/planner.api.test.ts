import { describe, expect, it } from 'vitest';
import type { Csr } from '../src/core/data/types';
import type { DualState, MatchMetrics, MatchSettings, MatchSolution, PlannerInput } from '../src/core/planner/types';
import {
  checkInput,
  createPlannerApi,
  exposureHistogram,
  topBoosted,
  vCsv,
  type PlannerSolvers,
  type ScoreMatrix,
} from './planner.api';
import { syntheticPlannerInput } from './planner.input';

/** A 3×4 input with two models; targets: row r wants item r. */
function tinyInput(): PlannerInput {
  const scores = (k: number) => Float32Array.from({ length: 12 }, (_, i) => ((i * 7 + k) % 5) / 5);
  const target: Csr = {
    nRows: 3,
    nCols: 4,
    indptr: Int32Array.from([0, 1, 2, 3]),
    indices: Int32Array.from([0, 1, 2]),
    data: Float32Array.from([1, 1, 1]),
  };
  return {
    models: ['A', 'B'].map((model, k) => ({
      model,
      test: scores(k),
      testRows: 3,
      valid: k === 0 ? scores(3) : null,
      validRows: k === 0 ? 3 : 0,
      nItems: 4,
    })),
    target,
    itemIds: ['i0', 'i1', 'i2', 'i3'],
  };
}

const METRICS: MatchMetrics = {
  k: 1,
  c: 1,
  prec: 0.5,
  recall: 0.5,
  item_ppl: 2,
  item_cov: 0.5,
  user_ppl: 3,
  user_cov: 1,
  'recs/item_25%': 0,
  'recs/item_50%': 1,
  'recs/item_75%': 1,
  delivered: 1,
};

/** Solvers that record their calls; v encodes the call number so warm starts can be traced. */
function recordingSolvers() {
  const calls: { mode: string; settings: MatchSettings; warm: DualState | null }[] = [];
  const solution = (
    mode: MatchSolution['mode'],
    s: ScoreMatrix,
    settings: MatchSettings,
    warm: DualState | null,
  ): MatchSolution => {
    calls.push({ mode, settings, warm });
    const v = new Float64Array(s.nCols).fill(-calls.length);
    return {
      mode,
      settings,
      assignment: { nRows: s.nRows, nCols: s.nCols, indptr: new Int32Array(s.nRows + 1), indices: new Int32Array(0) },
      objective: 0,
      itemExposure: new Int32Array(s.nCols).fill(2),
      userLoad: new Int32Array(s.nRows),
      state: { u: new Float64Array(s.nRows), v, eps: 0.01 },
      residuals: { user: [], item: [] },
      iterations: 3,
      seconds: 0.001,
    };
  };
  const solvers: PlannerSolvers = {
    greedy: (s, settings) => solution('greedy', s, settings, null),
    offline: (s, settings, warm) => solution('offline', s, settings, warm),
    evaluate: () => METRICS,
  };
  return { solvers, calls };
}

describe('planner worker helpers', () => {
  it('bins exposure counts from 0 and counts items within one exposure of the target', () => {
    // max 5, target 2: 6 bins of width 1; items with ≥ 1 exposure are within one of the target.
    expect(exposureHistogram(Int32Array.from([0, 1, 2, 5]), 2)).toEqual({
      lo: [0, 1, 2, 3, 4, 5],
      width: 1,
      count: [1, 1, 1, 0, 0, 1],
      target: 2,
      atTarget: 3,
    });
    // max 99: width ceil(100 / 20) = 5, 20 bins; 99 lands in the last.
    const h = exposureHistogram(Int32Array.from([0, 4, 5, 99]), 0);
    expect(h.width).toBe(5);
    expect(h.count.length).toBe(20);
    expect(h.count[0]).toBe(2);
    expect(h.count[1]).toBe(1);
    expect(h.count[19]).toBe(1);
  });

  it('lists the most negative v first, only items the dual raised', () => {
    const b = topBoosted(
      Float64Array.from([0, -2, -1, 0.5, -3]),
      Int32Array.from([1, 2, 3, 4, 5]),
      ['a', 'b', 'c', 'd', 'e'],
      2,
    );
    expect(b).toEqual([
      { id: 'e', v: -3, exposure: 5 },
      { id: 'b', v: -2, exposure: 2 },
    ]);
    expect(topBoosted(new Float64Array(3), new Int32Array(3), ['a', 'b', 'c'])).toEqual([]);
  });

  it('writes v as CSV with quoted ids', () => {
    expect(vCsv(['a', 'b,c', 'd"e'], Float64Array.from([1, -0.5, 0]))).toBe('item,v\na,1\n"b,c",-0.5\n"d""e",0\n');
  });

  it('refuses inputs whose shapes disagree', () => {
    const bad = tinyInput();
    bad.models[1].testRows = 2;
    expect(checkInput(bad)).toMatch(/B: scores 2×4, targets 3×4/);
    const ids = tinyInput();
    ids.itemIds.pop();
    expect(checkInput(ids)).toMatch(/itemIds has 3 ids for 4 items/);
    expect(checkInput(tinyInput())).toBeNull();
  });
});

describe('planner worker API', () => {
  it('memoises by parameters and warm-starts from the last state of the same model and mode', async () => {
    const { solvers, calls } = recordingSolvers();
    const api = createPlannerApi(solvers);
    expect(api.setInput(tinyInput()).ok).toBe(true);
    const a = await api.solve({ mode: 'offline', alpha: 0.5, beta: 0.25, seq: 1 });
    expect(a.ok && a.data.models.map((m) => m.memoised)).toEqual([false, false]);
    expect(calls.map((c) => c.warm)).toEqual([null, null]);
    const again = await api.solve({ mode: 'offline', alpha: 0.5, beta: 0.25, seq: 2 });
    expect(again.ok && again.data.models.map((m) => m.memoised)).toEqual([true, true]);
    expect(calls).toHaveLength(2);
    await api.solve({ mode: 'offline', alpha: 0.5, beta: 0.5, seq: 3 });
    // Model A's second solve starts from A's first state (v = −1), B's from B's (v = −2).
    expect(calls.slice(2).map((c) => c.warm?.v[0])).toEqual([-1, -2]);
    // β above α is clipped to α.
    const clipped = await api.solve({ mode: 'greedy', alpha: 0.5, beta: 0.9, seq: 4 });
    expect(clipped.ok && clipped.data.beta).toBe(0.5);
    // The exported v is the last shown solution's.
    const csv = api.exportV('A');
    expect(csv.ok && csv.data.split('\n')[1]).toBe('i0,-5');
  });

  it('resumes an offline solve from the memoised solution at the largest β not above it (the auction only rises)', async () => {
    const { solvers, calls } = recordingSolvers();
    const offline = solvers.offline!;
    // Offline states carry an auction assignment, as core/planner's exact solver's do.
    solvers.offline = (s, settings, warm) => {
      const sol = offline(s, settings, warm);
      sol.state.auction = {
        K: 1,
        lo: settings.beta * s.nRows,
        chosen: new Int32Array(s.nRows),
        w: sol.state.v.map((x) => -x),
      };
      return sol;
    };
    const api = createPlannerApi(solvers);
    api.setInput(tinyInput());
    const only = ['A'];
    for (const [seq, beta] of [0.1, 0.3, 0.2, 0.4, 0.05].entries())
      await api.curves({ mode: 'offline', alpha: 0.5, betas: [beta], models: only, seq: seq + 1 });
    // Calls 1-5 solve β = 0.1, 0.3, 0.2, 0.4, 0.05; v of call k is −k. 0.2 resumes from 0.1 (call 1), not from the last
    // solve (0.3); 0.4 from 0.3 (call 2); 0.05 has nothing below it and gets the last state (the solver starts cold).
    expect(calls.map((c) => c.warm?.v[0] ?? null)).toEqual([null, -1, -1, -2, -4]);
  });

  it('keeps the solutions of models whose scores and targets are unchanged when a new input arrives', async () => {
    const { solvers, calls } = recordingSolvers();
    const api = createPlannerApi(solvers);
    api.setInput(tinyInput());
    await api.solve({ mode: 'greedy', alpha: 0.5, beta: 0.25, seq: 1 });
    // Equal copies for A; B's scores differ in one entry.
    const next = tinyInput();
    next.models[1].test[5] += 0.5;
    api.setInput(next);
    const r = await api.solve({ mode: 'greedy', alpha: 0.5, beta: 0.25, seq: 2 });
    expect(r.ok && r.data.models.map((m) => [m.model, m.memoised])).toEqual([
      ['A', true],
      ['B', false],
    ]);
    expect(calls).toHaveLength(3);
    // Other targets: nothing is kept.
    const moved = tinyInput();
    moved.target.indices[0] = 3;
    api.setInput(moved);
    const t = await api.solve({ mode: 'greedy', alpha: 0.5, beta: 0.25, seq: 3 });
    expect(t.ok && t.data.models.map((m) => m.memoised)).toEqual([false, false]);
  });

  it('reports a mode the solvers lack per model, and online without validation rows', async () => {
    const { solvers } = recordingSolvers();
    const api = createPlannerApi(solvers);
    api.setInput(tinyInput());
    const r = await api.solve({ mode: 'online', alpha: 0.5, beta: 0.25, seq: 1 });
    expect(r.ok && r.data.models.map((m) => m.metrics)).toEqual([null, null]);
    expect(r.ok && r.data.models[0].reason).toMatch(/not available/);
  });

  it('stops an older request early when a newer one of the same kind arrives, but not a sweep for a solve', async () => {
    const { solvers } = recordingSolvers();
    const api = createPlannerApi(solvers);
    api.setInput(tinyInput());
    const older = api.solve({ mode: 'offline', alpha: 0.5, beta: 0.25, seq: 1 });
    const sweep = api.curves({ mode: 'offline', alpha: 0.5, betas: [0, 0.25, 0.5], seq: 2 });
    const newer = api.solve({ mode: 'offline', alpha: 0.5, beta: 0.5, seq: 3 });
    const [o, s, n] = await Promise.all([older, sweep, newer]);
    expect(o.ok && o.data.stale).toBe(true);
    expect(n.ok && n.data.stale).toBe(false);
    expect(s.ok && s.data.stale).toBe(false);
    expect(s.ok && s.data.curves.map((c) => c.points.map((p) => p.beta))).toEqual([
      [0, 0.25, 0.5],
      [0, 0.25, 0.5],
    ]);
    // One model only: the page sweeps model by model.
    const one = await api.curves({ mode: 'offline', alpha: 0.5, betas: [0, 0.5], models: ['B'], seq: 4 });
    expect(one.ok && one.data.curves.map((c) => c.model)).toEqual(['B']);
  });

  it('halts every request made so far (a file read starts) and serves the ones after it', async () => {
    const { solvers, calls } = recordingSolvers();
    const api = createPlannerApi(solvers);
    api.setInput(tinyInput());
    const sweep = api.curves({ mode: 'offline', alpha: 0.5, betas: [0, 0.25, 0.5], seq: 5 });
    const solve = api.solve({ mode: 'offline', alpha: 0.5, beta: 0.5, seq: 6 });
    api.halt(6);
    const [s, o] = await Promise.all([sweep, solve]);
    expect(s.ok && s.data.stale).toBe(true);
    expect(o.ok && o.data.stale).toBe(true);
    expect(calls).toHaveLength(0);
    const later = await api.curves({ mode: 'offline', alpha: 0.5, betas: [0, 0.5], seq: 7 });
    expect(later.ok && later.data.stale).toBe(false);
    expect(later.ok && later.data.curves.map((c) => c.points.length)).toEqual([2, 2]);
  });

  it('builds the synthetic input in the worker and sweeps every quick model with the default solvers', async () => {
    const r = await syntheticPlannerInput('small', 1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { createPlannerApi: make } = await import('./planner.api');
    const { defaultSolvers } = await import('./planner.solvers');
    const api = make(defaultSolvers);
    const s = api.setInput(r.data, 'synthetic');
    expect(s.ok && s.data.models).toEqual(['Pop', 'EMA', 'Hawkes']);
    const alpha = 0.01;
    const c = await api.curves({ mode: 'greedy', alpha, betas: [0, alpha], seq: 1 });
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const nItems = r.data.target.nCols;
    for (const curve of c.data.curves) {
      expect(curve.points).toHaveLength(2);
      // Every user gets round(α · items) recommendations.
      for (const p of curve.points) expect(p.k).toBe(Math.round(alpha * nItems));
    }
  });
});
