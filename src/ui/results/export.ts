/**
 * Result exports: rime's ExperimentResult as JSON (item_rec / user_rec map each model to its metrics, plus our
 * config, meta and split) and one CSV table per task. Pure string functions (tested in Node); the download lives in
 * the component.
 */
import type { ExperimentResult } from '../../core/pipeline/run';
import type { RecMetrics } from '../../core/metrics/evaluate';

/** The metric columns in rime's order and spelling. */
export const METRIC_KEYS: readonly (keyof RecMetrics)[] = [
  'prec',
  'recall',
  'recs/user',
  'item_cov',
  'item_ppl',
  'user_cov',
  'user_ppl',
  'obj_mean',
];

export const resultsJson = (r: ExperimentResult): string => JSON.stringify(r, null, 2);

/** RFC 4180 field: quoted when it holds a comma, quote or line break (quotes doubled). */
export function csvField(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per model: `model` then the metrics of `task` (item_rec or user_rec), full precision. */
export function metricsCsv(r: ExperimentResult, task: 'item_rec' | 'user_rec'): string {
  const lines = [['model', ...METRIC_KEYS].map(csvField).join(',')];
  for (const [model, m] of Object.entries(r[task]))
    lines.push([model, ...METRIC_KEYS.map((k) => m[k])].map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}
