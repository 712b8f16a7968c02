/**
 * The UserRec explorer's answers, computed from a finished run's kept scores (no model re-runs): an item's top test
 * users with λ(x), p(y|x), their recent history and whether they came, and the items worth exploring.
 */
import type { Csr, Dataset, EvalSet } from '../src/core/data/types';
import type { Selection } from '../src/core/metrics/topk';
import type { KeptScores } from '../src/core/pipeline/keep';
import { err, ok, type Result } from '../src/core/util/result';
import { EXPLORE_MAX, topOf, type LastRun } from './lastRun';

export { EXPLORE_MAX };

/** The UserRec explorer's answer: the item's top users under one model. */
export interface ExploreRow {
  user: string;
  /** λ(x, y): expected events of this user on this item in the window (the ranking score). */
  score: number;
  /** λ(x): the user's intensity, when the model has one (compositions and intensities); null otherwise. */
  lambda: number | null;
  /** p(y|x) = λ(x, y) / λ(x) for sequence models and their compositions; null for other scorers. */
  p: number | null;
  /** Last items of the user's history before the window, most recent last (ids). */
  history: string[];
  /** Target events of this user on this item in the test window (0: did not come). */
  came: number;
}

export interface ExploreResult {
  model: string;
  item: string;
  /** Test rows that really had the item in their window (the denominator of recall). */
  positives: number;
  rows: ExploreRow[];
}

/** The explorer's answer for item `itemId` under `model` in `run` on `d` (see exploreItem). */
export function exploreRun(
  run: LastRun,
  d: Dataset,
  model: string,
  itemId: string,
  topN: number,
  historyLength: number,
): Result<ExploreResult, 'unknown-model'> {
  const k = run.kept.get(model);
  const top = topOf(run, model);
  if (!k || !top) return err('unknown-model', `no kept scores for ${model}`);
  const item = d.itemIds.indexOf(itemId);
  if (item < 0 || item >= run.split.test.target.nCols)
    return err('unknown-model', `item ${itemId} is not a candidate of this split`);
  return ok(exploreItem(d, run.split.test, k, top, model, item, topN, historyLength));
}

/** The `n` items with the most test-window events (ids, events), most first. */
export function busiestItems(target: Csr, itemIds: string[], n: number): { id: string; events: number }[] {
  const counts = new Float64Array(target.nCols);
  for (let e = 0; e < target.indices.length; e++) counts[target.indices[e]] += target.data[e];
  const order = Array.from(counts.keys())
    .filter((i) => counts[i] > 0)
    .sort((a, b) => counts[b] - counts[a] || a - b);
  return order.slice(0, n).map((i) => ({ id: itemIds[i], events: counts[i] }));
}

/**
 * Item `item`'s best `topN` test rows under `model` from its kept top rows per item (`top`, as topCPerColumn keeps
 * them: unsorted), higher score first, ties to the lower row.
 */
export function exploreItem(
  d: Dataset,
  test: EvalSet,
  k: KeptScores,
  top: Selection,
  model: string,
  item: number,
  topN: number,
  historyLength: number,
): ExploreResult {
  const nRows = test.users.length;
  const came = new Float64Array(nRows);
  const t = test.target;
  let positives = 0;
  for (let r = 0; r < nRows; r++) {
    for (let e = t.indptr[r]; e < t.indptr[r + 1]; e++) if (t.indices[e] === item) came[r] += t.data[e];
    if (came[r] > 0) positives++;
  }
  const base = item * top.k;
  const picks = Array.from({ length: top.k }, (_, j) => ({
    r: top.members[base + j],
    score: top.scores[base + j],
  })).filter((x) => x.r >= 0);
  picks.sort((a, b) => b.score - a.score || a.r - b.r);
  const rows = picks.slice(0, Math.min(topN, EXPLORE_MAX));
  return {
    model,
    item: d.itemIds[item],
    positives,
    rows: rows.map(({ r, score }) => {
      const u = test.users[r];
      const lambda = k.lambda ? k.lambda[r] : null;
      const p = k.hasP ? (lambda !== null ? (lambda > 0 ? score / lambda : 0) : score) : null;
      const h0 = Math.max(d.userOffsets[u], test.histEnd[r] - historyLength);
      const history = Array.from(d.item.subarray(h0, test.histEnd[r]), (i) => d.itemIds[i]);
      return { user: d.userIds[u], score, lambda, p, history, came: came[r] };
    }),
  };
}
