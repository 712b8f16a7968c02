import { describe, expect, it } from 'vitest';
import { recordingSolvers, tinyInput } from '../src/core/planner/session.fixtures';
import { createPlannerApi } from './planner.api';

describe('planner worker API', () => {
  it('numbers its replies and keeps solutions across a new input whose models are unchanged', async () => {
    const { solvers, calls } = recordingSolvers();
    const api = createPlannerApi(solvers);
    const s = api.setInput(tinyInput());
    expect(s.ok && s.data).toEqual({
      source: 'trained models',
      models: ['A', 'B'],
      testRows: 3,
      nItems: 4,
      online: ['A'],
    });
    const first = await api.solve({ mode: 'greedy', alpha: 0.5, beta: 0.25, seq: 1 });
    expect(first.ok && [first.data.seq, first.data.stale]).toEqual([1, false]);
    // Equal copies for A; B's scores differ in one entry.
    const next = tinyInput();
    next.models[1].test[5] += 0.5;
    api.setInput(next, 'again');
    const r = await api.solve({ mode: 'greedy', alpha: 0.5, beta: 0.25, seq: 2 });
    expect(r.ok && r.data.models.map((m) => [m.model, m.memoised])).toEqual([
      ['A', true],
      ['B', false],
    ]);
    expect(calls).toHaveLength(3);
    expect(api.summary()?.source).toBe('again');
    // Other targets: nothing is kept.
    const moved = tinyInput();
    moved.target.indices[0] = 3;
    api.setInput(moved);
    const t = await api.solve({ mode: 'greedy', alpha: 0.5, beta: 0.25, seq: 3 });
    expect(t.ok && t.data.models.map((m) => m.memoised)).toEqual([false, false]);
    const csv = api.exportV('B');
    expect(csv.ok && csv.data.startsWith('item,v\ni0,')).toBe(true);
  });

  it('frees the arrays of a replaced input that the new one does not hold, and none when the new one is refused', () => {
    const api = createPlannerApi(recordingSolvers().solvers);
    const first = tinyInput();
    api.setInput(first);
    const bad = tinyInput();
    bad.models[0].testRows = 99;
    expect(api.setInput(bad).ok).toBe(false);
    expect(first.models[0].test.length).toBe(12);
    // The next input keeps model A's scores array (as a run that sends its first model again could) and brings B's.
    const next = tinyInput();
    next.models[0] = { ...next.models[0], test: first.models[0].test };
    expect(api.setInput(next).ok).toBe(true);
    expect(first.models[0].test.length).toBe(12);
    expect([first.models[0].valid!.length, first.models[1].test.length, first.target.indices.length]).toEqual([
      0, 0, 0,
    ]);
    expect(next.models[1].test.length).toBe(12);
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

  it('answers stale when a new input arrives while a request waits for its turn', async () => {
    const { solvers, calls } = recordingSolvers();
    const api = createPlannerApi(solvers);
    api.setInput(tinyInput());
    const sweep = api.curves({ mode: 'greedy', alpha: 0.5, betas: [0, 0.5], seq: 1 });
    api.setInput(tinyInput(), 'replaced');
    const s = await sweep;
    expect(s.ok && s.data.stale).toBe(true);
    expect(calls).toHaveLength(0);
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

  it('refuses requests before any input, and a malformed input', async () => {
    const api = createPlannerApi(recordingSolvers().solvers);
    const r = await api.solve({ mode: 'greedy', alpha: 0.5, beta: 0, seq: 1 });
    expect(!r.ok && r.code).toBe('no-input');
    const bad = tinyInput();
    bad.itemIds.pop();
    const s = api.setInput(bad);
    expect(!s.ok && s.reason).toMatch(/itemIds has 3 ids for 4 items/);
  });
});
