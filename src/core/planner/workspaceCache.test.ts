import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { createPlannerSession } from './session';
import { createDefaultSolvers } from './solvers';
import { drawScores, scoreWorld } from './synthetic';
import { allocTransposed, kernelOf, recycleTransposed } from './scanKernel';
import { WorkspaceCache } from './workspaceCache';
import type { Csr } from '../data/types';
import type { DualState, MatchSettings, MatchSolution, PlannerInput } from './types';

const ROWS = 300;
const ITEMS = 60;

/** Long-tailed synthetic scores, one matrix per seed. */
const scores = (seed: number) => {
  const rng = createRng(seed);
  return { data: drawScores(scoreWorld(ITEMS, rng, 8, 1), ROWS, rng), nRows: ROWS, nCols: ITEMS };
};

/** What a solution decides: assignment, item prices and user thresholds. */
const decisions = (s: MatchSolution) => ({
  indptr: Array.from(s.assignment.indptr),
  indices: Array.from(s.assignment.indices),
  v: Array.from(s.state.v),
  u: Array.from(s.state.u),
});

describe('WorkspaceCache', () => {
  it('keeps at most `limit` workspaces, dropping the least recently used', () => {
    const cache = new WorkspaceCache(2);
    const [a, b, c] = [new Float32Array(4), new Float32Array(4), new Float32Array(4)];
    const wa = cache.get(a);
    cache.get(b);
    expect(cache.get(a)).toBe(wa); // a is now the most recent
    cache.get(c);
    expect([cache.holds(a), cache.holds(b), cache.holds(c), cache.size]).toEqual([true, false, true, 2]);
    expect(cache.built).toBe(3);
    expect(cache.get(b)).not.toBe(undefined);
    expect([cache.holds(a), cache.holds(b), cache.holds(c), cache.built]).toEqual([false, true, true, 4]);
    cache.retain(new Set([c]));
    expect([cache.holds(b), cache.holds(c), cache.size]).toEqual([false, true, 1]);
    expect(() => new WorkspaceCache(0)).toThrow(/at least 1/);
  });

  it('a resumed solve after its workspace was evicted decides exactly as without the eviction', () => {
    const A = scores(1);
    const B = scores(2);
    const steps: MatchSettings[] = [0.02, 0.05, 0.08, 0.1].map((beta) => ({ alpha: 0.1, beta }));
    // The same chain of slider steps on A, each resumed from the one before; in `evicting` a solve on B comes
    // between A's steps and, with one workspace, takes A's.
    const run = (limit: number, interleave: boolean) => {
      const solvers = createDefaultSolvers(limit);
      let warm: DualState | null = null;
      const out: ReturnType<typeof decisions>[] = [];
      for (const s of steps) {
        if (interleave) solvers.offline!(B, s, null);
        const sol = solvers.offline!(A, s, warm);
        warm = sol.state;
        out.push(decisions(sol));
      }
      return { out, solvers };
    };
    const kept = run(2, true);
    const evicting = run(1, true);
    const alone = run(1, false);
    expect(kept.solvers.cache.built).toBe(2);
    // One workspace: A and B take it in turn, each step rebuilds both.
    expect(evicting.solvers.cache.built).toBe(2 * steps.length);
    expect(evicting.solvers.cache.size).toBe(1);
    expect(evicting.out).toEqual(kept.out);
    expect(alone.out).toEqual(kept.out);
    // Each step met its minimal exposure: β·rows users per item, within the rounding of exact.ts.
    for (const [i, s] of steps.entries()) {
      const exposure = new Int32Array(ITEMS);
      for (const y of evicting.out[i].indices) exposure[y]++;
      expect(Math.min(...exposure)).toBeGreaterThanOrEqual(Math.round(s.beta * ROWS));
    }
  });

  it('a session over three models holds at most the limit, and its sweeps equal those of one holding all', async () => {
    const target: Csr = {
      nRows: ROWS,
      nCols: ITEMS,
      indptr: Int32Array.from({ length: ROWS + 1 }, (_, r) => r),
      indices: Int32Array.from({ length: ROWS }, (_, r) => r % ITEMS),
      data: new Float32Array(ROWS).fill(1),
    };
    const input = (): PlannerInput => ({
      models: [1, 2, 3].map((seed) => ({
        model: `M${seed}`,
        test: scores(seed).data,
        testRows: ROWS,
        valid: null,
        validRows: 0,
        nItems: ITEMS,
      })),
      target,
      itemIds: Array.from({ length: ITEMS }, (_, y) => `i${y}`),
    });
    const sweep = async (limit: number) => {
      const solvers = createDefaultSolvers(limit);
      const session = createPlannerSession(solvers);
      session.setInput(input(), 'test');
      const never = () => false;
      const c = await session.curves({ mode: 'offline', alpha: 0.1, betas: [0.02, 0.04, 0.06, 0.08] }, never);
      // Slider steps between the grid points, every model at each (the order a β drag solves them in).
      const solves = [];
      for (const beta of [0.03, 0.05, 0.07])
        solves.push(await session.solve({ mode: 'offline', alpha: 0.1, beta }, never));
      return { c, solves, solvers };
    };
    const all = await sweep(3);
    const two = await sweep(2);
    expect(two.solvers.cache.size).toBe(2);
    expect(all.solvers.cache.size).toBe(3);
    expect(two.solvers.cache.built).toBeGreaterThan(3);
    const metricsOf = (r: Awaited<ReturnType<typeof sweep>>) => ({
      curves: r.c.ok && r.c.data.curves.map((c) => c.points.map(({ seconds: _s, ...p }) => p)),
      solves: r.solves.map((s) => s.ok && s.data.models.map((m) => [m.metrics, m.histogram, m.boosted])),
    });
    expect(metricsOf(two)).toEqual(metricsOf(all));
    // A new input lets the old matrices' workspaces go.
    two.solvers.retain!(new Set());
    expect(two.solvers.cache.size).toBe(0);
  });
});

describe('recycled kernel memory', () => {
  it('is reused by the next transposed copy: smaller in place, larger grown, membership and K-th values zeroed', () => {
    const big = allocTransposed(40, 30);
    const kern = kernelOf(big);
    if (!kern) return; // no WASM SIMD here: nothing is pooled
    kern.member.fill(1);
    kern.kth32.fill(7);
    big.fill(3);
    const buffer = big.buffer;
    recycleTransposed(big);
    expect(kernelOf(big)).toBeNull();
    const small = allocTransposed(20, 10);
    expect(small.buffer).toBe(buffer);
    const k2 = kernelOf(small)!;
    expect(k2.member.every((b) => b === 0)).toBe(true);
    expect(k2.kth32.every((x) => x === 0)).toBe(true);
    recycleTransposed(small);
    // Larger than the memory: grown (a new buffer of the same memory), zeroed below the copy as well.
    const large = allocTransposed(400, 300);
    const k3 = kernelOf(large)!;
    expect(large.length).toBe(400 * 300);
    expect(k3.member.every((b) => b === 0)).toBe(true);
    expect(k3.member.length).toBe(400 * 300);
    recycleTransposed(large);
  });
});
