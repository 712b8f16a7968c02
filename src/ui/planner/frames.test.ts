/**
 * The curves frame on a β step: the lines keep their plotted arrays (Plotly.react compares them by reference, so it
 * redraws only what changed) and the operating point is one diamond per model anchored at that model's metrics,
 * open while it is a neighbour's stand-in.
 */
import { describe, expect, it } from 'vitest';
import type { MatchMetrics, SweepPoint } from '../../core/planner/types';
import { initialPlannerState, type PlannerState } from '../../state/planner';
import type { PlannerPreview } from '../../state/plannerPoints';
import { curvesFrame } from './frames';

const metrics = (recall: number, ppl: number) => ({ recall, item_ppl: ppl }) as unknown as MatchMetrics;
const point = (beta: number, recall: number, ppl: number) =>
  ({ ...metrics(recall, ppl), alpha: 0.01, beta, mode: 'offline', seconds: 0 }) as SweepPoint;

function stateAt(beta: number, preview: PlannerPreview): PlannerState {
  const s = initialPlannerState();
  return {
    ...s,
    status: 'ready',
    input: { source: 'test', models: ['A', 'B'], testRows: 10, nItems: 20 } as PlannerState['input'],
    asked: { ...s.asked, mode: 'offline', alpha: 0.01, beta, view: 'beta' },
    preview,
    curves: {
      stale: false,
      mode: 'offline',
      sweep: 'beta',
      alpha: 0.01,
      seq: 1,
      curves: [
        { model: 'A', points: [point(0, 0.3, 100), point(0.01, 0.2, 300)] },
        { model: 'B', points: [point(0, 0.25, 120), point(0.01, 0.15, 280)] },
      ],
    },
  };
}

const previewAt = (beta: number, provisionalB: boolean): PlannerPreview => ({
  mode: 'offline',
  alpha: 0.01,
  beta,
  provisional: provisionalB,
  models: [
    { model: 'A', metrics: metrics(0.28, 150), solvedAt: beta, provisional: false },
    { model: 'B', metrics: metrics(0.22, 160), solvedAt: provisionalB ? 0.004 : beta, provisional: provisionalB },
  ],
});

describe('the curves frame', () => {
  it('moves only the operating point on a β step: same line arrays, one diamond per model at its metrics', () => {
    const s1 = stateAt(0.005, previewAt(0.005, false));
    const f1 = curvesFrame(s1)!;
    const f2 = curvesFrame({ ...s1, asked: { ...s1.asked, beta: 0.0055 }, preview: previewAt(0.0055, true) })!;
    // Two lines, no point traces: the point is drawn as shapes.
    expect(f1.data).toHaveLength(2);
    expect(f2.data).toHaveLength(2);
    for (const i of [0, 1]) {
      expect(f2.data[i].x).toBe(f1.data[i].x);
      expect(f2.data[i].y).toBe(f1.data[i].y);
    }
    expect(f1.data[0].x).toEqual([100, 300]);
    expect(f1.data[1].y).toEqual([0.25, 0.15]);
    const shapes = f2.layout.shapes as Record<string, unknown>[];
    expect(shapes.map((d) => [d.xanchor, d.yanchor])).toEqual([
      [150, 0.28],
      [160, 0.22],
    ]);
    // A's own answer: a filled diamond in A's colour; B's stand-in: open.
    expect(shapes[0].fillcolor).toBe('#1f77b4');
    expect(shapes[1].fillcolor).toBe('rgba(0,0,0,0)');
    expect(f2.attrs).toMatchObject({ beta: '0.0055', provisional: '1', pending: '1' });
    // Another axis plots other arrays.
    const f3 = curvesFrame({ ...s1, diversity: 'item_cov' })!;
    expect(f3.data[0].x).not.toBe(f1.data[0].x);
  });
});
