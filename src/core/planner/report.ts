/**
 * What the Planner section shows of one solution besides its metrics: a histogram of delivered exposure, the items
 * the dual pushes up most, and v per item as CSV (the serving artifact).
 */
import { csvText } from '../report/csv';

/** Delivered exposure per item: items with an exposure count in [lo[i], lo[i] + width). */
export interface ExposureHistogram {
  lo: number[];
  width: number;
  count: number[];
  /** The β target in exposures per item (β · test rows). */
  target: number;
  /** Items at or above the target, within one exposure (a rounded target is met up to one user). */
  atTarget: number;
}

/** An item the dual pushes up: the largest −v(y) first. */
export interface BoostedItem {
  id: string;
  /** v(y) in score units (≤ 0 for a minimal-exposure constraint). */
  v: number;
  /** Test rows that got the item. */
  exposure: number;
}

const HIST_BINS = 20;
const TOP_BOOSTED = 10;

/** Histogram of exposure counts in HIST_BINS equal bins from 0 to the largest count (at least the target). */
export function exposureHistogram(exposure: Int32Array, target: number): ExposureHistogram {
  let max = 0;
  let atTarget = 0;
  for (const e of exposure) {
    if (e > max) max = e;
    if (e >= target - 1) atTarget++;
  }
  const top = Math.max(max + 1, Math.ceil(target) + 1);
  const width = Math.max(1, Math.ceil(top / HIST_BINS));
  const n = Math.ceil(top / width);
  const count = new Array<number>(n).fill(0);
  for (const e of exposure) count[Math.min(n - 1, Math.floor(e / width))]++;
  return { lo: count.map((_, i) => i * width), width, count, target, atTarget };
}

/** The `k` items with the largest −v (only items with v < 0: the dual raised them). */
export function topBoosted(v: Float64Array, exposure: Int32Array, ids: string[], k = TOP_BOOSTED): BoostedItem[] {
  const idx: number[] = [];
  for (let j = 0; j < v.length; j++) if (v[j] < 0) idx.push(j);
  idx.sort((a, b) => v[a] - v[b] || a - b);
  return idx.slice(0, k).map((j) => ({ id: ids[j], v: v[j], exposure: exposure[j] }));
}

/** CSV of v per item: a header, then `id,v` rows; ids with a comma, quote or line break are quoted. */
export const vCsv = (ids: string[], v: Float64Array): string =>
  csvText(
    ['item', 'v'],
    Array.from(v, (x, j) => [ids[j], x]),
  );
