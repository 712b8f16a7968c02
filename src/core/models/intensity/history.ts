import type { Dataset, EvalSet } from '../../data/types';

/**
 * Helpers shared by the intensity models: a row's history is the Dataset slice [userOffsets[u], histEnd[r]),
 * times in unix seconds, sorted.
 */

/** Number of history events of each EvalSet row. */
export function historyLengths(dataset: Dataset, rows: EvalSet): Float64Array {
  const n = rows.users.length;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = Math.max(0, rows.histEnd[r] - dataset.userOffsets[rows.users[r]]);
  return out;
}

/** Events per item among the training events [userOffsets[u], trainEnd[u]) of every user. */
export function trainItemCounts(dataset: Dataset, trainEnd: Int32Array): Float64Array {
  const counts = new Float64Array(dataset.nItems);
  for (let u = 0; u < dataset.nUsers; u++) {
    for (let i = dataset.userOffsets[u]; i < trainEnd[u]; i++) counts[dataset.item[i]] += 1;
  }
  return counts;
}

/** Latest training event time over all users (unix seconds); −Infinity when there is none. */
export function lastTrainTime(dataset: Dataset, trainEnd: Int32Array): number {
  let t = -Infinity;
  for (let u = 0; u < dataset.nUsers; u++) {
    if (trainEnd[u] > dataset.userOffsets[u]) t = Math.max(t, dataset.time[trainEnd[u] - 1]);
  }
  return t;
}
