/**
 * The planner's curves and operating points as one CSV table: every point of every drawn sweep (β sweeps of
 * Figure 4, α sweeps of appendix F) and the operating point of every model, with the setting it was solved at and
 * its match metrics in rime's names.
 */
import type { MatchMetrics, PlannerMode } from '../planner/types';
import { csvText } from './csv';

/** Metric columns, in the order of rime's evaluate_mtch output, then ours. */
export const PLANNER_CSV_METRICS = [
  'prec',
  'recall',
  'user_recall',
  'item_ppl',
  'item_cov',
  'user_ppl',
  'user_cov',
  'k',
  'c',
  'recs/item_25%',
  'recs/item_50%',
  'recs/item_75%',
  'delivered',
] as const satisfies readonly (keyof MatchMetrics)[];

/** `kind`: a sweep's point or the shown operating point; `sweep`: which parameter the curve varies. */
export const PLANNER_CSV_HEADER = [
  'kind',
  'sweep',
  'model',
  'mode',
  'alpha',
  'beta',
  'betaMax',
  ...PLANNER_CSV_METRICS,
] as const;

export interface CsvCurve {
  model: string;
  mode: PlannerMode;
  sweep: 'beta' | 'alpha';
  points: (MatchMetrics & { alpha: number; beta: number; betaMax?: number })[];
}

export interface CsvOperatingPoint {
  model: string;
  mode: PlannerMode;
  alpha: number;
  beta: number;
  betaMax?: number;
  metrics: MatchMetrics;
}

/** One row per curve point, then one per operating point; metrics at full precision. */
export function plannerCsv(curves: readonly CsvCurve[], points: readonly CsvOperatingPoint[]): string {
  const rows: (string | number | undefined)[][] = [];
  for (const c of curves)
    for (const p of c.points)
      rows.push([
        'curve',
        c.sweep,
        c.model,
        c.mode,
        p.alpha,
        p.beta,
        p.betaMax,
        ...PLANNER_CSV_METRICS.map((k) => p[k]),
      ]);
  for (const p of points)
    rows.push([
      'point',
      p.betaMax !== undefined ? 'alpha' : 'beta',
      p.model,
      p.mode,
      p.alpha,
      p.beta,
      p.betaMax,
      ...PLANNER_CSV_METRICS.map((k) => p.metrics[k]),
    ]);
  return csvText(PLANNER_CSV_HEADER, rows);
}
