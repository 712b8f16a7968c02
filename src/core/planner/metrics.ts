/**
 * Relevance and diversity of hard decisions (rime's evaluate_assigned / evaluate_mtch): a 0/1 assignment A
 * (rows × items) against test targets Y (event counts; a repeat counts twice, as rime's target_csr).
 */
import type { Csr } from '../data/types';
import { perplexity } from '../metrics/evaluate';
import type { Assignment, MatchMetrics, MatchSettings } from './types';

/** Linear-interpolated quantile (numpy's default) of sorted values. */
function quantileSorted(s: Float64Array, q: number): number {
  if (s.length === 0) return 0;
  const pos = q * (s.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < s.length ? s[i] * (1 - f) + s[i + 1] * f : s[i];
}

/** Per-row and per-column counts of an assignment. */
export function assignmentCounts(a: Assignment): { userLoad: Int32Array; itemExposure: Int32Array } {
  const userLoad = new Int32Array(a.nRows);
  const itemExposure = new Int32Array(a.nCols);
  for (let r = 0; r < a.nRows; r++) {
    userLoad[r] = a.indptr[r + 1] - a.indptr[r];
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) itemExposure[a.indices[p]]++;
  }
  return { userLoad, itemExposure };
}

/**
 * Metrics of hard decisions (rime field names).
 * - prec: Σ(Y ⊙ A) / max(Σ A, minimal total recs), as rime's evaluate_mtch: the minimal total is K·rows
 *   (K = round(α·items)) for the β sweep and β'·rows·items for the α sweep (settings.betaMax set), so that
 *   under-delivery lowers precision instead of hiding behind fewer recommendations.
 * - recall: mean over rows of hits / max(1, Σ_y Y_xy) (ItemRec recall, rime's axis 1).
 * - user_recall: mean over items of hits / max(1, Σ_x Y_xy) (UserRec recall, rime's evaluate_user_rec axis 0).
 * - item_ppl / user_ppl: eq. 15 over recommendation counts per item / per row; item_cov / user_cov: share with ≥ 1.
 * - k, c: mean recommendations per row and per item; recs/item quartiles (numpy's linear interpolation).
 * - delivered: mean over items of min(1, exposure / target), target = β·rows (β' for the α sweep); 1 without one.
 */
export function evaluateMatch(a: Assignment, target: Csr, settings: MatchSettings): MatchMetrics {
  if (target.nRows !== a.nRows || target.nCols !== a.nCols) {
    throw new RangeError(`evaluateMatch: assignment ${a.nRows}×${a.nCols}, targets ${target.nRows}×${target.nCols}`);
  }
  const { userLoad, itemExposure } = assignmentCounts(a);
  const mark = new Int32Array(a.nCols).fill(-1);
  /** Hits and positives per item, for UserRec recall. */
  const colHits = new Float64Array(a.nCols);
  const colPos = new Float64Array(a.nCols);
  let hits = 0;
  let recall = 0;
  for (let r = 0; r < a.nRows; r++) {
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) mark[a.indices[p]] = r;
    let rowHits = 0;
    let rowPos = 0;
    for (let p = target.indptr[r]; p < target.indptr[r + 1]; p++) {
      const y = target.data[p];
      const c = target.indices[p];
      rowPos += y;
      colPos[c] += y;
      if (mark[c] === r) {
        rowHits += y;
        colHits[c] += y;
      }
    }
    hits += rowHits;
    recall += rowHits / Math.max(1, rowPos);
  }
  const total = a.indptr[a.nRows];
  const minTotal =
    settings.betaMax !== undefined
      ? settings.betaMax * a.nRows * a.nCols
      : Math.round(settings.alpha * a.nCols) * a.nRows;
  const denom = Math.max(total, minTotal);
  let itemCov = 0;
  let userRecall = 0;
  for (let c = 0; c < a.nCols; c++) {
    if (itemExposure[c] > 0) itemCov++;
    userRecall += colHits[c] / Math.max(1, colPos[c]);
  }
  let userCov = 0;
  for (let r = 0; r < a.nRows; r++) if (userLoad[r] > 0) userCov++;
  const sorted = Float64Array.from(itemExposure).sort();
  const goal = settings.beta > 0 ? settings.beta * a.nRows : (settings.betaMax ?? 0) * a.nRows;
  let delivered = 1;
  if (goal > 0 && a.nCols > 0) {
    delivered = 0;
    for (let c = 0; c < a.nCols; c++) delivered += Math.min(1, itemExposure[c] / goal);
    delivered /= a.nCols;
  }
  return {
    k: a.nRows > 0 ? total / a.nRows : 0,
    c: a.nCols > 0 ? total / a.nCols : 0,
    prec: denom > 0 ? hits / denom : 0,
    recall: a.nRows > 0 ? recall / a.nRows : 0,
    user_recall: a.nCols > 0 ? userRecall / a.nCols : 0,
    item_ppl: perplexity(itemExposure),
    item_cov: a.nCols > 0 ? itemCov / a.nCols : 0,
    user_ppl: perplexity(userLoad),
    user_cov: a.nRows > 0 ? userCov / a.nRows : 0,
    'recs/item_25%': quantileSorted(sorted, 0.25),
    'recs/item_50%': quantileSorted(sorted, 0.5),
    'recs/item_75%': quantileSorted(sorted, 0.75),
    delivered,
  };
}
