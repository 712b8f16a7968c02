/**
 * The page after a failed save of the run it took scores from while the save went on: the planner worker (its real
 * API over solvers that record their online calls, in this process) was told the validation scores are saved and
 * cannot read them back; the page gets them from the run worker and the online curves are drawn.
 */
import { describe, expect, it, vi } from 'vitest';

const worker = vi.hoisted(() => ({
  /** The validation scores each online solve was given, by model. */
  online: [] as [string, number][],
  /** The run worker's copies, by model, and what the planner asked of it. */
  held: new Map<string, Float32Array>(),
  asked: [] as [number, string[]][],
}));

vi.mock('../bridge/planner', async () => {
  const { createPlannerApi } = await import('../../workers/planner.api');
  const { recordingSolvers } = await import('../core/planner/session.fixtures');
  const { solvers } = recordingSolvers();
  // Nothing was saved: the planner reads nothing back.
  const api = createPlannerApi(
    {
      ...solvers,
      online: (valid, test, settings) => {
        worker.online.push([valid.data === worker.held.get('A') ? 'A' : '?', valid.data[1]]);
        return solvers.greedy!(test, settings);
      },
    },
    async () => null,
  );
  let seq = 0;
  return {
    setPlannerInput: async (input: Parameters<typeof api.setInput>[0], source: string) => api.setInput(input, source),
    sweepCurves: (args: Parameters<typeof api.curves>[0]) => api.curves({ ...args, seq: ++seq }),
    haltPlannerWork: async () => api.halt(seq),
    solveRequests: () => ({ request: () => undefined, cancel: () => undefined }),
    plannerValidLeftSaved: async () => api.validLeftSaved(),
    giveValidScores: async (savedAt: number, scores: [string, Float32Array][]) => api.giveValid(savedAt, scores),
  };
});

vi.mock('../bridge/run', async (importOriginal) => {
  const { tinyInput } = await import('../core/planner/session.fixtures');
  return {
    ...(await importOriginal<typeof import('../bridge/run')>()),
    // Model A's validation scores named as saved in run 7 (B has none).
    fetchPlannerInput: async () => {
      const input = tinyInput();
      input.models[0] = { ...input.models[0], valid: null, validSaved: 7 };
      return input;
    },
    fetchValidScores: async (savedAt: number, models: string[]) => {
      worker.asked.push([savedAt, models]);
      return savedAt === 7 ? models.flatMap((m) => (worker.held.has(m) ? [[m, worker.held.get(m)!]] : [])) : [];
    },
    firstModelInput: () => new Promise(() => undefined),
  };
});

const { afterFailedSave, followResults } = await import('./plannerRequests');
const { usePlanner, initialPlannerState } = await import('./plannerStore');
const { DEFAULT_ASKED } = await import('./plannerSettings');
const { showTinyResult, swept } = await import('./planner.testutil');

describe('the planner after a failed save', () => {
  it('gets the validation scores it was told are saved from the run worker and draws the online curve', async () => {
    worker.held.set(
      'A',
      Float32Array.from({ length: 12 }, (_, i) => i / 10),
    );
    usePlanner.setState({ ...initialPlannerState(), asked: { ...DEFAULT_ASKED, mode: 'online' } });
    showTinyResult(['A', 'B']);
    await followResults();
    await swept();
    // Without them: A's online line says why, and nothing was solved.
    const first = usePlanner.getState().curves!.curves;
    expect(first.map((c) => [c.model, c.points.length])).toEqual([
      ['A', 0],
      ['B', 0],
    ]);
    expect(first[0].reason).toMatch(/A: its validation scores are no longer saved/);

    // Only A's are asked of the run worker (B has no validation rows); the sweep is asked again and A's line drawn.
    expect(await afterFailedSave()).toEqual(['A']);
    expect(worker.asked).toEqual([[7, ['A']]]);
    await swept();
    const after = usePlanner.getState().curves!.curves;
    expect(after[0].points.length).toBeGreaterThan(1);
    expect(after[0].reason).toBeUndefined();
    expect(after[1].reason).toMatch(/B: no validation rows/);
    expect(worker.online.length).toBe(after[0].points.length);
    expect(worker.online.every(([m, x]) => m === 'A' && Math.abs(x - 0.1) < 1e-7)).toBe(true);
    // Nothing is left to ask for.
    expect(await afterFailedSave()).toEqual([]);
    expect(worker.asked).toHaveLength(1);
  });
});
