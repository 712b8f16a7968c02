/**
 * The point-by-point sweep: its order (rough curves first, then each line up its grid) and the loop over a fake
 * worker that answers each point with its own request, so the asks, the lines shown after each answer, a refused
 * line and a stop can be checked by hand.
 */
import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../core/planner/types';
import type { CurvesRequest } from '../core/planner/session';
import type { CurvesReply } from '../bridge/planner';
import { pointByPoint, sweepOrder, type DrawnLine, type LineAsk } from './plannerPointByPoint';

/** A sweep point whose recall names its request (model m, β b): recall = b, the rest zero. */
const pointAt = (b: number): SweepPoint =>
  ({ alpha: 0.01, beta: b, mode: 'offline', seconds: 0, recall: b }) as unknown as SweepPoint;

/** A fake worker: answers a one-model, one-β request with that point; `refuse` models get a reason instead. */
function fakeWorker(refuse: string[] = [], stopAfter = Infinity) {
  const asked: string[] = [];
  const ask = async (req: CurvesRequest): Promise<CurvesReply | null> => {
    if (asked.length >= stopAfter) return null;
    const model = req.models![0];
    asked.push(`${model}@${req.betas[0]}`);
    const curve = refuse.includes(model)
      ? { model, points: [], reason: `${model} cannot run` }
      : { model, points: [pointAt(req.betas[0])] };
    return { stale: false, mode: req.mode, sweep: 'beta', alpha: req.alpha, curves: [curve], seq: asked.length };
  };
  return { asked, ask };
}

const lineAsk = (model: string): LineAsk => ({
  at: (b) => ({ mode: 'offline', alpha: 0.01, betas: [b], models: [model] }),
});
const GRID = [0, 0.002, 0.004, 0.006, 0.008, 0.01];

describe('the point-by-point sweep', () => {
  it('orders a sweep so that every line shows a rough curve first, each line going up its grid', () => {
    // Two lines of the six-point β grid: the first and middle points (index 2 of 0..5) of line 0, then of line 1,
    // then the other points of line 0 going up, then of line 1.
    const { order, rough } = sweepOrder(2, 6);
    expect(order).toEqual([
      [0, 0],
      [0, 2],
      [1, 0],
      [1, 2],
      [0, 1],
      [0, 3],
      [0, 4],
      [0, 5],
      [1, 1],
      [1, 3],
      [1, 4],
      [1, 5],
    ]);
    expect(rough).toBe(4);
    // Every point exactly once, for grids of any size (the α sweep has five points); [lines, points, rough pairs].
    for (const [lines, points, roughPairs] of [
      [1, 1, 1],
      [1, 2, 2],
      [2, 2, 2],
      [3, 3, 6],
      [4, 5, 8],
      [1, 21, 2],
    ]) {
      const o = sweepOrder(lines, points);
      const keys = o.order.map(([i, k]) => `${i},${k}`);
      expect(new Set(keys).size).toBe(lines * points);
      expect(o.rough).toBe(roughPairs);
    }
    // One line (the first model alone) goes straight up its grid; its first two points are the rough pass.
    expect(sweepOrder(1, 6)).toEqual({
      order: [
        [0, 0],
        [0, 1],
        [0, 2],
        [0, 3],
        [0, 4],
        [0, 5],
      ],
      rough: 2,
    });
    expect(sweepOrder(1, 0)).toEqual({ order: [], rough: 0 });
    expect(sweepOrder(3, 0)).toEqual({ order: [], rough: 0 });
    expect(sweepOrder(0, 6)).toEqual({ order: [], rough: 0 });
  });

  it('asks in that order and shows every line drawn so far, its points in grid order, after each answer', async () => {
    const w = fakeWorker();
    const shown: { lines: DrawnLine[]; done: boolean }[] = [];
    let thenAt = -1;
    const ok = await pointByPoint(
      [lineAsk('A'), lineAsk('B')],
      GRID,
      w.ask,
      (_, lines, done) => shown.push({ lines, done }),
      () => (thenAt = w.asked.length),
    );
    expect(ok).toBe(true);
    // Rough pass: A at 0 and at the middle (index 2), then B; then A's rest going up, then B's.
    expect(w.asked).toEqual([
      'A@0',
      'A@0.004',
      'B@0',
      'B@0.004',
      'A@0.002',
      'A@0.006',
      'A@0.008',
      'A@0.01',
      'B@0.002',
      'B@0.006',
      'B@0.008',
      'B@0.01',
    ]);
    // `then` after the four rough points.
    expect(thenAt).toBe(4);
    expect(shown).toHaveLength(12);
    // After the first answer only A is drawn, with one point; B appears after its first answer.
    expect(shown[0].lines.map((l) => [l.model, l.points.length])).toEqual([['A', 1]]);
    expect(shown[2].lines.map((l) => [l.model, l.index, l.points.length])).toEqual([
      ['A', 0, 2],
      ['B', 1, 1],
    ]);
    // After A@0.002 (the fifth answer), A's points are in grid order, not in the order solved.
    expect(shown[4].lines[0].points.map((p) => p.beta)).toEqual([0, 0.002, 0.004]);
    expect(shown.map((s) => s.done)).toEqual([...Array(11).fill(false), true]);
    expect(shown[11].lines.map((l) => l.points.map((p) => p.recall))).toEqual([GRID, GRID]);
  });

  it('asks a refused line no more and keeps its reason; stops with false when an answer is null', async () => {
    const w = fakeWorker(['B']);
    let last: DrawnLine[] = [];
    expect(await pointByPoint([lineAsk('A'), lineAsk('B')], GRID, w.ask, (_, l) => (last = l))).toBe(true);
    expect(w.asked.filter((a) => a.startsWith('B'))).toEqual(['B@0']);
    expect(w.asked).toHaveLength(GRID.length + 1);
    expect(last[1]).toEqual({ index: 1, model: 'B', points: [], reason: 'B cannot run' });

    const stopped = fakeWorker([], 3);
    let shows = 0;
    let thens = 0;
    const ok = await pointByPoint(
      [lineAsk('A'), lineAsk('B')],
      GRID,
      stopped.ask,
      () => shows++,
      () => thens++,
    );
    expect(ok).toBe(false);
    expect(shows).toBe(3);
    // Stopped inside the rough pass: `then` never ran.
    expect(thens).toBe(0);
  });

  it('runs `then` once even when the sweep is only a rough pass (a one-point grid)', async () => {
    const w = fakeWorker();
    let thens = 0;
    expect(
      await pointByPoint(
        [lineAsk('A')],
        [0.005],
        w.ask,
        () => undefined,
        () => thens++,
      ),
    ).toBe(true);
    expect(w.asked).toEqual(['A@0.005']);
    expect(thens).toBe(1);
  });
});
