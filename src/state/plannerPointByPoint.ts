/**
 * A sweep solved point by point: the order of its points (every line's rough curve first) and the loop that asks
 * for them one at a time and hands the lines drawn so far on after each answer, so that curves grow as they are
 * solved rather than appear whole. Pure of the store and the worker: the requests (./plannerRequests.ts) pass the
 * request of each point and what to do with the lines.
 */
import type { SweepPoint } from '../core/planner/types';
import type { CurvesRequest } from '../core/planner/session';
import type { CurvesReply } from '../bridge/planner';

/**
 * The order in which a sweep's points are solved, as [line, grid index] pairs, so that every line shows a rough
 * curve early and then grows: first each line's first point and the middle one (in line order, the first line
 * first), then each line's other points going up, line by line. Up the grid because each offline solve resumes from
 * the solved point below it (the auction resumes upwards only), and the top of a β sweep (β near α: every item at
 * its minimal exposure, a balanced assignment) costs the most, so it comes last. A single line (the page's first
 * model) goes straight up: its first two points are the rough pass, and the second is drawn sooner than the middle
 * one would be, at about the same cost for the whole line. `rough` is how many pairs the rough pass has.
 */
export function sweepOrder(lines: number, points: number): { order: [number, number][]; rough: number } {
  if (lines === 1)
    return { order: Array.from({ length: points }, (_, k): [number, number] => [0, k]), rough: Math.min(2, points) };
  const first = points > 0 ? [...new Set([0, Math.floor((points - 1) / 2)])] : [];
  const rest = Array.from({ length: points }, (_, k) => k).filter((k) => !first.includes(k));
  const pass = (ks: number[]) =>
    Array.from({ length: lines }, (_, i) => ks.map((k): [number, number] => [i, k])).flat();
  return { order: [...pass(first), ...pass(rest)], rough: lines * first.length };
}

/** A line drawn so far: its position among the lines asked, and its points in grid order. */
export type DrawnLine = CurvesReply['curves'][number] & { index: number };

/** One request per grid point of a line: `at(x)` names the point (a β, or an α of the α sweep). */
export interface LineAsk {
  at: (x: number) => CurvesRequest;
}

/** Asks the worker for one point; null when it failed, went stale or was overtaken (the sweep stops). */
export type AskPoint = (req: CurvesRequest) => Promise<CurvesReply | null>;

/**
 * Solves a sweep point by point in sweepOrder's order and hands the lines drawn so far to `show` after each point
 * (`done` on the last). A line the worker refuses (a mode it cannot run) keeps its reason and is asked no more.
 * `then` runs after the rough pass. False when a point's answer was null (a newer setting stopped it or a request
 * failed).
 */
export async function pointByPoint(
  asks: LineAsk[],
  grid: number[],
  ask: AskPoint,
  show: (head: CurvesReply, lines: DrawnLine[], done: boolean) => void,
  then?: () => void,
): Promise<boolean> {
  const lines: { model: string; points: (SweepPoint | undefined)[]; reason?: string; asked: boolean }[] = asks.map(
    () => ({ model: '', points: grid.map(() => undefined), asked: false }),
  );
  const { order, rough } = sweepOrder(asks.length, grid.length);
  const drawn = (): DrawnLine[] =>
    lines.flatMap((l, index) => {
      if (!l.asked) return [];
      const points = l.points.filter((p): p is SweepPoint => p !== undefined);
      return [{ index, model: l.model, points, ...(l.reason !== undefined ? { reason: l.reason } : {}) }];
    });
  for (let j = 0; j < order.length; j++) {
    if (j === rough) then?.();
    const [i, k] = order[j];
    const line = lines[i];
    if (line.reason !== undefined) continue;
    const r = await ask(asks[i].at(grid[k]));
    if (!r) return false;
    const c = r.curves[0];
    line.asked = true;
    if (c) {
      line.model = c.model;
      if (c.reason !== undefined) line.reason = c.reason;
      else if (c.points[0]) line.points[k] = c.points[0];
    }
    show(r, drawn(), j === order.length - 1);
  }
  if (order.length <= rough) then?.();
  return true;
}
