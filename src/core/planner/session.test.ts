import { describe, expect, it } from 'vitest';
import { syntheticPlannerInput } from '../pipeline/plannerInput';
import { createPlannerSession } from './session';
import { recordingSolvers, tinyInput } from './session.fixtures';
import { solveExact } from './exact';
import { transpose } from './auctionScans';
import { defaultSolvers, type PlannerSolvers } from './solvers';
import type { MatchSolution } from './types';

const never = () => false;

describe('planner session', () => {
  it('refuses a malformed input with the reason', () => {
    const bad = tinyInput();
    bad.models[1].testRows = 2;
    const r = createPlannerSession(recordingSolvers().solvers).setInput(bad, 'bad');
    expect(!r.ok && [r.code, r.reason]).toEqual(['bad-input', 'planner input: B: scores 2×4, targets 3×4']);
  });

  it('memoises by parameters and warm-starts from the last state of the same model and mode', async () => {
    const { solvers, calls } = recordingSolvers();
    const session = createPlannerSession(solvers);
    expect(session.setInput(tinyInput(), 'tiny').ok).toBe(true);
    const a = await session.solve({ mode: 'offline', alpha: 0.5, beta: 0.25 }, never);
    expect(a.ok && a.data.models.map((m) => m.memoised)).toEqual([false, false]);
    expect(calls.map((c) => c.warm)).toEqual([null, null]);
    const again = await session.solve({ mode: 'offline', alpha: 0.5, beta: 0.25 }, never);
    expect(again.ok && again.data.models.map((m) => [m.memoised, m.seconds])).toEqual([
      [true, 0],
      [true, 0],
    ]);
    expect(calls).toHaveLength(2);
    await session.solve({ mode: 'offline', alpha: 0.5, beta: 0.5 }, never);
    // Model A's second solve starts from A's first state (v = −1), B's from B's (v = −2).
    expect(calls.slice(2).map((c) => c.warm?.v[0])).toEqual([-1, -2]);
    // β above α is clipped to α; fractions are rounded to 1e-9, so 0.1 + 0.2 names the same point as 0.3.
    const clipped = await session.solve({ mode: 'greedy', alpha: 0.5, beta: 0.9 }, never);
    expect(clipped.ok && clipped.data.beta).toBe(0.5);
    await session.solve({ mode: 'greedy', alpha: 0.5, beta: 0.3 }, never);
    const rounded = await session.solve({ mode: 'greedy', alpha: 0.5, beta: 0.1 + 0.2 }, never);
    expect(rounded.ok && rounded.data.models.every((m) => m.memoised)).toBe(true);
    // The exported v is the last shown solution's: A's greedy solve at β = 0.3 was call 7 (v = −7).
    const csv = session.exportV('A');
    expect(csv.ok && csv.data.split('\n')[1]).toBe('i0,-7');
    expect(session.exportV('C').ok).toBe(false);
  });

  it('answers with the histogram of delivered exposure against β · test rows and the boosted items', async () => {
    const { solvers } = recordingSolvers();
    const session = createPlannerSession(solvers);
    session.setInput(tinyInput(), 'tiny');
    const r = await session.solve({ mode: 'offline', alpha: 0.5, beta: 0.5 }, never);
    if (!r.ok) throw new Error(r.reason);
    // Every item got 2 exposures (the recording solvers' answer); target 0.5 · 3 rows = 1.5.
    const h = r.data.models[0].histogram!;
    expect(h.target).toBe(1.5);
    expect(h.atTarget).toBe(4);
    expect(h.count.reduce((s, c) => s + c, 0)).toBe(4);
    // v = −1 on every item: all four are boosted, in item order.
    expect(r.data.models[0].boosted.map((b) => b.id)).toEqual(['i0', 'i1', 'i2', 'i3']);
  });

  it('resumes an offline solve from the memoised solution at the largest β not above it (the auction only rises)', async () => {
    const { solvers, calls } = recordingSolvers();
    const offline = solvers.offline!;
    // Offline states carry an auction assignment, as the exact solver's do.
    solvers.offline = async (s, settings, warm) => {
      const sol = await offline(s, settings, warm);
      sol.state.auction = {
        K: 1,
        lo: settings.beta * s.nRows,
        chosen: new Int32Array(s.nRows),
        w: sol.state.v.map((x) => -x),
      };
      return sol;
    };
    const session = createPlannerSession(solvers);
    session.setInput(tinyInput(), 'tiny');
    for (const beta of [0.1, 0.3, 0.2, 0.4, 0.05])
      await session.curves({ mode: 'offline', alpha: 0.5, betas: [beta], models: ['A'] }, never);
    // Calls 1-5 solve β = 0.1, 0.3, 0.2, 0.4, 0.05; v of call k is −k. 0.2 resumes from 0.1 (call 1), not from the last
    // solve (0.3); 0.4 from 0.3 (call 2); 0.05 has nothing below it and gets the last state (the solver starts cold).
    expect(calls.map((c) => c.warm?.v[0] ?? null)).toEqual([null, -1, -1, -2, -4]);
  });

  it('keeps the solutions of models whose scores and targets are unchanged when a new input arrives', async () => {
    const { solvers, calls } = recordingSolvers();
    const session = createPlannerSession(solvers);
    session.setInput(tinyInput(), 'tiny');
    await session.solve({ mode: 'greedy', alpha: 0.5, beta: 0.25 }, never);
    const next = tinyInput();
    next.models[1].test[5] += 0.5;
    session.setInput(next, 'tiny, B changed');
    const r = await session.solve({ mode: 'greedy', alpha: 0.5, beta: 0.25 }, never);
    expect(r.ok && r.data.models.map((m) => [m.model, m.memoised])).toEqual([
      ['A', true],
      ['B', false],
    ]);
    expect(calls).toHaveLength(3);
    // B's v is forgotten with its solutions until B is shown again; A's stays.
    expect(session.exportV('A').ok).toBe(true);
  });

  it('reports a mode the solvers lack per model, and online without validation rows', async () => {
    const { solvers } = recordingSolvers();
    const session = createPlannerSession({
      ...solvers,
      online: () => solvers.greedy!({ data: new Float32Array(12), nRows: 3, nCols: 4 }, { alpha: 0.5, beta: 0 }),
    });
    session.setInput(tinyInput(), 'tiny');
    const r = await session.solve({ mode: 'online', alpha: 0.5, beta: 0.25 }, never);
    expect(r.ok && r.data.models[0].metrics).not.toBeNull();
    expect(r.ok && r.data.models[1].reason).toMatch(/B: no validation rows/);
    const without = createPlannerSession(solvers);
    without.setInput(tinyInput(), 'tiny');
    const n = await without.solve({ mode: 'online', alpha: 0.5, beta: 0.25 }, never);
    expect(n.ok && n.data.models.map((m) => m.metrics)).toEqual([null, null]);
    expect(n.ok && n.data.models[0].reason).toMatch(/not available/);
    const c = await without.curves({ mode: 'online', alpha: 0.5, betas: [0, 0.5] }, never);
    expect(c.ok && c.data.curves.map((x) => x.points.length)).toEqual([0, 0]);
  });

  it('reads validation scores left in a saved run only when the online mode asks, and keeps two at most', async () => {
    const { solvers } = recordingSolvers();
    const seen: Float32Array[] = [];
    const online = (valid: { data: Float32Array }) => {
      seen.push(valid.data);
      return solvers.greedy!({ data: new Float32Array(12), nRows: 3, nCols: 4 }, { alpha: 0.5, beta: 0 });
    };
    const saved = new Map([
      ['A', Float32Array.from({ length: 12 }, (_, i) => i / 12)],
      ['B', Float32Array.from({ length: 12 }, (_, i) => 1 - i / 12)],
    ]);
    const loads: string[] = [];
    const session = createPlannerSession(
      { ...solvers, online: (valid) => online(valid) },
      {
        loadValid: async (m) => {
          loads.push(`${m.model}@${m.validSaved}`);
          return saved.get(m.model) ?? null; // C's record is not there at first
        },
      },
    );
    const input = tinyInput();
    input.models.push({ ...input.models[1], model: 'C', test: input.models[1].test.slice() });
    input.models = input.models.map((m) => ({ ...m, valid: null, validRows: 3, validSaved: 7 }));
    const s = session.setInput(input, 'saved');
    expect(s.ok && s.data.online).toEqual(['A', 'B', 'C']);
    await session.solve({ mode: 'offline', alpha: 0.5, beta: 0.25 }, never);
    expect(loads).toEqual([]);
    const r = await session.solve({ mode: 'online', alpha: 0.5, beta: 0.25 }, never);
    expect(loads).toEqual(['A@7', 'B@7', 'C@7']);
    expect(seen).toEqual([saved.get('A'), saved.get('B')]);
    expect(r.ok && r.data.models[2].reason).toMatch(/C: its validation scores are no longer saved/);
    // A and B are held (C, refused, is asked again): a new point reads C only.
    await session.solve({ mode: 'online', alpha: 0.5, beta: 0.5 }, never);
    expect(loads.slice(3)).toEqual(['C@7']);
    // A third model read back makes the least recently used one (A) go; the next point, solved A, B, C, reads each.
    saved.set(
      'C',
      Float32Array.from({ length: 12 }, () => 0.5),
    );
    await session.solve({ mode: 'online', alpha: 0.25, beta: 0.25 }, never);
    expect(loads.slice(4)).toEqual(['C@7']);
    await session.solve({ mode: 'online', alpha: 0.25, beta: 0 }, never);
    expect(loads.slice(5)).toEqual(['A@7', 'B@7', 'C@7']);
    // Memoised points read nothing.
    await session.solve({ mode: 'online', alpha: 0.25, beta: 0.25 }, never);
    expect(loads).toHaveLength(8);
    // A newer saved run: read again.
    session.setInput({ ...input, models: input.models.map((m) => ({ ...m, validSaved: 8 })) }, 'saved again');
    await session.solve({ mode: 'online', alpha: 0.25, beta: 0 }, never);
    expect(loads.slice(8)).toEqual(['A@8', 'B@8', 'C@8']);
  });

  it('holds validation scores given after a failed save with the input: the online mode reads nothing back', async () => {
    const { solvers } = recordingSolvers();
    const seen: Float32Array[] = [];
    const loads: string[] = [];
    const session = createPlannerSession(
      {
        ...solvers,
        online: (valid, test, settings) => (seen.push(valid.data), solvers.greedy!(test, settings)),
      },
      { loadValid: async (m) => (loads.push(m.model), null) },
    );
    const input = tinyInput();
    input.models = input.models.map((m) => ({ ...m, valid: null, validRows: 3, validSaved: 7 }));
    session.setInput(input, 'saved');
    expect(session.validLeftSaved()).toEqual([
      { model: 'A', savedAt: 7 },
      { model: 'B', savedAt: 7 },
    ]);
    const a = Float32Array.from({ length: 12 }, (_, i) => i / 12);
    // Of another saved run, of another shape, of a model not held: refused.
    expect(session.giveValid(8, 'A', a)).toBe(false);
    expect(session.giveValid(7, 'A', a.subarray(0, 8))).toBe(false);
    expect(session.giveValid(7, 'Z', a)).toBe(false);
    expect(session.giveValid(7, 'A', a)).toBe(true);
    // Given once: A's are held now, not to be given again.
    expect(session.giveValid(7, 'A', a.slice())).toBe(false);
    expect(session.validLeftSaved()).toEqual([{ model: 'B', savedAt: 7 }]);
    const r = await session.solve({ mode: 'online', alpha: 0.5, beta: 0.25 }, never);
    expect(seen).toEqual([a]);
    expect(loads).toEqual(['B']);
    expect(r.ok && r.data.models.map((m) => m.reason ?? 'solved')).toEqual([
      'solved',
      expect.stringContaining('B: its validation scores are no longer saved'),
    ]);
    expect(session.summary()?.online).toEqual(['A', 'B']);
  });

  it('pauses and asks shouldStop before each solve that is not memoised, and answers stale when told to stop', async () => {
    const { solvers, calls } = recordingSolvers();
    let pauses = 0;
    const session = createPlannerSession(solvers, { pause: async () => void pauses++ });
    session.setInput(tinyInput(), 'tiny');
    let asked = 0;
    // Stop at the third check: two points of model A are solved, then the sweep answers stale.
    const r = await session.curves({ mode: 'greedy', alpha: 0.5, betas: [0, 0.25, 0.5] }, () => ++asked > 2);
    expect(r.ok && r.data.stale).toBe(true);
    expect(calls).toHaveLength(2);
    expect(pauses).toBe(3);
    // Memoised points need no pause: A's two points are answered at once, then B's and A's last are solved.
    const again = await session.curves({ mode: 'greedy', alpha: 0.5, betas: [0, 0.25, 0.5] }, never);
    expect(again.ok && again.data.curves.map((c) => c.points.length)).toEqual([3, 3]);
    expect(pauses).toBe(3 + 4);
    // No input: a refusal, not a stale answer.
    const none = await createPlannerSession(solvers).solve({ mode: 'greedy', alpha: 0.5, beta: 0 }, never);
    expect(!none.ok && none.code).toBe('no-input');
  });

  it('a solve asked during a sweep goes first: the sweep starts no new point until every model is solved', async () => {
    const { solvers, calls } = recordingSolvers();
    // As in the worker: each pause lets the other requests' timers run.
    const tick = () => new Promise<void>((r) => setTimeout(r, 0));
    const session = createPlannerSession(solvers, { pause: tick });
    session.setInput(tinyInput(), 'tiny');
    const sweep = session.curves({ mode: 'greedy', alpha: 0.5, betas: [0, 0.1, 0.2, 0.4, 0.5] }, never);
    await tick();
    await tick();
    const before = calls.length;
    expect(before).toBeGreaterThan(0);
    const solve = session.solve({ mode: 'greedy', alpha: 0.5, beta: 0.3 }, never);
    const [c, s] = await Promise.all([sweep, solve]);
    expect(s.ok && s.data.stale).toBe(false);
    expect(c.ok && c.data.curves.map((k) => k.points.length)).toEqual([5, 5]);
    // Model A's and B's solves at β = 0.3 come at once, one after the other, before any further point of the sweep.
    const at = calls.findIndex((k) => k.settings.beta === 0.3);
    expect(at).toBe(before);
    expect(calls[at + 1].settings.beta).toBe(0.3);
    expect(calls).toHaveLength(12);
  });

  it("sweeps α with item maximal exposure β' and keeps those solutions apart from the β sweep's", async () => {
    const { solvers, calls } = recordingSolvers();
    const session = createPlannerSession(solvers);
    session.setInput(tinyInput(), 'tiny');
    const r = await session.curves(
      { mode: 'greedy', alpha: 0.5, betas: [], alphas: [0.25, 0.5, 1], betaMax: 0.5, models: ['A'] },
      never,
    );
    if (!r.ok) throw new Error(r.reason);
    expect([r.data.sweep, r.data.betaMax]).toEqual(['alpha', 0.5]);
    // Each point is solved at (α, β = 0, β' = 0.5) and says so.
    expect(calls.map((c) => c.settings)).toEqual([0.25, 0.5, 1].map((alpha) => ({ alpha, beta: 0, betaMax: 0.5 })));
    expect(r.data.curves[0].points.map((p) => [p.alpha, p.beta, p.betaMax])).toEqual([
      [0.25, 0, 0.5],
      [0.5, 0, 0.5],
      [1, 0, 0.5],
    ]);
    // The same α and β without β' is another problem: solved anew, not the α sweep's memo entry.
    const plain = await session.solve({ mode: 'greedy', alpha: 0.5, beta: 0 }, never);
    expect(plain.ok && plain.data.models.map((m) => m.memoised)).toEqual([false, false]);
    const capped = await session.solve({ mode: 'greedy', alpha: 0.5, beta: 0, betaMax: 0.5 }, never);
    expect(capped.ok && [capped.data.betaMax, capped.data.models[0].memoised]).toEqual([0.5, true]);
    // Its histogram's target line is the cap: β' · 3 rows.
    expect(capped.ok && capped.data.models[0].histogram?.target).toBe(1.5);
  });

  it('a fill outward from the slider: greedy points equal cold solves; each offline point resumes from the nearest solved β below, feasible and within 2% of the cold optimum', async () => {
    const r = await syntheticPlannerInput('small', 1);
    if (!r.ok) throw new Error(r.reason);
    const input = r.data;
    const pop = input.models[0];
    const scores = { data: pop.test, nRows: pop.testRows, nCols: pop.nItems };
    const alpha = 0.02;
    const betas = Array.from({ length: 11 }, (_, i) => Math.round(((alpha * i) / 10) * 1e9) / 1e9);
    // The slider at β = α/2, then the fill's order: nearest first, the one above on a tie.
    const centre = betas[5];
    const order = [...betas].sort((a, b) => Math.abs(a - centre) - Math.abs(b - centre) || b - a);
    // The real solvers, recording what each offline solve started from and what it found.
    const solved: { beta: number; from: number | null; sol: MatchSolution }[] = [];
    const solvers: PlannerSolvers = {
      ...defaultSolvers,
      offline: (s, settings, warm) => {
        const sol = defaultSolvers.offline!(s, settings, warm);
        // The β whose assignment it resumes (exact.ts starts cold from a state of a higher β).
        const of = warm?.auction ? solved.find((x) => x.sol.state.auction === warm.auction)!.beta : null;
        solved.push({ beta: settings.beta, from: of !== null && of <= settings.beta ? of : null, sol });
        return sol;
      },
    };
    const session = createPlannerSession(solvers);
    session.setInput(input, 'synthetic');
    const greedyPoints = new Map<number, number>();
    for (const beta of order) {
      for (const mode of ['offline', 'greedy'] as const) {
        const c = await session.curves({ mode, alpha, betas: [beta], models: [pop.model] }, never);
        if (!c.ok) throw new Error(c.reason);
        if (mode === 'greedy') greedyPoints.set(beta, c.data.curves[0].points[0].recall);
      }
    }
    const K = Math.round(alpha * pop.nItems);
    for (const { beta, from, sol } of solved) {
      // Resumed from the largest β solved before it and not above it (none for the first: a cold start).
      const before = order.slice(0, order.indexOf(beta)).filter((b) => b <= beta);
      expect(from, `β = ${beta}`).toBe(before.length ? Math.max(...before) : null);
      const cold = solveExact(pop.test, transpose(pop.test, pop.testRows, pop.nItems), pop.testRows, pop.nItems, {
        alpha,
        beta,
      });
      expect(sol.objective).toBeGreaterThan(0.98 * cold.objective);
      // Feasible: K items a user, every item at its minimum (β · users, rounded like K).
      const lo = Math.min(Math.round(beta * pop.testRows), Math.floor((pop.testRows * K) / pop.nItems));
      expect(Math.max(...sol.userLoad)).toBeLessThanOrEqual(K);
      expect(Math.min(...sol.itemExposure)).toBeGreaterThanOrEqual(lo);
      // Greedy has no warm start: the fill's point is the cold solve's.
      const g = defaultSolvers.evaluate(defaultSolvers.greedy!(scores, { alpha, beta }), input.target);
      expect(greedyPoints.get(beta)).toBe(g.recall);
    }
  });

  it('sweeps every quick model of the synthetic world with the default solvers', async () => {
    const r = await syntheticPlannerInput('small', 1);
    if (!r.ok) throw new Error(r.reason);
    const session = createPlannerSession(defaultSolvers);
    const s = session.setInput(r.data, 'synthetic');
    expect(s.ok && s.data.models).toEqual(['Pop', 'EMA', 'Hawkes']);
    const alpha = 0.01;
    const c = await session.curves({ mode: 'greedy', alpha, betas: [0, alpha] }, never);
    if (!c.ok) throw new Error(c.reason);
    const nItems = r.data.target.nCols;
    for (const curve of c.data.curves) {
      expect(curve.points).toHaveLength(2);
      // Every user gets round(α · items) recommendations.
      for (const p of curve.points) expect(p.k).toBe(Math.round(alpha * nItems));
    }
  });
});
