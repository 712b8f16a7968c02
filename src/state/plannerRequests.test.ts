/**
 * The planner's sweeps as the page asks for them: point by point, every model's rough curve first, the operating
 * point of new scores after that rough pass, and `swept` set once every point is drawn. The planner worker is its
 * real API (workers/planner.api.ts) over solvers that record their calls, in this process; the run worker hands a
 * tiny two-model input.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlannerMode } from '../core/planner/types';
import type { MatchSettings } from '../core/planner/types';

const worker = vi.hoisted(() => ({
  calls: [] as { mode: string; settings: MatchSettings }[],
}));

vi.mock('../bridge/planner', async () => {
  const { createPlannerApi } = await import('../../workers/planner.api');
  const { recordingSolvers } = await import('../core/planner/session.fixtures');
  const { latestWins } = await import('../bridge/client');
  const { solvers, calls } = recordingSolvers();
  worker.calls = calls;
  const api = createPlannerApi(solvers);
  let seq = 0;
  // Animation frames are the next task here.
  const frames = { request: (cb: () => void) => Number(setTimeout(cb, 0)), cancel: (id: number) => clearTimeout(id) };
  return {
    setPlannerInput: async (input: Parameters<typeof api.setInput>[0], source: string) => api.setInput(input, source),
    sweepCurves: (args: Parameters<typeof api.curves>[0]) => api.curves({ ...args, seq: ++seq }),
    haltPlannerWork: async () => api.halt(seq),
    solveRequests: <R extends { stale: boolean }>(deliver: (r: R) => void, onError: (e: unknown) => void) =>
      latestWins<Parameters<typeof api.solve>[0], Awaited<ReturnType<typeof api.solve>>>(
        (args) => api.solve({ ...args, seq: ++seq }),
        (r) => {
          if (!r.ok) onError(new Error(r.reason));
          else if (!r.data.stale) deliver(r.data as unknown as R);
        },
        onError,
        frames,
      ),
  };
});

vi.mock('../bridge/run', async (importOriginal) => {
  const { tinyInput } = await import('../core/planner/session.fixtures');
  return {
    ...(await importOriginal<typeof import('../bridge/run')>()),
    fetchPlannerInput: async () => tinyInput(),
    // No run is going: the first model of the next run never comes.
    firstModelInput: () => new Promise(() => undefined),
  };
});

const { followResults } = await import('./plannerRequests');
const { usePlanner, initialPlannerState } = await import('./plannerStore');
const { curveBetas, DEFAULT_ASKED } = await import('./plannerSettings');
const { showTinyResult, swept } = await import('./planner.testutil');

/** Each store change: the points per line drawn and whether an operating point is shown. */
function record() {
  const seen: { points: number[]; shown: boolean }[] = [];
  const off = usePlanner.subscribe((s, prev) => {
    if (s.curves !== prev.curves)
      seen.push({ points: (s.curves?.curves ?? []).map((c) => c.points.length), shown: s.shown !== null });
  });
  return { seen, off };
}

/** New scores of the last run (two models, A and B), adopted by the planner in `mode`. */
async function newScores(mode: PlannerMode) {
  usePlanner.setState({ ...initialPlannerState(), asked: { ...DEFAULT_ASKED, mode } });
  showTinyResult(['A', 'B']);
  worker.calls.length = 0;
  await followResults();
}

beforeEach(() => {
  worker.calls.length = 0;
});

describe('the sweep of new scores', () => {
  it("grows point by point: every model's first points, then the operating point, then each line up to α", async () => {
    const { seen, off } = record();
    await newScores('offline');
    await swept();
    off();
    // One more point per redraw: model A's first and middle points, then B's, then A's others going up, then B's.
    const afterSweep = seen.filter((x) => x.points.length > 0);
    expect(afterSweep.map((x) => x.points)).toEqual([
      [1],
      [2],
      [2, 1],
      [2, 2],
      [3, 2],
      [4, 2],
      [5, 2],
      [6, 2],
      [6, 3],
      [6, 4],
      [6, 5],
      [6, 6],
    ]);
    // No operating point before every model shows its rough curve.
    expect(afterSweep.slice(0, 4).every((x) => !x.shown)).toBe(true);
    const s = usePlanner.getState();
    expect(s.shown?.beta).toBe(DEFAULT_ASKED.beta);
    expect(s.sweeping).toBe(false);
    // Every line in grid order, whatever order its points were solved in.
    const grid = curveBetas(DEFAULT_ASKED.alpha);
    expect(s.curves?.curves.map((c) => [c.model, c.points.map((p) => p.beta)])).toEqual([
      ['A', grid],
      ['B', grid],
    ]);
    // What the worker solved, in order: β = 0 and 0.4α of A and of B, the operating point of both models (β = α/2,
    // resumed from 0.4α below it), then the other points of each line going up.
    const betas = worker.calls.slice(0, 14).map((c) => c.settings.beta);
    expect(betas).toEqual([0, 0.004, 0, 0.004, 0.005, 0.005, 0.002, 0.006, 0.008, 0.01, 0.002, 0.006, 0.008, 0.01]);
  });

  it('asks a line no more once the worker refuses its mode, and still reports the sweep done', async () => {
    const { seen, off } = record();
    // The recording solvers have no online mode: each model's first point answers with the reason.
    await newScores('online');
    await swept();
    off();
    const curves = usePlanner.getState().curves?.curves ?? [];
    expect(curves.map((c) => [c.model, c.points.length])).toEqual([
      ['A', 0],
      ['B', 0],
    ]);
    expect(curves.every((c) => (c.reason ?? '').includes('online'))).toBe(true);
    expect(seen.filter((x) => x.points.length > 0)).toHaveLength(2);
    expect(worker.calls).toHaveLength(0);
  });
});
