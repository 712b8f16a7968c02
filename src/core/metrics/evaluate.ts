import type { Csr, Dataset, EvalSet } from '../data/types';
import type { ScoreSource } from '../models/scores';
import { historyMask } from './mask';
import { topCPerColumn, topKPerRow, type Selection } from './topk';

/**
 * ItemRec and UserRec metrics with rime's definitions (rime.metrics.evaluate_assigned): recommendations are a 0/1
 * assignment matrix A (rows × items); targets Y count every event in the window (a repeat counts twice).
 */
export interface RecMetrics {
  /** Σ(Y ⊙ A) / ΣA: hits over all recommendations made. */
  prec: number;
  /** Mean over users (ItemRec) or items (UserRec) of hits / max(1, targets). */
  recall: number;
  /** ΣA / rows. */
  'recs/user': number;
  /** Fraction of items recommended at least once. */
  item_cov: number;
  /** exp(entropy) of the recommendations' distribution over items (eq. 15). */
  item_ppl: number;
  /** Fraction of users (rows) with at least one recommendation. */
  user_cov: number;
  /** exp(entropy) of the recommendations' distribution over users. */
  user_ppl: number;
  /** Mean score of the recommended pairs: Σ(S ⊙ A) / ΣA (expected hits per recommendation when S is calibrated). */
  obj_mean: number;
}

/** exp(−Σ p log p) of non-negative counts normalised to a distribution; 0 for an all-zero vector. */
export function perplexity(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (!(total > 0)) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const p = counts[i] / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.exp(h);
}

/** ceil(1% of n), at least 1: the default K (of items) and C (of users). */
export const onePercent = (n: number): number => Math.max(1, Math.ceil(0.01 * n));

/**
 * Metrics of a selection. `byRow`: groups are rows (ItemRec, recall averaged over rows); otherwise groups are columns
 * (UserRec, recall averaged over items).
 */
function evaluateSelection(target: Csr, sel: Selection, nRows: number, nCols: number, byRow: boolean): RecMetrics {
  const rowRecs = new Float64Array(nRows);
  const colRecs = new Float64Array(nCols);
  const groups = byRow ? nRows : nCols;
  // Assignment as rows → columns CSR (counting sort), to look targets up row by row.
  const aPtr = new Int32Array(nRows + 1);
  let objSum = 0;
  for (let g = 0; g < groups; g++) {
    for (let q = 0; q < sel.k; q++) {
      const m = sel.members[g * sel.k + q];
      const r = byRow ? g : m;
      const c = byRow ? m : g;
      rowRecs[r]++;
      colRecs[c]++;
      aPtr[r + 1]++;
      objSum += sel.scores[g * sel.k + q];
    }
  }
  for (let r = 0; r < nRows; r++) aPtr[r + 1] += aPtr[r];
  const aCols = new Int32Array(aPtr[nRows]);
  const fill = aPtr.slice(0, nRows);
  for (let g = 0; g < groups; g++) {
    for (let q = 0; q < sel.k; q++) {
      const m = sel.members[g * sel.k + q];
      const r = byRow ? g : m;
      aCols[fill[r]++] = byRow ? m : g;
    }
  }
  // Hits and ideal (target totals) per row and per column.
  const rowHits = new Float64Array(nRows);
  const colHits = new Float64Array(nCols);
  const rowIdeal = new Float64Array(nRows);
  const colIdeal = new Float64Array(nCols);
  const mark = new Int32Array(nCols).fill(-1);
  let hits = 0;
  for (let r = 0; r < nRows; r++) {
    for (let p = aPtr[r]; p < aPtr[r + 1]; p++) mark[aCols[p]] = r;
    for (let p = target.indptr[r]; p < target.indptr[r + 1]; p++) {
      const c = target.indices[p];
      const y = target.data[p];
      rowIdeal[r] += y;
      colIdeal[c] += y;
      if (mark[c] === r) {
        rowHits[r] += y;
        colHits[c] += y;
        hits += y;
      }
    }
  }
  const total = aPtr[nRows];
  let recall = 0;
  if (byRow) for (let r = 0; r < nRows; r++) recall += rowHits[r] / Math.max(1, rowIdeal[r]);
  else for (let c = 0; c < nCols; c++) recall += colHits[c] / Math.max(1, colIdeal[c]);
  let itemCov = 0;
  for (let c = 0; c < nCols; c++) if (colRecs[c] > 0) itemCov++;
  let userCov = 0;
  for (let r = 0; r < nRows; r++) if (rowRecs[r] > 0) userCov++;
  return {
    prec: total > 0 ? hits / total : 0,
    recall: groups > 0 ? recall / groups : 0,
    'recs/user': nRows > 0 ? total / nRows : 0,
    item_cov: nCols > 0 ? itemCov / nCols : 0,
    item_ppl: perplexity(colRecs),
    user_cov: nRows > 0 ? userCov / nRows : 0,
    user_ppl: perplexity(rowRecs),
    obj_mean: total > 0 ? objSum / total : 0,
  };
}

export interface EvalOptions {
  /** ItemRec: items per user (default ceil(1% of items)). */
  topK?: number;
  /** UserRec: users per item (default ceil(1% of rows)). */
  topC?: number;
  /** Needed to mask history items when `rows.excludeTrain`; without it nothing is masked. */
  dataset?: Dataset;
}

/** ItemRec: top-K items per user (rime's evaluate_item_rec). */
export function evaluateItemRec(src: ScoreSource, rows: EvalSet, opts: EvalOptions = {}): RecMetrics {
  const mask = opts.dataset ? historyMask(opts.dataset, rows) : null;
  const sel = topKPerRow(src, opts.topK ?? onePercent(src.nCols), mask);
  return evaluateSelection(rows.target, sel, src.nRows, src.nCols, true);
}

/** UserRec: top-C users per item (rime's evaluate_user_rec). */
export function evaluateUserRec(src: ScoreSource, rows: EvalSet, opts: EvalOptions = {}): RecMetrics {
  const mask = opts.dataset ? historyMask(opts.dataset, rows) : null;
  const sel = topCPerColumn(src, opts.topC ?? onePercent(src.nRows), mask);
  return evaluateSelection(rows.target, sel, src.nRows, src.nCols, false);
}
