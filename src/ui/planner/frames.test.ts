import { describe, expect, it } from 'vitest';
import type { MatchMetrics, SweepPoint } from '../../core/planner/types';
import { initialPlannerState, type PlannerState } from '../../state/planner';
import { curvesFrame } from './frames';

const metrics = (recall: number, item_ppl: number) => ({ recall, item_ppl }) as MatchMetrics;
const point = (beta: number, recall: number, item_ppl: number) =>
  ({ ...metrics(recall, item_ppl), alpha: 0.01, beta, mode: 'offline', seconds: 0 }) as SweepPoint;

/** The β view at α = 1%, β = 0.25%, with A's and B's sweeps drawn and the worker's answer at β = 0.2% shown. */
function state(): PlannerState {
  return {
    ...initialPlannerState(),
    status: 'ready',
    input: { source: 't', models: ['A', 'B'], testRows: 10, nItems: 100, online: [] },
    asked: { mode: 'offline', alpha: 0.01, beta: 0.0025, view: 'beta', model: null },
    curves: {
      seq: 1,
      stale: false,
      mode: 'offline',
      sweep: 'beta',
      alpha: 0.01,
      curves: ['A', 'B'].map((model) => ({ model, points: [point(0, 0.3, 10), point(0.002, 0.2, 20)] })),
    },
    shown: {
      seq: 2,
      stale: false,
      mode: 'offline',
      alpha: 0.01,
      beta: 0.002,
      models: ['A', 'B'].map((model) => ({
        model,
        metrics: metrics(0.2, 20),
        histogram: null,
        boosted: [],
        iterations: 1,
        seconds: 0,
        memoised: true,
      })),
    },
  };
}

/** The operating point's markers: trace name, x, symbol. */
const markers = (s: PlannerState) =>
  curvesFrame(s)!
    .data.filter((t) => String(t.name).includes(' now'))
    .map((t) => [t.name, (t.x as number[])[0], (t.marker as { symbol: string }).symbol]);

describe('curvesFrame', () => {
  it("draws the page's preview of the asked β while the worker solves it: stand-ins open and marked provisional", () => {
    const s: PlannerState = {
      ...state(),
      preview: {
        mode: 'offline',
        alpha: 0.01,
        beta: 0.0025,
        provisional: true,
        models: [
          { model: 'A', metrics: metrics(0.19, 25), solvedAt: 0.0025, provisional: false },
          { model: 'B', metrics: metrics(0.2, 20), solvedAt: 0.002, provisional: true },
        ],
      },
    };
    expect(markers(s)).toEqual([
      ['A now', 25, 'diamond'],
      ['B now (provisional: the answer at β = 0.20%)', 20, 'diamond-open'],
    ]);
    expect(curvesFrame(s)!.attrs).toMatchObject({ beta: '0.0025', provisional: '1', pending: '1' });
    // Every model's own answer at β: pending (the worker's reply brings the histogram) but not provisional.
    const exact: PlannerState = {
      ...s,
      preview: { ...s.preview!, provisional: false, models: [s.preview!.models[0]] },
      input: { ...s.input!, models: ['A'] },
    };
    expect(curvesFrame(exact)!.attrs).toMatchObject({ beta: '0.0025', provisional: '0', pending: '1' });
  });

  it("draws the worker's answer when the preview is of another setting, or none", () => {
    const s = state();
    expect(markers(s)).toEqual([
      ['A now', 20, 'diamond'],
      ['B now', 20, 'diamond'],
    ]);
    expect(curvesFrame(s)!.attrs).toMatchObject({ beta: '0.002', provisional: '0', pending: '0' });
    const other: PlannerState = {
      ...s,
      preview: { mode: 'greedy', alpha: 0.01, beta: 0.0025, provisional: false, models: [] },
    };
    expect(curvesFrame(other)!.attrs).toMatchObject({ beta: '0.002', pending: '0' });
  });
});
